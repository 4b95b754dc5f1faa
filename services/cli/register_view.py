"""The property register's answers as people read them: a property as aligned fields, its owners as table
rows, an owners import as a sentence (no I/O here; services/cli/register.py prints them through
services/cli/output.py). A person's identity number is never shown, not even masked."""

from __future__ import annotations

from collections.abc import Iterable

from propertytax.assessment.v1 import assessment_pb2, property_pb2, tax_pb2
from services.cli.assessment_view import category, tax_status
from services.cli.output import Column, counted, day, nok, number, word


def share(numerator: int, denominator: int) -> str:
    """ "1/2", and a sole owner's whole "1"."""
    return str(numerator) if denominator == 1 else f"{numerator}/{denominator}"


def owner_kind(value: int) -> str:
    return word(value, "OWNER_KIND_", property_pb2.OwnerKind)


def location(prop: property_pb2.Property) -> str:
    if not prop.HasField("location"):
        return "–"
    return f"{number(prop.location.lat)} N, {number(prop.location.lon)} E"


def _owner_line(owner: property_pb2.OwnerShare) -> str:
    number_shown = f", org. no. {owner.organisation_number}" if owner.organisation_number else ""
    owned = share(owner.share_numerator, owner.share_denominator)
    return f"{owner.name} ({owned}{number_shown}) since {day(owner.since)}"


def _valuation(valuation: tax_pb2.Valuation) -> str:
    route = word(valuation.route, "VALUATION_ROUTE_", tax_pb2.ValuationRoute)
    state = "adopted" if valuation.adopted else "proposed"
    return f"{nok(valuation.value)} ({route}, {state}, version {valuation.version})"


def _tax(base: tax_pb2.TaxBase) -> str:
    return f"{base.tax_year}: {nok(base.tax)} ({tax_status(base.status)}, tax base {nok(base.tax_base)})"


def tax_lines(bases: Iterable[tax_pb2.TaxBase]) -> list[str]:
    """Each year's tax, the version in force first; a corrected year (§ 17, a complaint) also shows
    what it replaced, marked so, so two amounts for one year never leave the reader guessing."""
    by_year: dict[int, list[tax_pb2.TaxBase]] = {}
    for base in bases:
        by_year.setdefault(base.tax_year, []).append(base)
    lines: list[str] = []
    for year in sorted(by_year):
        current, *replaced = sorted(by_year[year], key=lambda b: b.version, reverse=True)
        if not replaced:
            lines.append(_tax(current))
            continue
        why = f": {current.reason}" if current.reason else ""
        lines.append(f"{_tax(current)} – in force (version {current.version}, corrected{why})")
        lines += [f"{_tax(old)} – replaced by version {current.version}" for old in replaced]
    return lines


def property_fields(
    prop: property_pb2.Property, read: assessment_pb2.GetPropertyResponse | None = None
) -> list[tuple[str, object]]:
    """A property as a record: its facts, then, when `read` with them (get-property), its owners,
    valuation and tax (a register or update answer has none of them: not shown as "none")."""
    fields: list[tuple[str, object]] = [
        ("Property id", prop.property_id),
        ("Cadastral id", prop.cadastral_id),
        ("Address", prop.address),
        ("Category", category(prop.category)),
        ("Dwelling units", number(prop.dwelling_units)),
        ("Location", location(prop)),
        ("Zone", prop.zone_id),
    ]
    if prop.floors:
        fields.append(("Usable area", [f"floor {f.level}: {number(f.bra_m2)} m²" for f in prop.floors]))
    if prop.plot_m2 and prop.plot_m2 not in ("0", "0.00"):
        fields.append(("Plot", f"{number(prop.plot_m2)} m²"))
    if prop.build_year:
        fields.append(("Built", str(prop.build_year)))
    if prop.exemption_code:
        fields.append(("Exemption", prop.exemption_code))
    if read is None:
        return fields
    fields.append(("Owners", [_owner_line(o) for o in read.owners] or "none recorded"))
    newest = max(read.valuations, key=lambda v: v.version, default=None)
    fields.append(("Valuation", _valuation(newest) if newest else "none"))
    if read.tax_bases:
        fields.append(("Tax", tax_lines(read.tax_bases)))
    return fields


OWNER_COLUMNS = [
    Column("Name"),
    Column("Share", numeric=True),
    Column("Since"),
    Column("Kind"),
    Column("Organisation number"),
]


def owner_rows(owners: Iterable[property_pb2.OwnerShare]) -> list[list[object]]:
    return [
        [
            o.name,
            share(o.share_numerator, o.share_denominator),
            day(o.since),
            owner_kind(o.kind),
            o.organisation_number,
        ]
        for o in owners
    ]


def owners_imported(answer: assessment_pb2.ImportOwnersResponse) -> str:
    """ "Recorded 12 ownership changes for 10 properties (14 owners)." and how many were recorded already."""
    if not answer.changes and answer.unchanged:
        return (
            f"Nothing new: the {counted(answer.unchanged, 'ownership change')} in the file "
            f"{'was' if answer.unchanged == 1 else 'were'} recorded already."
        )
    said = (
        f"Recorded {counted(answer.changes, 'ownership change')} for "
        f"{counted(answer.properties, 'property', 'properties')} ({counted(answer.owners, 'owner')})."
    )
    if answer.unchanged:
        were = "was" if answer.unchanged == 1 else "were"
        said += f" {counted(answer.unchanged, 'other change')} in the file {were} recorded already."
    return said
