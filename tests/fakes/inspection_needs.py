"""Inspection needs, history and field results in memory (application/ports.py InspectionNeedRepository)."""

from __future__ import annotations


class InMemoryInspectionNeeds:
    pass
