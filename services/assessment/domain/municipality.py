"""The municipality the service works for, as its documents name it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OfficeContact:
    """How citizens reach the municipality's property tax office: printed on the letters owners get (an
    inspection notice says whom to ask for another day). Every part may be missing; a letter then names
    only the parts it has."""

    office: str = ""  # "Eiendomsskattekontoret"
    address_lines: tuple[str, ...] = ()  # postal address, postcode and city last
    phone: str = ""  # as printed: "21 80 21 80"
    email: str = ""
    web: str = ""  # a web page, as printed (no scheme needed)


@dataclass(frozen=True)
class Municipality:
    name: str  # "Oslo kommune"
    number: str  # kommunenummer, four digits: "0301"
    contact: OfficeContact = field(default_factory=OfficeContact)
