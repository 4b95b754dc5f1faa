"""The configured legal limits and valuation basis (YAML files shipped with the service)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from services.assessment.application.config import AssessmentConfig
from services.assessment.domain.calibration import CalibrationSettings, ExclusionRules, ModelForm
from services.assessment.domain.decision import LegalLimits, TaxYearDecision
from services.assessment.domain.decision_parsing import parse_decision
from services.assessment.domain.inspection_planning import PlanningSettings, Transport
from services.assessment.domain.municipality import Municipality, OfficeContact
from services.assessment.domain.property import PropertyCategory
from services.assessment.domain.valuation import SizeBand, StandardRates
from services.platform.errors import InvalidInput
from services.platform.money import Money, to_decimal
from services.platform.yaml_input import read_yaml

HERE = Path(__file__).resolve().parents[1]
DEFAULT_LIMITS = HERE / "legal_limits.yaml"
DEFAULT_RATES = HERE / "standard_rates.yaml"
DEFAULT_MUNICIPALITY = HERE / "municipality.yaml"
DEFAULT_INSPECTIONS = HERE / "inspections.yaml"
DEFAULT_CALIBRATION = HERE / "calibration.yaml"


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
        area_bands=_size_bands(raw.get("area_bands"), "area_bands"),
        plot_bands=_size_bands(raw.get("plot_bands"), "plot_bands"),
        graded_categories=(
            None
            if raw.get("graded_categories") is None
            else frozenset(PropertyCategory(c) for c in raw["graded_categories"])
        ),
        plot_rate_by_category={
            PropertyCategory(k): Money.rounded(to_decimal(str(v)))
            for k, v in (raw.get("plot_rate_by_category_nok") or {}).items()
        },
    )


def _size_bands(raw: object, key: str) -> tuple[SizeBand, ...]:
    """A list of {from_m2, factor} (factor 0–10, from_m2 rising from 0), or nothing; ValueError naming the
    key otherwise."""
    if not raw:
        return ()
    if not isinstance(raw, list) or not all(isinstance(b, Mapping) for b in raw):
        raise ValueError(f"standard rates: {key} is a list of {{from_m2, factor}}")
    bands = tuple(SizeBand(to_decimal(str(b["from_m2"])), to_decimal(str(b["factor"]))) for b in raw)
    starts = [b.from_m2 for b in bands]
    if starts != sorted(set(starts)) or starts[0] < 0 or any(not 0 <= b.factor <= 10 for b in bands):
        raise ValueError(f"standard rates: {key}: from_m2 rising from 0, each factor from 0 to 10")
    return bands


def load_calibration_settings(path: Path | None = None) -> CalibrationSettings:
    """The calibration's exclusion rules, model form, holdout share and seed (calibration.yaml);
    ValueError naming the key of anything missing or out of range."""
    where = (path or DEFAULT_CALIBRATION).name
    raw = yaml.safe_load((path or DEFAULT_CALIBRATION).read_text(encoding="utf-8")) or {}
    rules = raw.get("exclusion_rules") or {}
    form = raw.get("model_form") or {}
    if not isinstance(rules, Mapping) or not isinstance(form, Mapping):
        raise ValueError(f"{where}: exclusion_rules and model_form are mappings")

    def number(table: Mapping[str, object], key: str, low: str, high: str, section: str) -> Decimal:
        return _settings_number(table, key, Decimal(low), Decimal(high), f"{where}: {section}")

    def starts(key: str) -> tuple[Decimal, ...]:
        values = form.get(key) or []
        if not isinstance(values, list):
            raise ValueError(f"{where}: model_form.{key} is a list of m²")
        found = tuple(_settings_number({key: v}, key, Decimal(1), Decimal(1_000_000), where) for v in values)
        if list(found) != sorted(set(found)):
            raise ValueError(f"{where}: model_form.{key} rises")
        return found

    return CalibrationSettings(
        rules=ExclusionRules(
            min_price=number(rules, "min_price", "0", "1000000000", "exclusion_rules"),
            min_bra_m2=number(rules, "min_bra_m2", "0", "10000", "exclusion_rules"),
            resale_days=int(number(rules, "resale_days", "0", "3650", "exclusion_rules")),
            iqr_k=float(number(rules, "iqr_k", "0.5", "100", "exclusion_rules")),
            iqr_min_sales=int(number(rules, "iqr_min_sales", "4", "100000", "exclusion_rules")),
        ),
        form=ModelForm(
            area_bands_m2=starts("area_bands_m2"),
            plot_bands_m2=starts("plot_bands_m2"),
            min_building_m2=number(form, "min_building_m2", "0", "1000", "model_form"),
        ),
        holdout=float(number(raw, "holdout", "0.01", "0.9", "holdout")),
        seed=int(number(raw, "seed", "0", "4294967295", "seed")),
        min_zone_sales=int(_setting(raw, "min_zone_sales", 5, Decimal(1), Decimal(1000), where)),
    )


def load_municipality(path: Path | None = None) -> Municipality:
    """The municipality's name, number and (optional) office contact; ValueError names what is wrong."""
    raw = yaml.safe_load((path or DEFAULT_MUNICIPALITY).read_text(encoding="utf-8")) or {}
    number = str(raw.get("number", ""))
    if not raw.get("name") or not (len(number) == 4 and number.isdigit()):
        raise ValueError('municipality.yaml needs a name and a four-digit number (quoted, e.g. "0301")')
    contact = raw.get("contact") or {}
    parts = ("office", "phone", "email", "web")
    lines = contact.get("address_lines", []) if isinstance(contact, Mapping) else None
    if not (
        isinstance(lines, list)
        and all(isinstance(line, str) for line in lines)
        and all(isinstance(contact.get(part, ""), str) for part in parts)
    ):
        raise ValueError(
            "municipality.yaml: contact has the texts office, phone, email, web and address_lines (a list)"
        )
    texts = {part: contact.get(part, "") for part in parts}
    return Municipality(
        name=str(raw["name"]),
        number=number,
        contact=OfficeContact(address_lines=tuple(lines), **texts),
    )


def _settings_number(raw: Mapping[str, object], key: str, low: Decimal, high: Decimal, where: str) -> Decimal:
    try:
        value = Decimal(str(raw[key]))
    except KeyError:
        raise ValueError(f"{where}: {key} is missing") from None
    except InvalidOperation:
        raise ValueError(f"{where}: {key}: {raw[key]!r} is not a number") from None
    if not value.is_finite() or not low <= value <= high:
        raise ValueError(f"{where}: {key}: {raw[key]!r} must be from {low} to {high}")
    return value


def _settings_table(
    raw: Mapping[str, object], key: str, names: list[str], where: str
) -> Mapping[str, object]:
    table = raw.get(key)
    if not isinstance(table, Mapping):
        raise ValueError(f"{where}: {key} must map {', '.join(names)} to numbers")
    unknown = sorted(set(map(str, table)) - set(names))
    if unknown:
        raise ValueError(f"{where}: {key}.{unknown[0]} is none of {', '.join(names)}")
    return {str(k): v for k, v in table.items()}


def load_inspection_settings(path: Path | None = None) -> PlanningSettings:
    """The inspection settings file (services/assessment/inspections.yaml): ValueError naming the file and
    the key of anything missing or out of range."""
    where = (path or DEFAULT_INSPECTIONS).name
    raw = yaml.safe_load((path or DEFAULT_INSPECTIONS).read_text(encoding="utf-8")) or {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected keys minutes_per_inspection, speed_kmh, detour_factor, …")
    categories = [c.value for c in PropertyCategory]
    minutes = _settings_table(raw, "minutes_per_inspection", categories, where)
    transports = [t.value for t in Transport]
    speeds = _settings_table(raw, "speed_kmh", transports, where)
    missing = sorted(set(transports) - set(speeds))
    if missing:
        raise ValueError(f"{where}: speed_kmh.{missing[0]} is missing")
    per_category = {
        PropertyCategory(k): int(
            _settings_number(minutes, k, Decimal(5), Decimal(600), f"{where}: minutes_per_inspection")
        )
        for k in minutes
    }
    speed = {
        Transport(k): _settings_number(speeds, k, Decimal(1), Decimal(120), f"{where}: speed_kmh")
        for k in speeds
    }
    starts = str(raw.get("day_starts_at", "08:00"))
    try:
        day_starts_at = time.fromisoformat(starts)
    except ValueError:
        raise ValueError(f"{where}: day_starts_at: {starts!r} is no time of day (HH:MM)") from None
    return PlanningSettings(
        minutes_per_inspection=per_category,
        speed_kmh=speed,
        detour_factor=_settings_number(
            {"detour_factor": raw.get("detour_factor", "1.3")}, "detour_factor", Decimal(1), Decimal(3), where
        ),
        day_starts_at=day_starts_at,
        notice_window_minutes=int(
            _setting(raw, "notice_window_minutes", 120, Decimal(30), Decimal(480), where)
        ),
        longest_day_minutes=int(_setting(raw, "longest_day_minutes", 480, Decimal(60), Decimal(720), where)),
        results_due_days=int(_setting(raw, "results_due_days", 14, Decimal(1), Decimal(90), where)),
        max_start_km=_setting(raw, "max_start_km", 50, Decimal(1), Decimal(500), where),
        source=str(raw.get("source", "inspection settings")),
    )


def _setting(
    raw: Mapping[str, Any], name: str, default: int, low: Decimal, high: Decimal, where: str
) -> Decimal:
    """One number of the settings file, `default` when absent; ValueError naming the file and key."""
    return _settings_number({name: raw.get(name, default)}, name, low, high, where)


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
    "load_calibration_settings",
    "load_inspection_settings",
    "load_legal_limits",
    "load_municipality",
    "load_standard_rates",
    "parse_decision_yaml",
    "read_decision",
]
