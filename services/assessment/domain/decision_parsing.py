"""A tax-year decision from its file form (the YAML mapping), with every bad field named."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from services.assessment.domain.decision import LegalLimits, Scope, TaxYearDecision, check_decision
from services.assessment.domain.exemptions import parse_exemption_code
from services.assessment.domain.property import PropertyCategory
from services.platform.errors import InvalidInput, Violations
from services.platform.money import Money, to_decimal

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
}


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError("must be a number")
    # YAML gives floats for 2.8; their decimal text is what the council wrote.
    return to_decimal(str(value) if isinstance(value, float) else value)


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
            rate = _number(value)
            if rate < 0:
                raise ValueError("must not be negative")
            rates[category] = rate
        except (ValueError, TypeError) as exc:
            problems.add(f"{path}.{key}", str(exc))
    return rates


def parse_decision(raw: Any, limits: LegalLimits) -> TaxYearDecision:
    problems = Violations()
    if not isinstance(raw, Mapping):
        problems.add("decision", "must be a mapping with at least year and rates_per_mille")
        problems.raise_if_any()
    for key in sorted(set(raw) - KNOWN_KEYS):
        problems.add(str(key), "unknown field")
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.add("year", "must be a whole number, e.g. 2024")
        year = 0
    if "rates_per_mille" not in raw:
        problems.add("rates_per_mille", "is required")
    rates = _rates(raw.get("rates_per_mille", {}), "rates_per_mille", problems)
    previous = None
    if raw.get("previous_rates_per_mille") is not None:
        previous = _rates(raw["previous_rates_per_mille"], "previous_rates_per_mille", problems)

    def money(key: str) -> Money:
        try:
            return Money.rounded(_number(raw.get(key, 0)))
        except (ValueError, TypeError) as exc:
            problems.add(key, str(exc))
            return Money(0)

    reduction = Decimal(0)
    try:
        reduction = _number(raw.get("reduction_factor", 0))
    except (ValueError, TypeError) as exc:
        problems.add("reduction_factor", str(exc))
    first_year = raw.get("first_year", False)
    if not isinstance(first_year, bool):
        problems.add("first_year", "must be true or false")
        first_year = False
    terms = raw.get("terms", 4)
    if not isinstance(terms, int) or isinstance(terms, bool):
        problems.add("terms", "must be a whole number")
        terms = 4
    scope = Scope.WHOLE_MUNICIPALITY
    try:
        scope = Scope(str(raw.get("scope", Scope.WHOLE_MUNICIPALITY.value)))
    except ValueError:
        problems.add("scope", f"use one of {', '.join(s.value for s in Scope)}")
    optional: set[str] = set()
    for index, item in enumerate(raw.get("optional_exemptions") or []):
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
    )
    try:
        check_decision(decision, limits)
    except InvalidInput as broken:
        for violation in broken.violations:
            if violation.field != "year" or year:
                problems.add(violation.field, violation.description)
    problems.raise_if_any()
    return decision
