"""The property register's core: cadastral ids, categories and properties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from services.platform.errors import Violations

_CADASTRAL = re.compile(r"^(\d{4})-(\d{1,5})/(\d{1,4})(?:/(\d{1,4}))?(?:/(\d{1,4}))?$")


class PropertyCategory(StrEnum):
    HOUSING = "housing"
    HOLIDAY_HOME = "holiday_home"
    COMMERCIAL = "commercial"
    POWER = "power"
    UNDEVELOPED = "undeveloped"
    AGRICULTURE = "agriculture"


@dataclass(frozen=True, order=True)
class CadastralId:
    """Matrikkel id: municipality number, gnr, bnr, fnr (festenummer), snr (seksjonsnummer)."""

    municipality: str
    gnr: int
    bnr: int
    fnr: int = 0
    snr: int = 0

    @classmethod
    def parse(cls, text: str) -> CadastralId:
        """Parses "0301-208/1/0/0" (fnr and snr may be left out); raises ValueError with the reason."""
        match = _CADASTRAL.match(text.strip())
        if match is None:
            raise ValueError("expected kommunenr-gnr/bnr/fnr/snr, e.g. 0301-208/1/0/0")
        municipality, gnr, bnr, fnr, snr = match.groups()
        if municipality == "0000":
            raise ValueError("municipality number 0000 does not exist")
        if int(gnr) == 0 or int(bnr) == 0:
            raise ValueError("gnr and bnr start at 1")
        return cls(municipality, int(gnr), int(bnr), int(fnr or 0), int(snr or 0))

    def __str__(self) -> str:
        return f"{self.municipality}-{self.gnr}/{self.bnr}/{self.fnr}/{self.snr}"


@dataclass(frozen=True)
class Location:
    """WGS84 longitude and latitude."""

    lon: float
    lat: float


@dataclass(frozen=True)
class Property:
    property_id: str
    cadastral_id: CadastralId
    address: str
    category: PropertyCategory
    dwelling_units: int
    location: Location | None


@dataclass(frozen=True)
class PropertyRegistered:
    """Domain event: a property entered the register."""

    property: Property


def new_property(
    *,
    property_id: str,
    cadastral_id: str,
    address: str,
    category: PropertyCategory | None,
    dwelling_units: int,
    location: Location | None,
) -> Property:
    """Validates a new property's facts, naming every bad field at once."""
    problems = Violations()
    parsed: CadastralId | None = None
    try:
        parsed = CadastralId.parse(cadastral_id)
    except ValueError as exc:
        problems.add("cadastral_id", str(exc))
    if not address.strip():
        problems.add("address", "must not be empty")
    elif len(address) > 200:
        problems.add("address", "at most 200 characters")
    if category is None:
        problems.add("category", "must be set")
    if dwelling_units < 0 or dwelling_units > 10_000:
        problems.add("dwelling_units", "must be between 0 and 10000")
    if category in (PropertyCategory.HOUSING, PropertyCategory.HOLIDAY_HOME) and dwelling_units == 0:
        problems.add("dwelling_units", f"a {category.value} property has at least one dwelling unit")
    if location is not None:
        if not -180.0 <= location.lon <= 180.0:
            problems.add("location.lon", "must be between -180 and 180")
        if not -90.0 <= location.lat <= 90.0:
            problems.add("location.lat", "must be between -90 and 90")
    problems.raise_if_any()
    assert parsed is not None and category is not None
    return Property(
        property_id=property_id,
        cadastral_id=parsed,
        address=address.strip(),
        category=category,
        dwelling_units=dwelling_units,
        location=location,
    )
