"""BillingService over gRPC: proto ⇄ command, nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import grpc

from propertytax.billing.v1 import billing_pb2, billing_pb2_grpc, fees_pb2, preview_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.application.accounts import (
    AccountChange,
    AccountFilter,
    AccountView,
    FoundAccount,
    find_accounts,
    get_account,
    recipients_of,
    update_account,
)
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
)
from services.billing.application.ports import (
    BillingUnitOfWork,
    InvoiceRenderer,
    OwnFacts,
    RunFiles,
    ScheduleReader,
    StoredSchedule,
    UowFactory,
)
from services.billing.application.preview_run import RunPreview, TermTotals, preview_billing_run
from services.billing.application.run_billing import (
    BillingPolicy,
    billing_run_progress,
    billing_runner,
    get_billing_run,
    start_billing_run,
    unbilled_earlier_years,
)
from services.billing.domain.account import Account, Channel
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.billing_run import BillingRun, Invoice, RunState
from services.billing.domain.charges import Holding
from services.billing.domain.intervals import InvoiceInterval, Period
from services.platform.auth import Role
from services.platform.clock import oslo_today
from services.platform.errors import InvalidInput
from services.platform.grpc_server import MethodRule, rule
from services.platform.job_runner import JobRunner
from services.platform.money import Money
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
}

# The proto enums name the domain's values: CHANNEL_<VALUE>, INVOICE_INTERVAL_<VALUE> (the CLI reads its
# words off the same names), so the maps follow from the names and cannot drift apart.
_CHANNELS = {c: billing_pb2.Channel.Value(f"CHANNEL_{c.value.upper()}") for c in Channel}
_INTERVALS = {
    i: billing_pb2.InvoiceInterval.Value(f"INVOICE_INTERVAL_{i.value.upper()}") for i in InvoiceInterval
}
_CHANNEL_OF = {number: channel for channel, number in _CHANNELS.items()}
_INTERVAL_OF = {number: interval for interval, number in _INTERVALS.items()}
_RUN_STATES = {
    RunState.RUNNING: billing_pb2.BILLING_RUN_STATE_RUNNING,
    RunState.ISSUED: billing_pb2.BILLING_RUN_STATE_RUNNING,  # still writing documents
    RunState.COMPLETED: billing_pb2.BILLING_RUN_STATE_COMPLETED,
    RunState.FAILED: billing_pb2.BILLING_RUN_STATE_FAILED,
}


def _holding(
    property_id: str, account_id: str, holding: Holding, known: BillingProperty | None = None
) -> billing_pb2.Holding:
    return billing_pb2.Holding(
        account_id=account_id,
        property_id=property_id,
        cadastral_id=known.cadastral_id if known else "",
        address=known.address if known else "",
        valid_from=holding.start.isoformat(),
        valid_to="" if holding.end == date.max else holding.end.isoformat(),
        share_numerator=holding.share.numerator,
        share_denominator=holding.share.denominator,
    )


def _account(view: AccountView) -> billing_pb2.Account:
    a = view.account
    return billing_pb2.Account(
        account_id=a.account_id,
        customer_number=a.customer_number,
        kind=a.kind.value,
        name=a.name,
        organisation_number=a.organisation_number,
        address_line=a.address_line,
        postcode=a.postcode,
        city=a.city,
        channel=_CHANNELS[a.channel],
        interval=_INTERVALS[view.interval],
        holdings=[
            _holding(property_id, a.account_id, h, view.properties.get(property_id))
            for property_id, h in view.holdings
        ],
        interval_changes=[
            billing_pb2.IntervalChange(interval=_INTERVALS[c.interval], valid_from=c.valid_from.isoformat())
            for c in view.interval_changes
        ],
    )


def _account_summary(found: FoundAccount) -> billing_pb2.AccountSummary:
    a = found.account
    return billing_pb2.AccountSummary(
        account_id=a.account_id,
        customer_number=a.customer_number,
        kind=a.kind.value,
        name=a.name,
        organisation_number=a.organisation_number,
        postcode=a.postcode,
        city=a.city,
        channel=_CHANNELS[a.channel],
        interval=_INTERVALS[found.interval],
        properties=found.properties,
    )


_DOCUMENT_FORMATS = {
    billing_pb2.DOCUMENT_FORMAT_UNSPECIFIED: "",
    billing_pb2.DOCUMENT_FORMAT_PDF: "pdf",
    billing_pb2.DOCUMENT_FORMAT_EHF: "ehf",
}


def _last_day(period: Period) -> str:
    return (period.end - timedelta(days=1)).isoformat()  # periods end on the first day after them


def preview_response(preview: RunPreview) -> preview_pb2.PreviewBillingRunResponse:
    """The preview as the API answers it: periods by their first and last day, as invoices say them."""
    last = preview.last_term
    return preview_pb2.PreviewBillingRunResponse(
        year=preview.year,
        month=preview.month,
        due_accounts=preview.due,
        below_minimum=preview.below_minimum,
        term=_term_totals(preview.totals),
        last_term=_term_totals(last.totals) if last else None,
        last_term_year=last.year if last else 0,
        last_term_month=last.month if last else 0,
        changes=_charge_totals(preview.changes()),
        held=[
            preview_pb2.HeldRecipient(
                account_id=h.account_id,
                name=h.name,
                channel=h.channel,
                reason=h.reason,
                documents=h.documents,
                total=money_pb2.Money(ore=h.total.ore),
                tax_year=h.tax_year,
                period_start=h.period.start.isoformat() if h.period else "",
                period_end=_last_day(h.period) if h.period else "",
            )
            for h in preview.held
        ],
        nothing_issued=preview.nothing_issued,
        earlier_years_not_billed=preview.earlier_years_not_billed,
        issue_date=preview.issue_date.isoformat() if preview.issue_date else "",
        corrections_waiting=preview.corrections_waiting,
    )


def _invoice_summary(invoice: Invoice, recipient: Account | None = None) -> billing_pb2.InvoiceSummary:
    return billing_pb2.InvoiceSummary(
        customer_number=recipient.customer_number if recipient else 0,
        recipient_name=recipient.name if recipient else "",
        invoice_number=invoice.invoice_number,
        kind=invoice.kind,
        kid=invoice.kid,
        account_id=invoice.account_id,
        property_ids=invoice.property_ids,
        issue_date=invoice.issue_date.isoformat(),
        due_date=invoice.due_date.isoformat(),
        period_start=invoice.period.start.isoformat(),
        period_end=_last_day(invoice.period),
        net=money_pb2.Money(ore=invoice.net.ore),
        vat=money_pb2.Money(ore=invoice.vat.ore),
        total=money_pb2.Money(ore=invoice.total.ore),
        run_id=invoice.run_id,
        channel=_CHANNELS.get(invoice.channel, billing_pb2.CHANNEL_UNSPECIFIED),
        corrects_invoice_number=invoice.corrects or 0,
    )


def _invoice_lines(invoice: Invoice) -> list[billing_pb2.InvoiceLine]:
    return [
        billing_pb2.InvoiceLine(
            property_id=line.property_id,
            code=line.code,
            description=line.description,
            period_start=line.period.start.isoformat(),
            period_end=_last_day(line.period),
            amount=money_pb2.Money(ore=line.amount.ore),
            vat_rate=format(line.vat_rate, "f"),
        )
        for line in invoice.lines
    ]


def _charge_totals(by_code: dict[str, Money]) -> list[preview_pb2.ChargeTotal]:
    return [
        preview_pb2.ChargeTotal(code=code, net=money_pb2.Money(ore=amount.ore))
        for code, amount in sorted(by_code.items())
    ]


def _term_totals(totals: TermTotals) -> preview_pb2.TermTotals:
    return preview_pb2.TermTotals(
        invoices=totals.invoices,
        credit_notes=totals.credit_notes,
        charges=_charge_totals(totals.net_by_code),
        vat=money_pb2.Money(ore=totals.vat.ore),
        total=money_pb2.Money(ore=totals.total.ore),
    )


def _fee_schedule(stored: StoredSchedule) -> fees_pb2.FeeSchedule:
    return fees_pb2.FeeSchedule(
        year=stored.year,
        version=stored.version,
        document=stored.document,
        stored_at=stored.stored_at.isoformat(),
    )


def _date(text: str, field: str, default: date | None = None) -> date:
    if not text and default is not None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.single(field, "a date as YYYY-MM-DD") from None


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


class BillingServicer(billing_pb2_grpc.BillingServiceServicer):
    def __init__(self, wiring: Wiring, runner: JobRunner) -> None:
        self._wiring = wiring
        self._runner = runner
        self._policy = wiring.policy
        self._chunk_size = wiring.chunk_size

    def _uow(self) -> BillingUnitOfWork:
        return self._wiring.uow()

    def _run(self, run: BillingRun) -> billing_pb2.BillingRun:
        done, total = billing_run_progress(self._uow(), run)
        return billing_pb2.BillingRun(
            recipients_done=done,
            recipients_total=total,
            run_id=run.run_id,
            year=run.year,
            month=run.month,
            issue_date=run.issue_date.isoformat(),
            state=_RUN_STATES[run.state],
            invoices=run.invoices,
            below_minimum=run.below_minimum,
            credit_notes=run.credit_notes,
            total=money_pb2.Money(ore=run.total.ore),
            error=run.error,
            journal_path=str(self._wiring.files.journal_path(run)),
            held=run.held,
            due=run.due,
            nothing_issued=run.nothing_issued,
        )

    def GetAccount(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        view = get_account(self._uow(), request.account_id, oslo_today(), request.customer_number)
        return billing_pb2.GetAccountResponse(
            account=_account(view),
            latest_invoices=[_invoice_summary(i, view.account) for i in view.latest_invoices],
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
            accounts=[_account_summary(f) for f in found], next_page_token=token
        )

    def UpdateAccount(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        change = AccountChange(
            address_line=request.address_line,
            postcode=request.postcode.strip(),
            city=request.city,
            channel=_CHANNEL_OF.get(request.channel),
            interval=_INTERVAL_OF.get(request.interval),
            interval_from=_date(request.interval_from, "interval_from") if request.interval_from else None,
        )
        view = update_account(self._uow(), request.account_id, change, oslo_today(), request.customer_number)
        return billing_pb2.UpdateAccountResponse(account=_account(view))

    def StartBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        # No issue date: the month's existing run keeps its own, a new one is issued today.
        issue = _date(request.issue_date, "issue_date") if request.issue_date else None
        run = start_billing_run(self._uow(), request.year, request.month, issue)
        self._runner.submit(run.run_id)
        return billing_pb2.StartBillingRunResponse(
            run=self._run(run), earlier_years_not_billed=unbilled_earlier_years(self._uow(), run.year)
        )

    def GetBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        return billing_pb2.GetBillingRunResponse(run=self._run(get_billing_run(self._uow(), request.run_id)))

    def PreviewBillingRun(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        issue = _date(request.issue_date, "issue_date") if request.issue_date else None
        preview = preview_billing_run(
            self._uow, request.year, request.month, self._policy, self._chunk_size, issue
        )
        return preview_response(preview)

    def PutFeeSchedule(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        stored = put_fee_schedule(self._uow(), request.document, self._wiring.read_schedule)
        return fees_pb2.PutFeeScheduleResponse(schedule=_fee_schedule(stored))

    def GetFeeSchedule(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        return fees_pb2.GetFeeScheduleResponse(
            schedule=_fee_schedule(get_fee_schedule(self._uow(), request.year))
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
            invoices=[_invoice_summary(i, recipients.get(i.account_id)) for i in found],
            next_page_token=token,
        )

    def GetInvoice(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        invoice = get_invoice(self._uow(), request.invoice_number)
        return billing_pb2.GetInvoiceResponse(
            invoice=_invoice_summary(invoice, recipients_of(self._uow(), [invoice]).get(invoice.account_id)),
            lines=_invoice_lines(invoice),
        )

    def GetInvoiceDocument(self, request, context):  # type: ignore[no-untyped-def]  # noqa: N802
        document_format = _DOCUMENT_FORMATS.get(request.format)
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
        found = view.property
        return billing_pb2.GetBillingPropertyResponse(
            property=billing_pb2.BillingProperty(
                property_id=found.property_id,
                cadastral_id=found.cadastral_id,
                address=found.address,
                category=found.category,
                dwelling_units=found.dwelling_units,
                source_event_id=found.source_event_id,
                property_taxes=[
                    billing_pb2.YearlyPropertyTax(
                        tax_year=t.tax_year,
                        version=t.version,
                        status=t.status,
                        annual_tax=money_pb2.Money(ore=t.tax.ore),
                        tax_base=money_pb2.Money(ore=t.tax_base.ore),
                        terms=t.terms,
                    )
                    for t in view.taxes
                ],
                holders=[_holding(found.property_id, account_id, h, found) for account_id, h in view.holders],
                bra_m2=str(found.bra_m2),
            )
        )


def add_to_server(server: grpc.Server, wiring: Wiring) -> list[BackgroundTask]:
    """The servicer on the server; its billing runs go on in the returned background task."""
    runner = billing_runner(
        wiring.uow, wiring.policy, wiring.chunk_size, wiring.files, wiring.chunk_pause_seconds
    )
    billing_pb2_grpc.add_BillingServiceServicer_to_server(BillingServicer(wiring, runner), server)
    return [runner]
