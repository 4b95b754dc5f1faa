"""Collection's requests and responses (collection.proto) ⇄ billing's collection commands and views: ISO
dates, øre and proto enums on one side, the application's dates, Money and domain objects on the other."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from propertytax.billing.v1 import collection_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.domain.collection_holds import CollectionHold
from services.billing.domain.payment_plans import PaymentPlan
from services.billing.domain.payments import PaymentFileFormat
from services.billing.domain.reminders import CollectionRun, RunState
from services.platform.errors import InvalidInput
from services.platform.money import Money

FILE_FORMATS = {
    PaymentFileFormat.OCR_GIRO: collection_pb2.PAYMENT_FILE_FORMAT_OCR_GIRO,
    PaymentFileFormat.CAMT_054: collection_pb2.PAYMENT_FILE_FORMAT_CAMT_054,
}
REMINDER_RUN_STATES = {
    RunState.RUNNING: collection_pb2.REMINDER_RUN_STATE_RUNNING,
    RunState.WRITTEN: collection_pb2.REMINDER_RUN_STATE_RUNNING,  # still writing its letters
    RunState.COMPLETED: collection_pb2.REMINDER_RUN_STATE_COMPLETED,
    RunState.FAILED: collection_pb2.REMINDER_RUN_STATE_FAILED,
}


def money(amount: Money) -> money_pb2.Money:
    return money_pb2.Money(ore=amount.ore)


def iso(day: date | None) -> str:
    """A date as YYYY-MM-DD, "" for none."""
    return day.isoformat() if day is not None else ""


def amount_or_none(given: money_pb2.Money, field: str, has: bool) -> Money | None:
    """An optional amount: None when not given or 0 (the whole); a negative one is refused naming `field`."""
    if not has or given.ore == 0:
        return None
    if given.ore < 0:
        raise InvalidInput.single(field, "a positive amount")
    return Money(given.ore)


def reminder_run_message(
    run: CollectionRun, done: int, total: int, letters: Path | None
) -> collection_pb2.ReminderRun:
    """The run with how far it has come: `done` of `total` recipients gone through."""
    return collection_pb2.ReminderRun(
        run_id=run.run_id,
        run_on=run.run_on.isoformat(),
        state=REMINDER_RUN_STATES[run.state],
        reminders=run.reminders,
        notices=run.notices,
        handed_over=run.handed_over,
        fees=money(run.fees),
        interest=money(run.interest),
        error=run.error,
        letters_folder=str(letters) if letters is not None else "",
        recipients_done=done,
        recipients_total=total,
    )


def hold_message(hold: CollectionHold) -> collection_pb2.CollectionHold:
    return collection_pb2.CollectionHold(
        hold_id=hold.hold_id,
        account_id=hold.account_id,
        invoice_number=hold.document_number,
        source=hold.source.value,
        disputed=money(hold.disputed),
        reason=hold.reason,
        from_date=hold.from_date.isoformat(),
        until_date=iso(hold.until_date),
        reference=hold.reference,
        property_id=hold.property_id,
        tax_year=hold.tax_year,
    )


def plan_message(plan: PaymentPlan) -> collection_pb2.PaymentPlan:
    return collection_pb2.PaymentPlan(
        plan_id=plan.plan_id,
        account_id=plan.account_id,
        kind=plan.kind.value,
        state=plan.state.value,
        invoice_numbers=list(plan.documents),
        requested_on=plan.requested_on.isoformat(),
        total=money(plan.total),
        instalments=[
            collection_pb2.Instalment(number=i.number, due_date=i.due_on.isoformat(), amount=money(i.amount))
            for i in plan.instalments
        ],
        interest_continues=plan.interest_continues,
        broken_on=iso(plan.broken_on),
    )
