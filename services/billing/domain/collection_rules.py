"""The rules of collection a municipality works by: when a reminder may go, what it may cost, which steps
follow it, what interest runs and what holds reminders back. Norway's rules are the default
(services/billing/collection_rules.yaml); a Danish municipality's come from its own file
(data/collection/norddjurs.yaml). Read from YAML by adapters/collection_rules_file.py through
`parse_collection_rules`, every bad key named.

Sources (DOMAIN.md section 4):
- Norway: inkassoloven § 9 and inkassoforskriften § 1-2: a reminder (betalingspåminnelse) no earlier
  than 14 days after the due date, giving at least 14 more days; the reminder fee at most 1/20 of the
  collection rate R (inkassosatsen: 700 NOK 2017-2025, 750 NOK from 2026); late-payment interest by
  forsinkelsesrenteloven § 3 (policy rate + 8 points, set each 1 January and 1 July). Property tax and
  property fees are secured by the statutory lien (panteloven § 6-1) and the municipality enforces them
  itself after a notice of enforced collection (varsel om tvangsinnfordring, skattebetalingsloven § 14-1).
- Denmark (Norddjurs Kommune's collection strategy): nothing under 25 DKK reminded, at most 3 reminders,
  a fee of at most 250 DKK per reminder on claims with a right of distraint (udpantningsret) and 100 DKK
  otherwise, a plan does not stop interest, a breached plan gives a reminder and then transfer to the
  state collector (Gældsstyrelsen).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Any, TypeVar

from services.platform.errors import InvalidInput, Violations
from services.platform.money import Money

# No reminder earlier than 14 days after the due date, and the reminder gives at least 14 days more
# (inkassoloven § 9 first paragraph; DOMAIN.md 4).
LEAST_REMINDER_DAYS = 14

_T = TypeVar("_T")
_W = TypeVar("_W", bound=StrEnum)


class StepKind(StrEnum):
    REMINDER = "reminder"  # betalingspåminnelse / purring (Danish: rykker)
    COLLECTION_NOTICE = "collection_notice"  # varsel om tvangsinnfordring
    HAND_OVER = "hand_over"  # to enforcement (Norway: the municipality's own; Denmark: Gældsstyrelsen)


class InterestPoint(StrEnum):
    """When interest is posted: at every reminder run for the days since it was last charged (on every
    overdue invoice), only when a step is taken on the invoice, or only at the hand-over."""

    EACH_RUN = "each_run"
    EACH_STEP = "each_step"
    HAND_OVER = "hand_over"


@dataclass(frozen=True)
class StepRule:
    kind: StepKind
    fee: bool  # whether the step carries the reminder fee


@dataclass(frozen=True)
class ReminderFee:
    """The fee per reminder: a fraction of the collection rate in force on the reminder's date (Norway),
    or fixed amounts for claims with and without a right of distraint (Denmark). Either way the amount is
    the most the rules allow; a claim secured by lien / distraint takes `secured`, others `unsecured`."""

    rate_fraction: Fraction | None = None
    collection_rates: tuple[tuple[date, Money], ...] = ()  # (from, R), ascending
    secured: Money | None = None
    unsecured: Money | None = None

    def on(self, day: date, secured: bool) -> Money:
        """The fee of a reminder dated `day`; ValueError before the table's first date."""
        if self.rate_fraction is None:
            fixed = self.secured if secured else self.unsecured
            assert fixed is not None
            return fixed
        return _share_of(in_force(self.collection_rates, day), self.rate_fraction)


@lru_cache(maxsize=64)
def _share_of(rate: Money, fraction: Fraction) -> Money:
    # A run asks for the same day's fee once per reminder: worked out in decimals once.
    return Money.rounded(rate.nok * Decimal(fraction.numerator) / fraction.denominator)


def in_force(table: Sequence[tuple[date, _T]], day: date) -> _T:
    """The value of a dated table (ascending by date) in force on `day`."""
    found = [value for start, value in table if start <= day]
    if not found:
        raise ValueError(
            f"no value in force on {day.isoformat()} (the table starts {table[0][0].isoformat()})"
        )
    return found[-1]


@dataclass(frozen=True)
class CollectionRules:
    name: str
    currency: str  # NOK, DKK: how letters name the amounts
    minimum_amount: Money  # nothing under it reminded (Denmark 25 DKK; Norway 0)
    grace_days: int  # days after a due date (the invoice's or the last step's) before the next step
    new_due_days: int  # a reminder's or notice's new due date, days after it (≥ 14)
    steps: tuple[StepRule, ...]  # in order; the last is normally the hand-over
    after_broken_plan: tuple[StepRule, ...]  # the steps a broken plan's invoices get, in order
    reminder_fee: ReminderFee
    secured_codes: frozenset[str]  # charge codes secured by the statutory lien / a right of distraint
    interest_rates: tuple[tuple[date, Decimal], ...]  # (from, yearly rate as a fraction), ascending
    no_interest_codes: frozenset[str]
    interest_at: InterestPoint
    plan_stops_interest: bool
    holds_stop_reminders: bool  # an objection or appeal holds reminders on the disputed amount
    hand_over_to: str  # who enforcement is handed to, as letters name it
    # A fee only on a claim's first this-many letters, reminders and notices alike (Norway,
    # inkassoforskriften § 1-3: fees for two reminders, or for a reminder and a notice, at most; a broken
    # plan's reminder after them is free); None: each step with a fee charges it.
    max_fees_per_claim: int | None = None

    def fee_on(self, day: date, secured: bool) -> Money:
        return self.reminder_fee.on(day, secured)

    def rate_on(self, day: date) -> Decimal:
        return in_force(self.interest_rates, day)

    def secured(self, charge_codes: Sequence[str]) -> bool:
        """Whether an invoice with these charge codes is secured (by lien or a right of distraint)."""
        return any(code in self.secured_codes for code in charge_codes)

    def bears_interest(self, charge_codes: Sequence[str]) -> bool:
        """Whether an invoice bears interest: not when all its codes are configured without."""
        return not charge_codes or any(code not in self.no_interest_codes for code in charge_codes)

    def interest_share(self, amounts_by_code: Mapping[str, Money]) -> Fraction:
        """The part of an invoice's principal that bears interest: its amounts of codes not configured
        without interest over all its amounts (payments cover an invoice's codes pro rata, so what is open
        of each code keeps that share). 1 when none of its codes is without interest, or its amounts are
        not known."""
        whole = sum(max(0, amount.ore) for amount in amounts_by_code.values())
        if whole == 0 or not any(code in self.no_interest_codes for code in amounts_by_code):
            return Fraction(1)
        bearing = sum(
            max(0, a.ore) for code, a in amounts_by_code.items() if code not in self.no_interest_codes
        )
        return Fraction(bearing, whole)


def parse_collection_rules(data: Any) -> CollectionRules:
    """The rules from a YAML document's data; InvalidInput naming each bad key (e.g. "grace_days",
    "interest_rates[2].from")."""
    problems = Violations()
    if not isinstance(data, Mapping):
        raise InvalidInput.single("rules", "must be a mapping of keys")
    name = _text(data, "name", problems)
    currency = _text(data, "currency", problems)
    minimum = _money(data.get("minimum_amount", 0), "minimum_amount", problems)
    grace = _int(data, "grace_days", problems)
    new_due = _int(data, "new_due_days", problems)
    if grace is not None and grace < LEAST_REMINDER_DAYS:
        problems.add(
            "grace_days",
            f"is {grace}; no reminder earlier than {LEAST_REMINDER_DAYS} days after the due date",
        )
    if new_due is not None and new_due < LEAST_REMINDER_DAYS:
        problems.add("new_due_days", f"is {new_due}; a reminder gives at least {LEAST_REMINDER_DAYS} days")
    steps = _steps(data.get("steps"), "steps", problems)
    after_broken = _steps(data.get("after_broken_plan", data.get("steps")), "after_broken_plan", problems)
    fee = _fee(data.get("reminder_fee"), problems)
    secured = _codes(data.get("secured_codes", []), "secured_codes", problems)
    no_interest = _codes(data.get("no_interest_codes", []), "no_interest_codes", problems)
    rates = _rates(data.get("interest_rates"), problems)
    interest_at = _word(
        InterestPoint, data.get("interest_at", InterestPoint.EACH_RUN.value), "interest_at", problems
    )
    plan_stops = _bool(data.get("plan_stops_interest", False), "plan_stops_interest", problems)
    holds_stop = _bool(data.get("holds_stop_reminders", True), "holds_stop_reminders", problems)
    hand_over_to = str(data.get("hand_over_to", "")).strip()
    max_fees = data.get("max_fees_per_claim")
    if max_fees is not None and (type(max_fees) is not int or max_fees < 0):
        problems.add("max_fees_per_claim", "must be a whole number, not negative (or left out: no limit)")
    known = {
        "name", "currency", "minimum_amount", "grace_days", "new_due_days", "steps", "after_broken_plan",
        "reminder_fee", "secured_codes", "no_interest_codes", "interest_rates", "interest_at",
        "plan_stops_interest", "holds_stop_reminders", "hand_over_to", "max_fees_per_claim", "source",
    }  # fmt: skip
    for key in sorted(set(map(str, data)) - known):
        problems.add(key, "is not a key of collection rules")
    problems.raise_if_any()
    assert grace is not None and new_due is not None and fee is not None and interest_at is not None
    return CollectionRules(
        name=name,
        currency=currency,
        minimum_amount=minimum or Money(0),
        grace_days=grace,
        new_due_days=new_due,
        steps=steps,
        after_broken_plan=after_broken,
        reminder_fee=fee,
        secured_codes=secured,
        interest_rates=rates,
        no_interest_codes=no_interest,
        interest_at=interest_at,
        plan_stops_interest=bool(plan_stops),
        holds_stop_reminders=bool(holds_stop),
        hand_over_to=hand_over_to,
        max_fees_per_claim=max_fees,
    )


def _text(data: Mapping[str, Any], key: str, problems: Violations) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.add(key, "is required (text)")
        return ""
    return value.strip()


def _int(data: Mapping[str, Any], key: str, problems: Violations) -> int | None:
    value = data.get(key)
    if type(value) is not int or value < 0:
        problems.add(key, "is required (a whole number of days, not negative)")
        return None
    return value


def _bool(value: Any, key: str, problems: Violations) -> bool | None:
    if not isinstance(value, bool):
        problems.add(key, "must be true or false")
        return None
    return value


def _money(value: Any, key: str, problems: Violations) -> Money | None:
    try:
        amount = Money.of(str(value))
    except (InvalidOperation, ValueError, TypeError):
        problems.add(key, f"{value!r} is not an amount (at most two decimals)")
        return None
    if amount.ore < 0:
        problems.add(key, "must not be negative")
        return None
    return amount


def _date(value: Any, key: str, problems: Violations) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.add(key, f"{value!r} is not a date (YYYY-MM-DD)")
        return None


def _word(words: type[_W], value: Any, key: str, problems: Violations) -> _W | None:
    for member in words:
        if member.value == value:
            return member
    problems.add(key, f"{value!r} is not one of {', '.join(m.value for m in words)}")
    return None


def _codes(value: Any, key: str, problems: Violations) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.add(key, "must be a list of charge codes")
        return frozenset()
    return frozenset(value)


def _steps(value: Any, key: str, problems: Violations) -> tuple[StepRule, ...]:
    if not isinstance(value, list) or not value:
        problems.add(key, "must list the steps in order (reminder, collection_notice, hand_over)")
        return ()
    steps: list[StepRule] = []
    for n, item in enumerate(value):
        where = f"{key}[{n}]"
        if not isinstance(item, Mapping):
            problems.add(where, "must be a mapping with step and fee")
            continue
        kind = _word(StepKind, item.get("step"), f"{where}.step", problems)
        fee = _bool(item.get("fee", kind == StepKind.REMINDER), f"{where}.fee", problems)
        if kind is not None and fee is not None:
            if kind == StepKind.HAND_OVER and n != len(value) - 1:
                problems.add(where, "the hand-over ends the steps; nothing follows it")
            steps.append(StepRule(kind, fee))
    return tuple(steps)


def _fee(value: Any, problems: Violations) -> ReminderFee | None:
    key = "reminder_fee"
    if not isinstance(value, Mapping):
        problems.add(
            key, "is required: collection_rate_fraction with collection_rates, or secured and unsecured"
        )
        return None
    if "collection_rate_fraction" in value:
        try:
            fraction = Fraction(str(value["collection_rate_fraction"]))
        except (ValueError, ZeroDivisionError):
            problems.add(f"{key}.collection_rate_fraction", "must be a fraction such as 1/20")
            return None
        if not 0 < fraction <= 1:
            problems.add(f"{key}.collection_rate_fraction", "must be above 0 and at most 1")
            return None
        table = _table(value.get("collection_rates"), f"{key}.collection_rates", "nok", problems)
        rates = tuple((start, amount) for start, amount in table if isinstance(amount, Money))
        return ReminderFee(rate_fraction=fraction, collection_rates=rates)
    secured = _money(value.get("secured"), f"{key}.secured", problems)
    unsecured = _money(value.get("unsecured"), f"{key}.unsecured", problems)
    if secured is None or unsecured is None:
        return None
    return ReminderFee(secured=secured, unsecured=unsecured)


def _table(value: Any, key: str, field: str, problems: Violations) -> list[tuple[date, Money | Decimal]]:
    """A dated table [{from: date, <field>: value}, …] in ascending order of dates."""
    if not isinstance(value, list) or not value:
        problems.add(key, f"must list {{from, {field}}} rows in date order")
        return []
    rows: list[tuple[date, Money | Decimal]] = []
    for n, item in enumerate(value):
        where = f"{key}[{n}]"
        if not isinstance(item, Mapping):
            problems.add(where, f"must be a mapping with from and {field}")
            continue
        start = _date(item.get("from"), f"{where}.from", problems)
        if field == "nok":
            amount: Money | Decimal | None = _money(item.get(field), f"{where}.{field}", problems)
        else:
            amount = _rate(item.get(field), f"{where}.{field}", problems)
        if start is None or amount is None:
            continue
        if rows and start <= rows[-1][0]:
            problems.add(f"{where}.from", "must come after the row before it")
            continue
        rows.append((start, amount))
    return rows


def _rate(value: Any, key: str, problems: Violations) -> Decimal | None:
    """A yearly rate in per cent ("12.5") as a fraction (0.125)."""
    try:
        percent = Decimal(str(value))
    except InvalidOperation:
        problems.add(key, f"{value!r} is not a rate in per cent")
        return None
    if not Decimal(0) <= percent <= Decimal(100):
        problems.add(key, "must be a per cent between 0 and 100")
        return None
    return percent / 100


def _rates(value: Any, problems: Violations) -> tuple[tuple[date, Decimal], ...]:
    table = _table(value, "interest_rates", "percent", problems)
    return tuple((start, rate) for start, rate in table if isinstance(rate, Decimal))
