"""Inspection commands (see services/cli/inspections.py)."""

from __future__ import annotations

from typing import Any


def add_commands(inspections: Any) -> None:
    del inspections
