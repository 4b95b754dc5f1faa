"""The property register's core: cadastral ids, categories and properties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.assessment.domain.coordinates import Box, coordinate_problem
from services.assessment.domain.exemptions import parse_exemption_code
from services.platform.errors import InvalidInput, Violations
from services.platform.identity import NAME_LENGTH, check_free_text
from services.platform.numbers import bounds

# What a floor area and a plot may plausibly measure, however the facts come in (a file, a request).
BRA_M2 = bounds(0, 1_000_000, 2, "132,5")
PLOT_M2 = bounds(0, 100_000_000, 2, "650")

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
class Floor:
    """Usable area (BRA, NS 3940) of one floor: 0 basement, 1 ground floor, …"""

    level: int
    bra_m2: Decimal


@dataclass(frozen=True)
class PropertyFacts:
    """What an assessor or an import states about a property (validated by `check_facts`)."""

    cadastral_id: str
    address: str
    category: PropertyCategory | None
    dwelling_units: int
    location: Location | None = None
    floors: tuple[Floor, ...] = ()
    plot_m2: Decimal = Decimal(0)
    build_year: int | None = None
    exemption_code: str = ""


@dataclass(frozen=True)
class Property:
    property_id: str
    cadastral_id: CadastralId | None
    address: str
    category: PropertyCategory
    dwelling_units: int
    location: Location | None
    floors: tuple[Floor, ...] = ()
    plot_m2: Decimal = Decimal(0)
    build_year: int | None = None
    exemption_code: str = ""
    zone_id: str | None = None

    @property
    def bra_m2(self) -> Decimal:
        return sum((f.bra_m2 for f in self.floors), Decimal(0))


@dataclass(frozen=True)
class PropertyRegistered:
    """Domain event: a property entered the register."""

    property: Property


@dataclass(frozen=True)
class PropertyChanged:
    """Domain event: a property's facts changed."""

    property: Property


_PROPERTY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")
# Where a point given by an assessor or an API client may lie: WGS 84 degrees, longitude first.
LOCATION_REMEDY = "give WGS 84 degrees (EPSG:4326), longitude first"


def check_property_id(property_id: str, problems: Violations, field: str = "property_id") -> bool:
    """The one rule for a property id, however it enters (register, CSV, GeoJSON, GeoPackage): 1–64
    ASCII letters, digits and . _ : / - (so no NUL, control characters or line breaks, which fullmatch
    refuses where `$` would let a trailing newline through), and no national identity number, which the
    id would carry to every store, event and service. True when the id is good."""
    if not _PROPERTY_ID.fullmatch(property_id):
        problems.add(
            field, "1–64 characters: letters, digits and . _ : / - (starting with a letter or digit)"
        )
        return False
    return check_free_text(problems, field, property_id)


def check_facts(
    property_id: str, facts: PropertyFacts, problems: Violations, *, cadastral_required: bool = True
) -> Property | None:
    """Validates facts, adding one violation per bad field; returns the property when all are good."""
    before = problems.count
    check_property_id(property_id, problems)
    parsed: CadastralId | None = None
    if facts.cadastral_id.strip() or cadastral_required:
        try:
            parsed = CadastralId.parse(facts.cadastral_id)
        except ValueError as exc:
            problems.add("cadastral_id", str(exc))
    if cadastral_required and not facts.address.strip():
        problems.add("address", "must not be empty")
    else:
        check_free_text(problems, "address", facts.address, NAME_LENGTH)
    category = facts.category
    if category is None:
        problems.add("category", "must be set")
    units = facts.dwelling_units
    if units < 0 or units > 10_000:
        problems.add("dwelling_units", "must be between 0 and 10000")
    elif category in (PropertyCategory.HOUSING, PropertyCategory.HOLIDAY_HOME) and units == 0:
        problems.add("dwelling_units", f"a {category.value} property has at least one dwelling unit")
    location = facts.location
    if location is not None:  # the rules the imports apply: range, metres, swapped, outside Norway
        problem = coordinate_problem([location.lon], [location.lat], remedy=LOCATION_REMEDY)
        if problem:
            problems.add("location", problem)
    for index, floor in enumerate(facts.floors):
        if not Decimal(0) <= floor.bra_m2 <= Decimal(1_000_000):
            problems.add(f"floors[{index}].bra_m2", "must be between 0 and 1000000 m²")
        if not -5 <= floor.level <= 99:
            problems.add(f"floors[{index}].level", "must be between -5 and 99")
    if not Decimal(0) <= facts.plot_m2 <= Decimal(100_000_000):
        problems.add("plot_m2", "must be between 0 and 100000000 m²")
    if facts.build_year is not None and not 1000 <= facts.build_year <= 2100:
        problems.add("build_year", "must be a year between 1000 and 2100")
    code = ""
    if facts.exemption_code.strip():
        try:
            code = parse_exemption_code(facts.exemption_code)
        except ValueError as exc:
            problems.add("exemption_code", str(exc))
    if problems.count > before or category is None:
        return None
    return Property(
        property_id=property_id,
        cadastral_id=parsed,
        address=facts.address.strip(),
        category=category,
        dwelling_units=units,
        location=location,
        floors=facts.floors,
        plot_m2=facts.plot_m2,
        build_year=facts.build_year,
        exemption_code=code,
    )


def check_in_surroundings(location: Location | None, surroundings: Box | None) -> None:
    """Refuses (InvalidInput naming `location`) a point far outside the municipality's zones, as the
    imports do: such a point is misplaced (a wrong CRS, a typo), not just outside every zone."""
    if location is None or surroundings is None:
        return
    problem = coordinate_problem([location.lon], [location.lat], surroundings, remedy=LOCATION_REMEDY)
    if problem:
        raise InvalidInput.single("location", problem)


def new_property(property_id: str, facts: PropertyFacts) -> Property:
    """Validates a new property's facts, naming every bad field at once."""
    problems = Violations()
    prop = check_facts(property_id, facts, problems)
    problems.raise_if_any()
    assert prop is not None
    return prop
