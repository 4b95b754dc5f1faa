"""BillingService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import grpc

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc, fees_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.application.accounts import (
    AccountChange,
    AccountFilter,
    find_accounts,
    get_account,
    recipients_of,
    update_account,
)
from services.billing.application.avtalegiro import recipient_agreement
from services.billing.application.avtalegiro_ports import AgreementsReader
from services.billing.application.collection_ports import ChunkWorkers, ReminderLetters
from services.billing.application.fee_schedules import (
    get_fee_schedule,
    put_fee_schedule,
    record_meter_reading,
    set_fee_facts,
)
from services.billing.application.get_billing_property import get_billing_property
from services.billing.application.invoices import (
    InvoiceFilter,
    find_invoices,
    get_invoice,
    invoice_document,
    set_off_at_issue,
)
from services.billing.application.ledger_ports import PaymentFileReader
from services.billing.application.ports import (
    BillingUnitOfWork,
    InvoiceRenderer,
    OwnFacts,
    RunFiles,
    ScheduleReader,
    UowFactory,
)
from services.billing.application.preview_run import preview_billing_run
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_run_progress,
    billing_runner,
    get_billing_run,
    start_billing_run,
    unbilled_earlier_years,
)
from services.billing.application.run_reminders import reminder_runner
from services.billing.domain.avtalegiro import DirectDebitClaim
from services.billing.domain.billing_run import BillingRun
from services.billing.domain.collection_rules import CollectionRules
from services.billing.domain.reminders import CollectionRun
from services.billing.entrypoints import grpc_collection
from services.billing.entrypoints.proto_mapping import (
    CHANNEL_OF,
    DOCUMENT_FORMATS,
    INTERVAL_OF,
    account_message,
    account_summary,
    billing_property_message,
    billing_run_message,
    fee_schedule_message,
    invoice_lines,
    invoice_summary,
    preview_response,
    request_date,
)
from services.platform.auth import Role
from services.platform.clock import oslo_today
from services.platform.errors import InvalidInput
from services.platform.grpc_server import MethodRule, rule
from services.platform.job_runner import JobRunner
from services.platform.runtime import BackgroundTask

SERVICE_FULL_NAME = "propertytax.billing.v1.BillingService"

RULES: dict[str, MethodRule] = {
    "GetBillingProperty": rule(Role.BILLING_OFFICER, Role.READER, Role.SERVICE, changes_state=False),
    "GetAccount": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    "FindAccounts": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    "UpdateAccount": rule(Role.BILLING_OFFICER, changes_state=True),
    "StartBillingRun": rule(Role.BILLING_OFFICER, changes_state=True),
    "GetBillingRun": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    "PreviewBillingRun": rule(Role.BILLING_OFFICER, changes_state=False),
    "PutFeeSchedule": rule(Role.BILLING_OFFICER, changes_state=True),
    "GetFeeSchedule": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    "SetFeeFacts": rule(Role.BILLING_OFFICER, changes_state=True),
    "RecordMeterReading": rule(Role.BILLING_OFFICER, changes_state=True),
    "FindInvoices": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    "GetInvoice": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    "GetInvoiceDocument": rule(Role.BILLING_OFFICER, Role.READER, changes_state=False),
    **grpc_collection.RULES,
}


@dataclass(frozen=True)
class Wiring:
    """What the servicer works with, built by service.py from the settings."""

    uow: UowFactory  # a new unit of work (one transaction) per call
    files: RunFiles  # where a completed run's documents and journal are written
    policy: BillingPolicy  # with the seller as its file said when the service started
    chunk_size: int  # recipients per transaction, for the run and its preview alike
    chunk_pause_seconds: float  # between a run's chunks, to leave the database to others
    read_schedule: ScheduleReader
    renderer: InvoiceRenderer
    # Collection (issue 16): how a bank file is read, the collection rules in force, where a reminder
    # run's letters are written and the folder they are in.
    read_payment_file: PaymentFileReader
    collection_rules: CollectionRules
    reminder_letters: ReminderLetters
    letters_folder: Callable[[CollectionRun], Path]
    # AvtaleGiro: how the bank's agreements file is read, and the claim file written for a billing run
    # (its claims and the run id → the file's text).
    read_agreements: AgreementsReader
    write_direct_debits: Callable[[Sequence[DirectDebitClaim], str], str]
    # Worker processes taking a reminder run's chunks at once (PostgreSQL); None: one chunk at a time here.
    reminder_workers: ChunkWorkers | None = None

    @property
    def reminder_lanes(self) -> int:
        """How many lanes a new reminder run is split into: one per worker."""
        return self.reminder_workers.processes if self.reminder_workers is not None else 1


class BillingServicer(grpc_collection.CollectionServicer, billing_pb2_grpc.BillingServiceServicer):
    def __init__(self, wiring: Wiring, runner: JobRunner, reminders: JobRunner) -> None:
        self._wiring = wiring
        self._runner = runner
        self._reminders = reminders
        self._policy = wiring.policy
        self._chunk_size = wiring.chunk_size

    def _uow(self) -> BillingUnitOfWork:
        return self._wiring.uow()

    def _run(self, run: BillingRun) -> billing_pb2.BillingRun:
        done, total = billing_run_progress(self._uow(), run)
        return billing_run_message(run, done, total, self._wiring.files.journal_path(run))

    def GetAccount(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        view = get_account(self._uow(), request.account_id, oslo_today(), request.customer_number)
        agreement = recipient_agreement(self._uow(), view.account.account_id)
        return billing_pb2.GetAccountResponse(
            account=account_message(view),
            latest_invoices=[invoice_summary(i, view.account) for i in view.latest_invoices],
            avtalegiro=None
            if agreement is None
            else billing_pb2.AvtaleGiroAgreement(
                kid=agreement.kid,
                active_since=agreement.active_since.isoformat() if agreement.active_since else "",
                notify=agreement.notify,
                ended=not agreement.active,
                ended_on="" if agreement.active else agreement.registered_on.isoformat(),
                ended_by="" if agreement.ended_by is None else agreement.ended_by.value,
            ),
        )

    def FindAccounts(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        filters = AccountFilter(
            name=request.name,
            property_id=request.property_id,
            organisation_number=request.organisation_number,
            customer_number=request.customer_number,
        )
        found, token = find_accounts(
            self._uow(), filters, request.page_size, request.page_token, oslo_today()
        )
        return billing_pb2.FindAccountsResponse(
            accounts=[account_summary(f) for f in found], next_page_token=token
        )

    def UpdateAccount(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        change = AccountChange(
            address_line=request.address_line,
            postcode=request.postcode.strip(),
            city=request.city,
            channel=CHANNEL_OF.get(request.channel),
            interval=INTERVAL_OF.get(request.interval),
            interval_from=request_date(request.interval_from, "interval_from")
            if request.interval_from
            else None,
        )
        view = update_account(self._uow(), request.account_id, change, oslo_today(), request.customer_number)
        return billing_pb2.UpdateAccountResponse(account=account_message(view))

    def StartBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        # No issue date: the month's existing run keeps its own, a new one is issued today.
        issue = request_date(request.issue_date, "issue_date") if request.issue_date else None
        run = start_billing_run(self._uow(), request.year, request.month, issue)
        self._runner.submit(run.run_id)
        return billing_pb2.StartBillingRunResponse(
            run=self._run(run), earlier_years_not_billed=unbilled_earlier_years(self._uow(), run.year)
        )

    def GetBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        return billing_pb2.GetBillingRunResponse(run=self._run(get_billing_run(self._uow(), request.run_id)))

    def PreviewBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        issue = request_date(request.issue_date, "issue_date") if request.issue_date else None
        preview = preview_billing_run(
            self._uow, request.year, request.month, self._policy, self._chunk_size, issue
        )
        return preview_response(preview)

    def PutFeeSchedule(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        stored = put_fee_schedule(self._uow(), request.document, self._wiring.read_schedule)
        return fees_pb2.PutFeeScheduleResponse(schedule=fee_schedule_message(stored))

    def GetFeeSchedule(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        return fees_pb2.GetFeeScheduleResponse(
            schedule=fee_schedule_message(get_fee_schedule(self._uow(), request.year))
        )

    def SetFeeFacts(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        given = request.facts
        facts = OwnFacts(
            chimneys=given.chimneys,
            connected_to_water=not given.not_connected_to_water,
            summer_only=given.summer_only,
            no_wc=given.no_wc,
        )
        stored = set_fee_facts(self._uow(), request.property_id, facts)
        return fees_pb2.SetFeeFactsResponse(
            facts=fees_pb2.FeeFacts(
                chimneys=stored.chimneys,
                not_connected_to_water=not stored.connected_to_water,
                summer_only=stored.summer_only,
                no_wc=stored.no_wc,
            )
        )

    def RecordMeterReading(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        m3 = record_meter_reading(self._uow(), request.property_id, request.year, request.m3)
        return fees_pb2.RecordMeterReadingResponse(m3=str(m3))

    def FindInvoices(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        filters = InvoiceFilter(
            account_id=request.account_id,
            property_id=request.property_id,
            run_id=request.run_id,
            kind=request.kind,
            issued_from=request.issued_from,
            issued_to=request.issued_to,
        )
        found, token = find_invoices(self._uow(), filters, request.page_size, request.page_token)
        recipients = recipients_of(self._uow(), found)
        return billing_pb2.FindInvoicesResponse(
            invoices=[invoice_summary(i, recipients.get(i.account_id)) for i in found],
            next_page_token=token,
        )

    def GetInvoice(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        invoice = get_invoice(self._uow(), request.invoice_number)
        return billing_pb2.GetInvoiceResponse(
            invoice=invoice_summary(invoice, recipients_of(self._uow(), [invoice]).get(invoice.account_id)),
            lines=invoice_lines(invoice),
            set_off_at_issue=money_pb2.Money(ore=set_off_at_issue(self._uow(), invoice.invoice_number).ore),
        )

    def GetInvoiceDocument(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        document_format = DOCUMENT_FORMATS.get(request.format)
        if document_format is None:
            raise InvalidInput.single("format", "DOCUMENT_FORMAT_PDF, DOCUMENT_FORMAT_EHF or unspecified")
        document = invoice_document(
            self._uow(), self._wiring.renderer, request.invoice_number, document_format
        )
        return billing_pb2.GetInvoiceDocumentResponse(
            content=document.content, media_type=document.media_type, file_name=document.file_name
        )

    def GetBillingProperty(  # noqa: N802 (gRPC method name)
        self, request: billing_pb2.GetBillingPropertyRequest, context: grpc.ServicerContext
    ) -> billing_pb2.GetBillingPropertyResponse:
        view = get_billing_property(self._uow(), request.property_id)
        return billing_pb2.GetBillingPropertyResponse(property=billing_property_message(view))


def add_to_server(server: grpc.Server, wiring: Wiring) -> list[BackgroundTask]:
    """The servicer on the server; its billing runs and reminder runs go on in the returned background
    tasks."""
    runner = billing_runner(
        wiring.uow, wiring.policy, wiring.chunk_size, wiring.files, wiring.chunk_pause_seconds
    )
    reminders = reminder_runner(
        wiring.uow,
        wiring.collection_rules,
        wiring.chunk_size,
        wiring.reminder_letters,
        wiring.policy.seller,
        wiring.chunk_pause_seconds,
        wiring.reminder_workers,
    )
    billing_pb2_grpc.add_BillingServiceServicer_to_server(BillingServicer(wiring, runner, reminders), server)
    return [runner, reminders]
