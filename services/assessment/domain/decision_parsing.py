"""A tax-year decision from its file form (the YAML mapping), with every bad field named."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from services.assessment.domain.decision import (
    LegalLimits,
    Scope,
    TaxListDisplay,
    TaxYearDecision,
    check_decision,
)
from services.assessment.domain.exemptions import parse_exemption_code
from services.assessment.domain.property import PropertyCategory
from services.platform.dates import read_day
from services.platform.errors import InvalidInput, Violations
from services.platform.money import Money
from services.platform.numbers import NOK, PER_MILLE, YEAR, Bounds, bounds, read_node

KNOWN_KEYS = {
    "year",
    "rates_per_mille",
    "basic_deduction_nok",
    "reduction_factor",
    "first_year",
    "previous_rates_per_mille",
    "minimum_amount_nok",
    "terms",
    "scope",
    "optional_exemptions",
    "tax_list_display",
}
DISPLAY_KEYS = ("from", "to")


REDUCTION = bounds(0, 1, 6, "0,3")
TERMS = bounds(1, 12, 0, "4")


def _rates(raw: Any, path: str, problems: Violations) -> dict[PropertyCategory, Decimal]:
    rates: dict[PropertyCategory, Decimal] = {}
    if not isinstance(raw, Mapping):
        problems.add(path, "must map categories to rates in per mille, e.g. housing: 2.8")
        return rates
    for key, value in raw.items():
        try:
            category = PropertyCategory(str(key))
        except ValueError:
            problems.add(
                f"{path}.{key}",
                f"unknown category; use one of {', '.join(c.value for c in PropertyCategory)}",
            )
            continue
        try:
            rates[category] = read_node(value, PER_MILLE)
        except ValueError as exc:
            problems.add(f"{path}.{key}", str(exc))
    return rates


def _day(node: Any) -> date:
    # YAML reads an unquoted 2024-02-26 as a date already; a quoted one (or 26.02.2024) is text.
    if isinstance(node, date):
        return node
    if isinstance(node, str):
        return read_day(node)
    raise ValueError("must be a date, e.g. 2024-02-26")


def parse_tax_list_display(raw: Any, problems: Violations) -> TaxListDisplay | None:
    """The decision's optional `tax_list_display: {from: 2024-02-26, to: 2024-03-18}`; None when absent."""
    if raw is None:
        return None
    path = "tax_list_display"
    if not isinstance(raw, Mapping):
        problems.add(
            path,
            "must give the display period as from: and to: dates, e.g. {from: 2024-02-26, to: 2024-03-18}",
        )
        return None
    for key in sorted(set(map(str, raw)) - set(DISPLAY_KEYS)):
        problems.add(f"{path}.{key}", "unknown field; give from and to")
    days: dict[str, date] = {}
    for key in DISPLAY_KEYS:
        if key not in raw:
            problems.add(f"{path}.{key}", "is required")
            continue
        try:
            days[key] = _day(raw[key])
        except ValueError as exc:
            problems.add(f"{path}.{key}", str(exc))
    if len(days) < len(DISPLAY_KEYS):
        return None
    if days["to"] <= days["from"]:
        problems.add(f"{path}.to", f"must be after from ({days['from'].isoformat()})")
        return None
    return TaxListDisplay(first_day=days["from"], last_day=days["to"])


def parse_decision(raw: Any, limits: LegalLimits) -> TaxYearDecision:
    problems = Violations()
    if not isinstance(raw, Mapping):
        problems.add("decision", "must be a mapping with at least year and rates_per_mille")
        problems.raise_if_any()
    for key in sorted(set(raw) - KNOWN_KEYS):
        problems.add(str(key), "unknown field")
    year = 0
    try:
        if not isinstance(raw.get("year"), int):
            raise ValueError(f"must be a whole number; expected {YEAR.describe()}")
        year = int(read_node(raw.get("year"), YEAR))
    except ValueError as exc:
        problems.add("year", str(exc))
    if "rates_per_mille" not in raw:
        problems.add("rates_per_mille", "is required")
    rates = _rates(raw.get("rates_per_mille", {}), "rates_per_mille", problems)
    previous = None
    if raw.get("previous_rates_per_mille") is not None:
        previous = _rates(raw["previous_rates_per_mille"], "previous_rates_per_mille", problems)

    def number(key: str, limits: Bounds) -> Decimal:
        try:
            return read_node(raw.get(key, 0), limits)
        except ValueError as exc:
            problems.add(key, str(exc))
            return Decimal(0)

    def money(key: str) -> Money:
        return Money.of(number(key, NOK))

    reduction = number("reduction_factor", REDUCTION)
    first_year = raw.get("first_year", False)
    if not isinstance(first_year, bool):
        problems.add("first_year", "must be true or false")
        first_year = False
    terms = int(number("terms", TERMS) or 4) if "terms" in raw else 4
    scope = Scope.WHOLE_MUNICIPALITY
    try:
        scope = Scope(str(raw.get("scope", Scope.WHOLE_MUNICIPALITY.value)))
    except ValueError:
        problems.add("scope", f"use one of {', '.join(s.value for s in Scope)}")
    optional: set[str] = set()
    listed = raw.get("optional_exemptions") or []
    if not isinstance(listed, list):
        problems.add("optional_exemptions", "must be a list of § 7 exemptions, e.g. [7a, 7b]")
        listed = []
    for index, item in enumerate(listed):
        try:
            code = parse_exemption_code(str(item))
            if not code.startswith("7"):
                raise ValueError("only § 7 exemptions are optional")
            optional.add(code)
        except ValueError as exc:
            problems.add(f"optional_exemptions[{index}]", str(exc))
    decision = TaxYearDecision(
        year=year,
        rates_per_mille=rates,
        basic_deduction=money("basic_deduction_nok"),
        reduction_factor=reduction,
        first_year=first_year,
        previous_rates_per_mille=previous,
        minimum_amount=money("minimum_amount_nok"),
        terms=terms,
        scope=scope,
        optional_exemptions=frozenset(optional),
        tax_list_display=parse_tax_list_display(raw.get("tax_list_display"), problems),
    )
    try:
        check_decision(decision, limits)
    except InvalidInput as broken:
        for violation in broken.violations:
            if violation.field != "year" or year:
                problems.add(violation.field, violation.description)
    problems.raise_if_any()
    return decision
