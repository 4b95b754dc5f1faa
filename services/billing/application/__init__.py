"""Billing application."""
