"""The assessors' answers as people read them: sentences, aligned fields and table rows built from the
service's messages (no I/O here; services/cli/assessment.py prints them through services/cli/output.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from propertytax.assessment.v1 import assessment_pb2, property_pb2, tax_pb2
from services.cli.output import Column, counted, day, nok, number, word
from services.platform.identity import mask_national_ids

# ValuationNeed.reason codes in words (the detail next to it says what to do).
_REASONS = {
    "no_dwelling_area": "no dwelling area (BRA)",
    "no_area": "no area",
    "outside_zones": "outside every zone",
    "no_location": "no location",
    "zero_value": "a unit valued at 0 kr",
}


def reason(code: str) -> str:
    return _REASONS.get(code, code.replace("_", " "))


def category(value: int) -> str:
    return word(value, "PROPERTY_CATEGORY_", property_pb2.PropertyCategory)


def tax_status(value: int) -> str:
    return word(value, "TAX_STATUS_", tax_pb2.TaxStatus)


# ---- imports -----------------------------------------------------------------------------------------


def needs_columns(where: str) -> list[Column]:
    """Columns of the not-valued table of an import; `where` is "Line" (CSV) or "Feature"."""
    return [Column("Property"), Column(where, numeric=True), Column("Reason"), Column("Detail")]


def needs_rows(needs: Iterable[assessment_pb2.ValuationNeed]) -> list[list[object]]:
    return [[n.property_id, n.line or "", reason(n.reason), n.detail] for n in needs]


def _not_valued(n: int) -> str:
    return f"{number(n)} not valued (need a valuation)"


def properties_imported(answer: assessment_pb2.ImportPropertiesResponse) -> str:
    """ "Imported 2 003 properties (1 950 new, 53 updated): 1 950 valuations proposed, waiting for
    adoption; 3 not valued (need a valuation)." """
    return (
        f"Imported {counted(answer.rows, 'property', 'properties')} ({number(answer.created)} new, "
        f"{number(answer.updated)} updated): "
        f"{counted(answer.valuations_proposed, 'valuation')} proposed, waiting for adoption; "
        f"{_not_valued(len(answer.not_valued))}"
        + (
            f"; {counted(answer.ownership_changes, 'ownership change')} recorded from the owner columns."
            if answer.ownership_changes
            else "."
        )
    )


def housing_values_imported(answer: assessment_pb2.ImportHousingValuesResponse, year: int | None) -> str:
    year_text = f" for {year}" if year else ""
    return (
        f"Read {counted(answer.rows, 'housing value')}{year_text}: "
        f"{counted(answer.properties_valued, 'property', 'properties')} given a new valuation, waiting for "
        f"adoption; {_not_valued(len(answer.not_valued))}."
    )


def zones_imported(answer: assessment_pb2.ImportZonesResponse) -> str:
    return (
        f"Imported {counted(answer.zones, 'zone')} (they replace the earlier ones): "
        f"{counted(answer.properties_in_zones, 'property', 'properties')} inside a zone, "
        f"{number(answer.properties_outside)} outside every zone."
    )


# ---- simulation ----------------------------------------------------------------------------------------


def _change(ore: int) -> str:
    return ("+" if ore > 0 else "") + nok(ore)


def simulation_fields(report: assessment_pb2.SimulateTaxYearResponse) -> list[tuple[str, object]]:
    if report.has_current:
        change = report.total_revenue.ore - report.current_total_revenue.ore
        current: object = f"{nok(report.current_total_revenue)} (change {_change(change)})"
    else:
        current = f"none set for {report.year}: nothing to compare with"
    not_valued = number(report.not_valued)
    if report.not_valued:
        not_valued += " (they need a valuation: propertytax assessment unvalued)"
    return [
        ("Total revenue", nok(report.total_revenue)),
        ("Current decision", current),
        ("Properties", number(report.properties)),
        ("  pay", number(report.paying)),
        ("  taxed at 0,00 kr", number(report.taxed - report.paying)),
        ("  exempt", number(report.exempt)),
        ("  below minimum", number(report.below_minimum)),
        ("  out of scope", number(report.out_of_scope)),
        ("  not valued", not_valued),
    ]


def category_table(report: assessment_pb2.SimulateTaxYearResponse) -> tuple[list[Column], list[list[object]]]:
    columns = [
        Column("Category"),
        Column("Pay", numeric=True),
        Column("Properties", numeric=True),
        Column("Revenue", numeric=True),
    ]
    if report.has_current:
        columns.append(Column("Current revenue", numeric=True))
    columns.append(Column("Not valued", numeric=True))
    rows: list[list[object]] = []
    for c in report.categories:
        row: list[object] = [category(c.category), number(c.taxed), number(c.properties), nok(c.revenue)]
        if report.has_current:
            row.append(nok(c.current_revenue))
        row.append(number(c.not_valued))
        rows.append(row)
    return columns, rows


BAND_COLUMNS = [
    Column("Tax a year from", numeric=True),
    Column("under", numeric=True),
    Column("Properties", numeric=True),
]


def band_rows(bands: Sequence[assessment_pb2.TaxBand]) -> list[list[object]]:
    return [
        [
            f"{number(b.lower_nok)} kr",
            f"{number(b.upper_nok)} kr" if b.upper_nok else "and more",
            number(b.properties),
        ]
        for b in bands
    ]


# ---- levy ----------------------------------------------------------------------------------------------


def _counts(job: assessment_pb2.LevyJob) -> str:
    """Every group of the levied properties, so the groups add up to the total: the job counts taxed,
    exempt and not valued; the rest (the decision's scope leaves them out, or their tax is under its
    minimum) are neither and are said as such."""
    rest = job.processed - job.taxed - job.exempt - job.not_valued
    said = f"{number(job.taxed)} taxed, {number(job.exempt)} exempt, {number(job.not_valued)} not valued"
    return said + (f", {number(rest)} out of scope or below the minimum" if rest > 0 else "")


def levy_summary(job: assessment_pb2.LevyJob) -> str:
    """ "Levy 2024 done on 20.02.2024: 2 003 properties, 1 950 taxed, 14 exempt, 3 not valued, 36 out of
    scope or below the minimum; total 1 234 567,00 kr", or where a running or failed job stands."""
    year = job.tax_year
    if job.state == assessment_pb2.LEVY_JOB_STATE_COMPLETED:
        return (
            f"Levy {year} done on {day(job.levied_on)}: {counted(job.total, 'property', 'properties')}, "
            f"{_counts(job)}; total {nok(job.total_tax)}"
        )
    so_far = f"{number(job.processed)} of {counted(job.total, 'property', 'properties')}"
    if job.state == assessment_pb2.LEVY_JOB_STATE_FAILED:
        return (
            f"Levy {year} (on {day(job.levied_on)}) failed after {so_far}: {job.error or 'no reason given'}. "
            f"Start it again to resume: propertytax assessment levy start {year}"
        )
    return (
        f"Levy {year} (on {day(job.levied_on)}) is running: {so_far} levied so far. "
        f"Follow it: propertytax assessment levy status {year}"
    )


def levy_fields(job: assessment_pb2.LevyJob) -> list[tuple[str, object]]:
    """What `levy status` shows under the summary line: only what that line does not already say (the
    figures once, not twice)."""
    fields: list[tuple[str, object]] = [
        ("State", word(job.state, "LEVY_JOB_STATE_", assessment_pb2.LevyJobState))
    ]
    if job.state != assessment_pb2.LEVY_JOB_STATE_COMPLETED:
        fields += [("So far", _counts(job)), ("Tax so far", nok(job.total_tax))]
    if job.error:
        fields.append(("Error", job.error))
    return [*fields, ("Job", job.job_id)]


# ---- correction and search -------------------------------------------------------------------------------


def _scaled(text: str, factor: int, unit: str) -> str:
    """A decimal text from the service ("0.30", "2.8") as people read it ("30 %", "2,8 ‰")."""
    try:
        return f"{number(Decimal(text) * factor)} {unit}" if text else ""
    except InvalidOperation:
        return text


def tax_base_fields(base: tax_pb2.TaxBase, corrected_on: str | None) -> list[tuple[str, object]]:
    return [
        ("Corrected on", day(corrected_on) if corrected_on else "today (the service's date)"),
        ("Version", base.version),
        ("Status", tax_status(base.status)),
        ("Value", nok(base.value)),
        ("Reduction", _scaled(base.reduction, 100, "%")),
        ("Basic deduction", nok(base.deduction)),
        ("Tax base (skattegrunnlag)", nok(base.tax_base)),
        ("Rate", _scaled(base.rate_per_mille, 1, "‰")),
        ("Tax", nok(base.tax)),
        ("Reason", base.reason),
    ]


PROPERTY_COLUMNS = [
    Column("Property"),
    Column("Cadastral id"),
    Column("Address"),
    Column("Category"),
    Column("Units", numeric=True),
    Column("Zone"),
]


def property_rows(found: Iterable[property_pb2.Property]) -> list[list[object]]:
    return [
        [p.property_id, p.cadastral_id, p.address, category(p.category), number(p.dwelling_units), p.zone_id]
        for p in found
    ]


def no_property_matches(text: str, zone: str) -> str:
    text = mask_national_ids(text)  # an identity number searched for is not shown back
    if text and zone:
        return f"No property in zone {zone!r} matches {text!r}."
    if text:
        return f"No property matches {text!r}."
    if zone:
        return f"No property is in zone {zone!r}."
    return "The register has no property."
