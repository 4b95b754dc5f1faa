"""Collection rules from their YAML files: Norway's (the default) and Norddjurs' (Denmark); bad keys named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.billing.adapters.collection_rules_file import (
    DEFAULT_RULES_FILE,
    load_collection_rules,
    read_collection_rules,
)
from services.billing.domain.collection_rules import InterestPoint, StepKind
from services.platform.errors import InvalidInput
from services.platform.money import Money

pytestmark = pytest.mark.unit

NORDDJURS = Path(__file__).resolve().parents[2] / "data" / "collection" / "norddjurs.yaml"


def test_norway_fee_is_a_twentieth_of_the_collection_rate_on_the_reminders_date() -> None:
    rules = load_collection_rules()
    assert rules.fee_on(date(2025, 12, 31), secured=True) == Money.of("35.00")  # R = 700
    assert rules.fee_on(date(2026, 1, 1), secured=True) == Money.of("37.50")  # R = 750
    assert rules.fee_on(date(2017, 1, 1), secured=False) == Money.of("35.00")
    with pytest.raises(ValueError, match="no value in force on 2016-12-31"):
        rules.fee_on(date(2016, 12, 31), secured=True)


def test_norway_steps_interest_and_lien() -> None:
    rules = load_collection_rules()
    assert [s.kind for s in rules.steps] == [
        StepKind.REMINDER,
        StepKind.COLLECTION_NOTICE,
        StepKind.HAND_OVER,
    ]
    assert [s.fee for s in rules.steps] == [True, False, False]
    assert rules.grace_days == 14 and rules.new_due_days == 14
    assert rules.minimum_amount == Money(0)
    assert rules.rate_on(date(2024, 1, 1)) == Decimal("0.125")
    assert rules.rate_on(date(2025, 12, 31)) == Decimal("0.125")
    assert rules.rate_on(date(2026, 1, 1)) == Decimal("0.12")
    assert rules.secured(("property_tax",)) and rules.secured(("water_consumption", "x"))
    assert not rules.secured(("rental",))
    assert rules.interest_at == InterestPoint.EACH_RUN
    assert not rules.plan_stops_interest and rules.holds_stop_reminders
    assert DEFAULT_RULES_FILE.name == "collection_rules.yaml"


def test_norddjurs_rules() -> None:
    rules = load_collection_rules(NORDDJURS)
    assert rules.currency == "DKK"
    assert rules.minimum_amount == Money.of(25)
    assert [s.kind for s in rules.steps] == [StepKind.REMINDER] * 3 + [StepKind.HAND_OVER]
    assert [s.kind for s in rules.after_broken_plan] == [StepKind.REMINDER, StepKind.HAND_OVER]
    assert rules.fee_on(date(2026, 3, 1), secured=True) == Money.of(250)  # right of distraint
    assert rules.fee_on(date(2026, 3, 1), secured=False) == Money.of(100)
    assert not rules.plan_stops_interest
    assert "Gældsstyrelsen" in rules.hand_over_to


def _norway_with(old: str, new: str) -> str:
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("grace_days: 14", "grace_days: 10", "grace_days", "no reminder earlier than 14 days"),
        ("new_due_days: 14", "new_due_days: 7", "new_due_days", "at least 14 days"),
        ("currency: NOK", "currency: ''", "currency", "is required"),
        ("fraction: 1/20", "fraction: x", "reminder_fee.collection_rate_fraction", "fraction"),
        ("    percent: 12.0", "    percent: lots", "interest_rates[3].percent", "not a rate"),
        ("from: 2026-01-01\n    p", "from: 2023-01-01\n    p", "interest_rates[3].from", "after"),
        ("step: collection_notice      # varsel", "step: letter  # varsel", "steps[1].step", "not one of"),
        ("interest_at: each_run", "interest_at: never", "interest_at", "not one of"),
        ("plan_stops_interest: false", "plan_stops_interest: 2", "plan_stops_interest", "true or false"),
        ("hand_over_to:", "hand_over_too: x\nhand_over_to:", "hand_over_too", "not a key"),
    ],
)  # fmt: skip
def test_a_bad_key_is_named(old: str, new: str, field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        read_collection_rules(_norway_with(old, new))
    assert [v.field for v in raised.value.violations] == [field]
    assert words in raised.value.violations[0].description


def test_a_hand_over_before_the_last_step_is_refused() -> None:
    text = _norway_with(
        "  - step: reminder               # betalingspåminnelse",
        "  - step: hand_over\n  - step: reminder               # betalingspåminnelse",
    )
    with pytest.raises(InvalidInput) as raised:
        read_collection_rules(text)
    assert raised.value.violations[0].field == "steps[0]"


def test_not_yaml_is_named_as_rules() -> None:
    with pytest.raises(InvalidInput) as raised:
        read_collection_rules("name: [unclosed")
    assert raised.value.violations[0].field == "rules"
