"""The configured legal limits and valuation basis (YAML files shipped with the service)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from services.assessment.application.config import AssessmentConfig
from services.assessment.domain.decision import LegalLimits, TaxYearDecision
from services.assessment.domain.decision_parsing import parse_decision
from services.assessment.domain.municipality import Municipality
from services.assessment.domain.property import PropertyCategory
from services.assessment.domain.valuation import StandardRates
from services.platform.errors import InvalidInput
from services.platform.money import Money, to_decimal
from services.platform.yaml_input import read_yaml

HERE = Path(__file__).resolve().parents[1]
DEFAULT_LIMITS = HERE / "legal_limits.yaml"
DEFAULT_RATES = HERE / "standard_rates.yaml"
DEFAULT_MUNICIPALITY = HERE / "municipality.yaml"


def load_legal_limits(path: Path | None = None) -> LegalLimits:
    raw = yaml.safe_load((path or DEFAULT_LIMITS).read_text(encoding="utf-8")) or {}
    return LegalLimits.from_mapping(raw)


def load_standard_rates(path: Path | None = None) -> StandardRates:
    raw = yaml.safe_load((path or DEFAULT_RATES).read_text(encoding="utf-8")) or {}
    return StandardRates(
        rate_per_m2={
            PropertyCategory(k): Money.rounded(to_decimal(str(v))) for k, v in raw["rate_per_m2_nok"].items()
        },
        plot_rate_per_m2=Money.rounded(to_decimal(str(raw["plot_rate_per_m2_nok"]))),
        floor_factors={int(k): to_decimal(str(v)) for k, v in (raw.get("floor_factors") or {}).items()},
        min_building_m2=to_decimal(str(raw.get("min_building_m2", 15))),
        source=str(raw.get("source", "standard rates")),
    )


def load_municipality(path: Path | None = None) -> Municipality:
    raw = yaml.safe_load((path or DEFAULT_MUNICIPALITY).read_text(encoding="utf-8")) or {}
    number = str(raw.get("number", ""))
    if not raw.get("name") or not (len(number) == 4 and number.isdigit()):
        raise ValueError('municipality.yaml needs a name and a four-digit number (quoted, e.g. "0301")')
    return Municipality(name=str(raw["name"]), number=number)


NOT_A_DECISION = "not a decision file (YAML with year, rates_per_mille, basic_deduction_nok, …)"
_YEAR_KEY = re.compile(r"^year\s*:", re.MULTILINE)


def parse_decision_yaml(text: str) -> object:
    """A decision's YAML text (the request's decision_yaml) → mapping, read within the bounds of
    platform/yaml_input.py; a bad document is a violation of decision_yaml with its line. A document
    without a top-level `year` (a register CSV sent by mistake) is said to be no decision file first,
    so the reader is not left puzzling over a YAML detail of a file that was never YAML."""
    looks_like_one = _YEAR_KEY.search(text) is not None
    try:
        raw = read_yaml(text, "decision_yaml")
    except InvalidInput as refused:
        if looks_like_one:
            raise
        raise InvalidInput.single(
            "decision_yaml", f"{NOT_A_DECISION}: {refused.violations[0].description}"
        ) from None
    if not isinstance(raw, Mapping) or ("year" not in raw and "rates_per_mille" not in raw):
        raise InvalidInput.single("decision_yaml", NOT_A_DECISION)
    return raw


def read_decision(decision_yaml: str, config: AssessmentConfig) -> TaxYearDecision:
    """A decision document's text, read and checked against the legal limits."""
    return parse_decision(parse_decision_yaml(decision_yaml), config.limits)


__all__ = [
    "load_legal_limits",
    "load_municipality",
    "load_standard_rates",
    "parse_decision_yaml",
    "read_decision",
]
