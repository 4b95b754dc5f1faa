"""Billing adapters."""
