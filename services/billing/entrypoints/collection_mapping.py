"""Collection's requests and responses (collection.proto) ⇄ billing's collection commands and views: ISO
dates, øre and proto enums on one side, the application's dates, Money and domain objects on the other."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from propertytax.billing.v1 import collection_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.application.import_payments import PaymentImport
from services.billing.application.payments import Allocation, Refund, UnmatchedPayment, WriteOff
from services.billing.application.run_reminders import ReminderPreview
from services.billing.domain.account import Account
from services.billing.domain.ageing import Ageing
from services.billing.domain.collection_holds import CollectionHold
from services.billing.domain.collection_rules import StepKind
from services.billing.domain.payment_plans import PaymentPlan
from services.billing.domain.payments import PaymentFileFormat
from services.billing.domain.reminders import REASON_WORDS, CollectionRun, CollectionStep, RunState
from services.billing.domain.statement import Statement
from services.billing.domain.year_end_share import YearEndShare
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


def instant(at: datetime | None) -> str:
    """A moment as RFC 3339 in UTC, "" for none (SQLite gives back the UTC it was given without its zone)."""
    if at is None:
        return ""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).isoformat()


def _customer(recipient: Account | None) -> dict[str, object]:
    """The recipient's customer number and name for a message that names them by account id."""
    if recipient is None:
        return {}
    return {"customer_number": recipient.customer_number, "recipient_name": recipient.name}


def amount_or_none(given: money_pb2.Money, field: str, has: bool) -> Money | None:
    """An optional amount: None only when not given (the whole); 0 or less, given, is refused naming
    `field` — an officer who typed 0 did not mean "all of it"."""
    if not has:
        return None
    if given.ore <= 0:
        raise InvalidInput.single(
            field, f"is {Money(given.ore).kroner()}: give an amount above 0 kr, or leave it out for all of it"
        )
    return Money(given.ore)


def reminder_run_message(
    run: CollectionRun, done: int, total: int, letters: Path | None
) -> collection_pb2.ReminderRun:
    """The run with how far it has come: `done` of `total` recipients gone through; its letters' folder
    ("" for a run written without letters: hand-overs only, or nothing to do)."""
    if run.state in (RunState.WRITTEN, RunState.COMPLETED) and not run.reminders and not run.notices:
        letters = None
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
        started_at=instant(run.started_at),
        finished_at=instant(run.finished_at),
    )


def reminder_step_message(step: CollectionStep, recipient: Account | None) -> collection_pb2.ReminderRunStep:
    return collection_pb2.ReminderRunStep(
        invoice_number=step.document_number,
        account_id=step.account_id,
        step=step.step.value,
        sequence=step.sequence,
        claim=money(step.claim),
        fee=money(step.fee),
        disputed=money(Money(step.content.disputed_ore if step.content is not None else 0)),
        due_on=step.due_on.isoformat(),
        letter=step.letter,
        **_customer(recipient),  # type: ignore[arg-type]
    )


def hold_message(hold: CollectionHold, recipient: Account | None = None) -> collection_pb2.CollectionHold:
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
        **_customer(recipient),  # type: ignore[arg-type]
    )


def plan_message(plan: PaymentPlan, recipient: Account | None = None) -> collection_pb2.PaymentPlan:
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
        ended_on=iso(plan.ended_on),
        **_customer(recipient),  # type: ignore[arg-type]
    )


def payment_import_response(imported: PaymentImport) -> collection_pb2.ImportPaymentsResponse:
    return collection_pb2.ImportPaymentsResponse(
        file_id=imported.file_id,
        format=FILE_FORMATS[imported.format],
        file_reference=imported.file_reference,
        already_imported=imported.already_imported,
        payments=imported.payments,
        total=money(imported.total),
        matched=imported.matched,
        fully_paid=imported.fully_paid,
        partly_paid=imported.partly_paid,
        overpaid=imported.overpaid,
        unmatched=imported.unmatched,
        unmatched_total=money(imported.unmatched_total),
    )


def unmatched_message(payment: UnmatchedPayment) -> collection_pb2.UnmatchedPayment:
    return collection_pb2.UnmatchedPayment(
        payment_id=payment.payment_id,
        file_name=payment.file_name,
        line=payment.line,
        kid=payment.kid,
        amount=money(payment.amount),
        paid_on=payment.paid_on.isoformat(),
        payer_name=payment.payer_name,
        payer_account=payment.payer_account,
    )


def allocation_response(
    allocation: Allocation, recipient: Account | None = None
) -> collection_pb2.AllocatePaymentResponse:
    return collection_pb2.AllocatePaymentResponse(
        payment_id=allocation.payment_id,
        account_id=allocation.account_id,
        applied=[
            collection_pb2.DocumentAmount(invoice_number=number, amount=money(amount))
            for number, amount in allocation.applied
        ],
        credit=money(allocation.credit),
        **_customer(recipient),  # type: ignore[arg-type]
    )


def refund_response(refund: Refund, credit_left: Money) -> collection_pb2.RefundCreditResponse:
    return collection_pb2.RefundCreditResponse(
        account_id=refund.account_id,
        amount=money(refund.amount),
        bank_account=refund.bank_account,
        refunded_on=refund.refunded_on.isoformat(),
        credit_left=money(credit_left),
    )


def write_off_response(written: WriteOff) -> collection_pb2.WriteOffInvoiceResponse:
    return collection_pb2.WriteOffInvoiceResponse(
        invoice_number=written.invoice_number,
        amount=money(written.amount),
        written_off_on=written.written_off_on.isoformat(),
    )


def reminder_preview_response(preview: ReminderPreview) -> collection_pb2.PreviewReminderRunResponse:
    counts = {
        StepKind.REMINDER: preview.reminders,
        StepKind.COLLECTION_NOTICE: preview.notices,
        StepKind.HAND_OVER: preview.handed_over,
    }
    return collection_pb2.PreviewReminderRunResponse(
        run_on=preview.on.isoformat(),
        steps=[
            collection_pb2.ReminderStepCount(
                step=kind.value, count=count, amount=money(preview.amounts.get(kind, Money(0)))
            )
            for kind, count in counts.items()
        ],
        fees=money(preview.fees),
        interest=money(preview.interest),
        not_reminded=[
            collection_pb2.ReasonCount(reason=REASON_WORDS[reason], count=count)
            for reason, count in preview.not_reminded.items()
        ],
    )


def statement_response(statement: Statement, recipient: Account) -> collection_pb2.GetStatementResponse:
    return collection_pb2.GetStatementResponse(
        account_id=statement.account_id,
        customer_number=recipient.customer_number,
        name=recipient.name,
        from_date=iso(statement.from_date),
        to_date=statement.to_date.isoformat(),
        opening_balance=money(statement.opening),
        lines=[
            collection_pb2.StatementLine(
                posted_on=line.posted_on.isoformat(),
                text=line.text,
                debit=money(line.debit),
                credit=money(line.credit),
                balance=money(line.balance),
                kind=line.kind.value,
                value_on=iso(line.value_on),
            )
            for line in statement.lines
        ],
        closing_balance=money(statement.closing),
        open_documents=[
            collection_pb2.OpenDocument(
                invoice_number=item.document_number,
                issue_date=item.issue_date.isoformat(),
                due_date=item.due_date.isoformat(),
                total=money(item.total),
                open=money(item.open),
            )
            for item in statement.open_invoices
        ],
        credit_balance=money(statement.credit_balance),
    )


def ageing_response(report: Ageing) -> collection_pb2.GetAgeingResponse:
    return collection_pb2.GetAgeingResponse(
        as_of=report.as_of.isoformat(),
        buckets=[
            collection_pb2.AgeingBucket(key=b.key, label=b.label, count=b.count, amount=money(b.amount))
            for b in report.buckets
        ],
        total=money(report.total),
    )


_SHARE_PLACES = Decimal("0.0001")


def share_text(paid: Money, invoiced: Money) -> str:
    """paid/invoiced as decimal text to 4 places ("0.9930"), "" when nothing was invoiced."""
    if invoiced.ore == 0:
        return ""
    return str((Decimal(paid.ore) / Decimal(invoiced.ore)).quantize(_SHARE_PLACES, rounding=ROUND_HALF_UP))


def paid_by_year_end_response(share: YearEndShare) -> collection_pb2.GetPaidByYearEndResponse:
    return collection_pb2.GetPaidByYearEndResponse(
        year=share.year,
        invoices=share.invoices,
        overall=collection_pb2.ChargeShare(
            code="",
            invoiced=money(share.invoiced),
            paid=money(share.paid),
            share=share_text(share.paid, share.invoiced),
        ),
        charges=[
            collection_pb2.ChargeShare(
                code=c.code,
                invoiced=money(c.invoiced),
                paid=money(c.paid),
                share=share_text(c.paid, c.invoiced),
            )
            for c in sorted(share.by_code, key=lambda c: c.code)
        ],
    )
