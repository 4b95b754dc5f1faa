"""Billing service: accounts, charges, billing runs, invoices, payments, ledger."""
