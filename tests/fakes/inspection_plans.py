"""Inspection plans, owners' requests and notices in memory (application/ports.py
InspectionPlanRepository)."""

from __future__ import annotations


class InMemoryInspectionPlans:
    pass
