"""`propertytax assessment inspections ...`: the commands of the office's assessors, from two modules:
the needs and field results (inspections_needs.py) and the plans (inspections_plans.py)."""

from __future__ import annotations

from typing import Any

from services.cli import inspections_needs, inspections_plans


def add_commands(inspections: Any) -> None:
    """Adds `needs`, `import-history`, `record`; `request`, `plans`, `plan`, `show`, `replan`, `documents`."""
    inspections_needs.add_commands(inspections)
    inspections_plans.add_commands(inspections)
