"""The municipality the service works for, as its documents name it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Municipality:
    name: str  # "Oslo kommune"
    number: str  # kommunenummer, four digits: "0301"
