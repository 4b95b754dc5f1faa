"""What the import files give the handlers, row by row, whatever format the file readers read them from:
each row keeps the line or feature number it came from, so that a refusal can name it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.assessment.domain.ownership import NewOwner
from services.assessment.domain.property import PropertyFacts
from services.platform.money import Money

# The problems listed by name in one refusal; the rest are counted ("… and 12 more").
MAX_REPORTED = 200


@dataclass(frozen=True)
class OwnerRow:
    line: int
    property_id: str
    from_date: date
    owner: NewOwner


@dataclass(frozen=True)
class OwnershipChangeRows:
    """One ownership change of the file: its co-owners, each with the line that gave it."""

    property_id: str
    from_date: date
    rows: tuple[OwnerRow, ...]

    @property
    def line(self) -> int:
        return self.rows[0].line

    @property
    def owners(self) -> list[NewOwner]:
        return [row.owner for row in self.rows]


@dataclass(frozen=True)
class PropertyRow:
    line: int
    property_id: str
    facts: PropertyFacts
    housing_value: Money | None
    geometry_wkt: str | None = None
    owners: OwnershipChangeRows | None = None  # a CSV's owner columns, when it has them


@dataclass(frozen=True)
class HousingValueRow:
    line: int
    property_id: str
    unit: str
    year: int
    value: Money
