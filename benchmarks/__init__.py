"""Reproducible workloads that write JSON reports under reports/."""
