"""The council's fee schedule for a year, from its parsed file form (a mapping), every bad field named.

The YAML text is read in adapters/fee_schedule_file.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from services.billing.domain.fees import FeeLine, WaterSewageRates, per_unit_fee, water_and_sewage
from services.platform.errors import Violations
from services.platform.money import Money
from services.platform.numbers import Bounds, bounds, read_node

# What a schedule may say. With readings at most METER_M3 and at most COUNT units or chimneys, no fee line
# can come near the øre an invoice holds (64 bits): 10^7 m³ × 10^6 kr is 10^13 kr.
PRICE_NOK = bounds(0, 1_000_000, 2, "15,75")  # a price per m³, unit, chimney or year
M3_PER_M2 = bounds(0, 10, 4, "1,3")  # the estimate of consumption per m² BRA without a meter
VAT_RATE = bounds(0, "0.25", 4, "0,25")


@dataclass(frozen=True)
class FeeSchedule:
    year: int
    water_sewage: WaterSewageRates
    waste_per_unit: Mapping[str, Money]  # by property category
    waste_vat_rate: Decimal
    chimney_per_chimney: Money
    chimney_vat_rate: Decimal


@dataclass(frozen=True)
class FeeFacts:
    """What the fees depend on for one property."""

    category: str
    units: int
    bra_m2: Decimal
    chimneys: int = 0
    metered_m3: Decimal | None = None
    connected_to_water: bool = True
    summer_only: bool = False
    no_wc: bool = False


def annual_fees(schedule: FeeSchedule, facts: FeeFacts) -> list[FeeLine]:
    lines: list[FeeLine] = []
    if facts.connected_to_water and facts.units > 0:
        lines += water_and_sewage(
            schedule.water_sewage,
            units=facts.units,
            bra_m2=facts.bra_m2,
            metered_m3=facts.metered_m3,
            summer_only=facts.summer_only,
            no_wc=facts.no_wc,
        )
    waste = schedule.waste_per_unit.get(facts.category)
    if waste is not None and facts.units > 0:
        lines.append(
            per_unit_fee("waste", "Renovasjon, per boenhet", facts.units, waste, schedule.waste_vat_rate)
        )
    if facts.chimneys > 0:
        lines.append(
            per_unit_fee(
                "chimney",
                "Feiing og tilsyn, per pipe",
                facts.chimneys,
                schedule.chimney_per_chimney,
                schedule.chimney_vat_rate,
            )
        )
    return lines


class _Reader:
    def __init__(self, raw: Mapping[str, Any], problems: Violations) -> None:
        self.raw = raw
        self.problems = problems

    def number(self, path: str, limits: Bounds, *, required: bool = True) -> Decimal:
        node: Any = self.raw
        for key in path.split("."):
            node = node.get(key) if isinstance(node, Mapping) else None
        if node is None:
            if required:
                self.problems.add(path, "is required")
            return Decimal(0)
        try:
            return read_node(node, limits)
        except ValueError as exc:
            self.problems.add(path, str(exc))
            return Decimal(0)

    def price(self, path: str, *, required: bool = True) -> Money:
        return Money.of(self.number(path, PRICE_NOK, required=required))


def parse_fee_schedule(raw: Any) -> FeeSchedule:
    problems = Violations()
    if not isinstance(raw, Mapping):
        problems.add("schedule", "must be a mapping with year, water_sewage, waste_per_unit_nok, …")
        problems.raise_if_any()
    known = {
        "year",
        "water_sewage",
        "waste_per_unit_nok",
        "waste_vat_rate",
        "chimney_per_chimney_nok",
        "chimney_vat_rate",
    }
    for key in sorted(set(raw) - known):
        problems.add(str(key), "unknown field")
    year = raw.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        problems.add("year", "must be a year, e.g. 2024")
        year = 0
    read = _Reader(raw, problems)
    rates = WaterSewageRates(
        subscription_per_unit=read.price("water_sewage.subscription_per_unit_nok"),
        water_per_m3=read.price("water_sewage.water_per_m3_nok"),
        sewage_per_m3=read.price("water_sewage.sewage_per_m3_nok"),
        m3_per_m2_bra=read.number("water_sewage.m3_per_m2_bra", M3_PER_M2),
        vat_rate=read.number("water_sewage.vat_rate", VAT_RATE),
    )
    waste: dict[str, Money] = {}
    raw_waste = raw.get("waste_per_unit_nok", {})
    if not isinstance(raw_waste, Mapping):
        problems.add("waste_per_unit_nok", "must map categories to NOK per dwelling unit")
    else:
        for category in raw_waste:
            waste[str(category)] = read.price(f"waste_per_unit_nok.{category}")
    schedule = FeeSchedule(
        year=year,
        water_sewage=rates,
        waste_per_unit=waste,
        waste_vat_rate=read.number("waste_vat_rate", VAT_RATE, required=False),
        chimney_per_chimney=read.price("chimney_per_chimney_nok", required=False),
        chimney_vat_rate=read.number("chimney_vat_rate", VAT_RATE, required=False),
    )
    problems.raise_if_any()
    return schedule


def category_key(category: str) -> str:
    """Assessment's category name ("PROPERTY_CATEGORY_HOUSING") as a schedule names it ("housing")."""
    return category.removeprefix("PROPERTY_CATEGORY_").lower()
