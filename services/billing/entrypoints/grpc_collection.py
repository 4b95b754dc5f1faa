"""BillingService's collection methods (issue 16) over gRPC: proto ⇄ command, nothing more. A mixin of
BillingServicer (grpc_api.py), which gives it the wiring, a unit of work per call and the reminder runs'
job runner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from propertytax.billing.v1 import collection_pb2
from services.billing.application.avtalegiro import ClaimFile, direct_debit_claims, import_agreements
from services.billing.application.collection_holds import holds_of, register_objection, settle_objection
from services.billing.application.collection_lookups import (
    credit_balance,
    named_recipient,
    recipient_account_id,
    recipients,
    reminder_run_exists,
    reminder_run_progress,
    reminder_run_steps,
)
from services.billing.application.import_payments import import_payments
from services.billing.application.payment_plans import (
    cancel_plan,
    plans_of,
    request_deferral,
    request_instalments,
)
from services.billing.application.payments import (
    allocate_payment,
    refund_credit,
    unmatched_payments,
    write_off,
)
from services.billing.application.ports import BillingUnitOfWork
from services.billing.application.receivables_reports import ageing, paid_by_year_end
from services.billing.application.run_reminders import (
    get_reminder_run,
    preview_reminders,
    start_reminder_run,
)
from services.billing.application.statement import statement
from services.billing.domain.account import Account
from services.billing.domain.avtalegiro import NOTICE_DAYS
from services.billing.domain.reminders import CollectionRun
from services.billing.entrypoints import collection_mapping as mapping
from services.billing.entrypoints.proto_mapping import request_date
from services.platform.auth import Role
from services.platform.clock import oslo_today
from services.platform.errors import FailedPrecondition, InvalidInput
from services.platform.grpc_server import MethodRule, rule
from services.platform.job_runner import JobRunner
from services.platform.money import Money

if TYPE_CHECKING:
    from services.billing.entrypoints.grpc_api import Wiring

_READ = (Role.BILLING_OFFICER, Role.READER)
RULES: dict[str, MethodRule] = {
    "ImportPayments": rule(Role.BILLING_OFFICER, changes_state=True),
    "ListUnmatchedPayments": rule(*_READ, changes_state=False),
    "AllocatePayment": rule(Role.BILLING_OFFICER, changes_state=True),
    "RefundCredit": rule(Role.BILLING_OFFICER, changes_state=True),
    "WriteOffInvoice": rule(Role.BILLING_OFFICER, changes_state=True),
    "GetStatement": rule(*_READ, changes_state=False),
    "GetAgeing": rule(*_READ, changes_state=False),
    "GetPaidByYearEnd": rule(*_READ, changes_state=False),
    "PreviewReminderRun": rule(Role.BILLING_OFFICER, changes_state=False),
    "StartReminderRun": rule(Role.BILLING_OFFICER, changes_state=True),
    "GetReminderRun": rule(*_READ, changes_state=False),
    "ListReminderRunSteps": rule(*_READ, changes_state=False),
    "RegisterObjection": rule(Role.BILLING_OFFICER, changes_state=True),
    "SettleObjection": rule(Role.BILLING_OFFICER, changes_state=True),
    "ListCollectionHolds": rule(*_READ, changes_state=False),
    "RequestPaymentPlan": rule(Role.BILLING_OFFICER, changes_state=True),
    "ListPaymentPlans": rule(*_READ, changes_state=False),
    "CancelPaymentPlan": rule(Role.BILLING_OFFICER, changes_state=True),
    "ImportAvtaleGiroAgreements": rule(Role.BILLING_OFFICER, changes_state=True),
    "GetAvtaleGiroClaims": rule(Role.BILLING_OFFICER, changes_state=False),
}
_PAGE_SIZE = 100
_MAX_PAGE_SIZE = 1000


def _page(page_size: int, page_token: str) -> tuple[int, int]:
    """(offset, limit) of a page: the token is the offset where it starts."""
    if not 0 <= page_size <= _MAX_PAGE_SIZE:
        raise InvalidInput.single("page_size", f"from 1 to {_MAX_PAGE_SIZE} (0 means {_PAGE_SIZE})")
    if page_token and not page_token.isdigit():
        raise InvalidInput.single(
            "page_token",
            f"{page_token!r} is not a page token: give the previous page's next_page_token (a number)",
        )
    return int(page_token or 0), page_size or _PAGE_SIZE


class CollectionServicer:
    """Payments, statements and reports, reminder runs, objections and plans."""

    _wiring: Wiring
    _reminders: JobRunner

    def _uow(self) -> BillingUnitOfWork:
        return self._wiring.uow()

    def _recipient(self, account_id: str, customer_number: int) -> str:
        return recipient_account_id(self._uow(), account_id, customer_number)

    def _reminder_run(self, run: CollectionRun) -> collection_pb2.ReminderRun:
        done, total = reminder_run_progress(self._uow(), run)
        return mapping.reminder_run_message(run, done, total, self._wiring.letters_folder(run))

    def _recipient_of(self, account_id: str) -> Account | None:
        return recipients(self._uow(), [account_id]).get(account_id)

    # ---- payments --------------------------------------------------------------------------------------

    def ImportPayments(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if not request.content:
            raise InvalidInput.single("content", "is empty: give the bank's file")
        imported = import_payments(
            self._uow(), self._wiring.read_payment_file, request.content, request.file_name or "payments"
        )
        return mapping.payment_import_response(imported)

    def ListUnmatchedPayments(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        offset, limit = _page(request.page_size, request.page_token)
        found = unmatched_payments(self._uow(), offset, limit)
        # A full page has a next one only when a payment follows it.
        more = len(found) == limit and bool(unmatched_payments(self._uow(), offset + limit, 1))
        return collection_pb2.ListUnmatchedPaymentsResponse(
            payments=[mapping.unmatched_message(p) for p in found],
            next_page_token=str(offset + limit) if more else "",
        )

    def AllocatePayment(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.allocated_on, "allocated_on", oslo_today())
        account_id = None
        if not request.invoice_number:
            account_id = self._recipient(request.account_id, request.customer_number)
        allocation = allocate_payment(
            self._uow(),
            request.payment_id,
            invoice_number=request.invoice_number or None,
            account_id=account_id,
            on=on,
        )
        return mapping.allocation_response(allocation, self._recipient_of(allocation.account_id))

    def RefundCredit(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.refunded_on, "refunded_on", oslo_today())
        amount = mapping.amount_or_none(request.amount, "amount", request.HasField("amount"))
        account_id = self._recipient(request.account_id, request.customer_number)
        refund = refund_credit(self._uow(), account_id, request.bank_account, on, amount)
        return mapping.refund_response(refund, credit_balance(self._uow(), account_id))

    def WriteOffInvoice(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.written_off_on, "written_off_on", oslo_today())
        return mapping.write_off_response(write_off(self._uow(), request.invoice_number, on, request.reason))

    # ---- statement and reports -----------------------------------------------------------------------

    def GetStatement(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        recipient = named_recipient(self._uow(), request.account_id, request.customer_number)
        from_date = request_date(request.from_date, "from_date") if request.from_date else None
        to_date = request_date(request.to_date, "to_date", oslo_today())
        found = statement(self._uow(), recipient.account_id, from_date, to_date)
        return mapping.statement_response(found, recipient)

    def GetAgeing(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        as_of = request_date(request.as_of, "as_of", oslo_today())
        return mapping.ageing_response(ageing(self._uow(), as_of))

    def GetPaidByYearEnd(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if not 1900 <= request.year <= 2200:
            raise InvalidInput.single("year", "a year such as 2024")
        return mapping.paid_by_year_end_response(paid_by_year_end(self._uow(), request.year))

    # ---- reminder runs -------------------------------------------------------------------------------

    def PreviewReminderRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.run_on, "run_on", oslo_today())
        preview = preview_reminders(
            self._uow(), self._wiring.collection_rules, on, self._wiring.policy.seller
        )
        return mapping.reminder_preview_response(preview)

    def StartReminderRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.run_on, "run_on", oslo_today())
        existed = reminder_run_exists(self._uow(), on)
        run = start_reminder_run(self._uow(), on, self._wiring.reminder_lanes)
        self._reminders.submit(run.run_id)
        return collection_pb2.StartReminderRunResponse(run=self._reminder_run(run), already_existed=existed)

    def GetReminderRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        run = get_reminder_run(self._uow(), request.run_id)
        return collection_pb2.GetReminderRunResponse(run=self._reminder_run(run))

    def ListReminderRunSteps(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        offset, limit = _page(request.page_size, request.page_token)
        run = get_reminder_run(self._uow(), request.run_id)
        steps, more = reminder_run_steps(self._uow(), run.run_id, offset, limit)
        named = recipients(self._uow(), (s.account_id for s in steps))
        return collection_pb2.ListReminderRunStepsResponse(
            steps=[mapping.reminder_step_message(s, named.get(s.account_id)) for s in steps],
            next_page_token=str(offset + limit) if more else "",
        )

    # ---- objections and plans ------------------------------------------------------------------------

    def RegisterObjection(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.registered_on, "registered_on", oslo_today())
        hold = register_objection(
            self._uow(),
            request.invoice_number,
            disputed=mapping.amount_or_none(request.disputed, "disputed", request.HasField("disputed")),
            reason=request.reason,
            on=on,
        )
        return collection_pb2.RegisterObjectionResponse(
            hold=mapping.hold_message(hold, self._recipient_of(hold.account_id))
        )

    def SettleObjection(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.settled_on, "settled_on", oslo_today())
        hold = settle_objection(self._uow(), request.hold_id, on)
        return collection_pb2.SettleObjectionResponse(
            hold=mapping.hold_message(hold, self._recipient_of(hold.account_id))
        )

    def ListCollectionHolds(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        account_id = self._recipient(request.account_id, request.customer_number)
        holds = holds_of(self._uow(), account_id)
        recipient = self._recipient_of(account_id)
        return collection_pb2.ListCollectionHoldsResponse(
            holds=[mapping.hold_message(h, recipient) for h in holds]
        )

    def RequestPaymentPlan(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.requested_on, "requested_on", oslo_today())
        account_id = self._recipient(request.account_id, request.customer_number)
        numbers = list(request.invoice_numbers)
        rules = self._wiring.collection_rules
        if request.deferral_until and request.instalments:
            raise InvalidInput.single("deferral_until", "give a deferral or instalments, not both")
        if request.deferral_until:
            until = request_date(request.deferral_until, "deferral_until")
            plan = request_deferral(self._uow(), account_id, numbers, until, on, rules)
        elif request.instalments:
            first_due = request_date(request.first_due, "first_due")
            plan = request_instalments(
                self._uow(), account_id, numbers, request.instalments, first_due, on, rules
            )
        else:
            raise InvalidInput.single("deferral_until", "give a deferral's date or a number of instalments")
        return collection_pb2.RequestPaymentPlanResponse(
            plan=mapping.plan_message(plan, self._recipient_of(account_id))
        )

    def ListPaymentPlans(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        account_id = self._recipient(request.account_id, request.customer_number)
        plans = plans_of(self._uow(), account_id)
        recipient = self._recipient_of(account_id)
        return collection_pb2.ListPaymentPlansResponse(
            plans=[mapping.plan_message(p, recipient) for p in plans]
        )

    def CancelPaymentPlan(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.cancelled_on, "cancelled_on", oslo_today())
        plan = cancel_plan(self._uow(), request.plan_id, on)
        return collection_pb2.CancelPaymentPlanResponse(
            plan=mapping.plan_message(plan, self._recipient_of(plan.account_id))
        )

    # ---- AvtaleGiro ----------------------------------------------------------------------------------

    def ImportAvtaleGiroAgreements(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        on = request_date(request.received_on, "received_on", oslo_today())
        if not request.content:
            raise InvalidInput.single("content", "is empty: give the bank's agreements file")
        imported = import_agreements(self._uow(), self._wiring.read_agreements, request.content, on)
        return collection_pb2.ImportAvtaleGiroAgreementsResponse(
            records=imported.agreements,
            active=imported.active,
            deleted_by_payers=imported.deleted,
            added=imported.added,
            changed=imported.changed,
            unchanged=imported.unchanged,
            missing_from_full_list=imported.ended,
            ended_agreements=[
                collection_pb2.EndedAvtaleGiroAgreement(
                    customer_number=e.customer_number,
                    kid=e.kid,
                    missing_from_full_list=e.missing_from_full_list,
                )
                for e in imported.ended_agreements
            ],
            already_read_on=imported.already_read_on.isoformat() if imported.already_read_on else "",
        )

    def GetAvtaleGiroClaims(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        if not request.run_id:
            raise InvalidInput.single("run_id", "is required")
        sent_on = request_date(request.sent_on, "sent_on", oslo_today())
        made = direct_debit_claims(self._uow(), request.run_id, sent_on)
        if not made.claims:
            raise FailedPrecondition(_no_claims(request.run_id, made))
        text = self._wiring.write_direct_debits(made.claims, request.run_id)
        return collection_pb2.GetAvtaleGiroClaimsResponse(
            content=text.encode("iso-8859-1"),  # Nets' files are ISO-8859-1
            file_name=f"avtalegiro-{request.run_id[:8]}.txt",
            claims=len(made.claims),
            total=mapping.money(Money(sum(c.amount.ore for c in made.claims))),
            paid=made.paid,
            partly_settled=made.partly_settled,
            too_late=made.too_late,
            earliest_due_date=made.earliest_due_date.isoformat(),
        )


def _no_claims(run_id: str, made: ClaimFile) -> str:
    """Why a run gives no claim file: no agreement, or every invoice paid or due too soon for the bank."""
    if not (made.paid or made.too_late):
        return f"billing run {run_id} has no invoice to a recipient with an active AvtaleGiro agreement"
    reasons = []
    if made.paid:
        reasons.append(f"{made.paid} paid or settled already")
    if made.too_late:
        reasons.append(
            f"{made.too_late} due before {made.earliest_due_date:%d.%m.%Y}, too soon for the bank "
            f"(it needs {NOTICE_DAYS} days' notice): send them on paper"
        )
    return f"billing run {run_id} has no invoice to claim by AvtaleGiro: " + "; ".join(reasons)
