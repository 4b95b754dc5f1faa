"""BillingService's requests and responses ⇄ billing's commands, views and domain objects: the transport's
words (proto enums, ISO dates, øre) on one side, the application's on the other."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from propertytax.billing.v1 import billing_pb2, fees_pb2, preview_pb2
from propertytax.platform.v1 import money_pb2
from services.billing.application.accounts import AccountView, FoundAccount
from services.billing.application.get_billing_property import BillingPropertyView
from services.billing.application.ports import StoredSchedule
from services.billing.application.preview_run import RunPreview, TermTotals
from services.billing.domain.account import Account, Channel
from services.billing.domain.billing_property import BillingProperty
from services.billing.domain.billing_run import BillingRun, Invoice, RunState
from services.billing.domain.charges import Holding
from services.billing.domain.intervals import InvoiceInterval, Period
from services.platform.errors import InvalidInput
from services.platform.money import Money

# The proto enums name the domain's values: CHANNEL_<VALUE>, INVOICE_INTERVAL_<VALUE> (the CLI reads its
# words off the same names), so the maps follow from the names and cannot drift apart.
CHANNELS = {c: billing_pb2.Channel.Value(f"CHANNEL_{c.value.upper()}") for c in Channel}
INTERVALS = {
    i: billing_pb2.InvoiceInterval.Value(f"INVOICE_INTERVAL_{i.value.upper()}") for i in InvoiceInterval
}
CHANNEL_OF = {number: channel for channel, number in CHANNELS.items()}
INTERVAL_OF = {number: interval for interval, number in INTERVALS.items()}
RUN_STATES = {
    RunState.RUNNING: billing_pb2.BILLING_RUN_STATE_RUNNING,
    RunState.ISSUED: billing_pb2.BILLING_RUN_STATE_RUNNING,  # still writing documents
    RunState.COMPLETED: billing_pb2.BILLING_RUN_STATE_COMPLETED,
    RunState.FAILED: billing_pb2.BILLING_RUN_STATE_FAILED,
}


def holding_message(
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


def account_message(view: AccountView) -> billing_pb2.Account:
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
        channel=CHANNELS[a.channel],
        interval=INTERVALS[view.interval],
        holdings=[
            holding_message(property_id, a.account_id, h, view.properties.get(property_id))
            for property_id, h in view.holdings
        ],
        interval_changes=[
            billing_pb2.IntervalChange(interval=INTERVALS[c.interval], valid_from=c.valid_from.isoformat())
            for c in view.interval_changes
        ],
    )


def account_summary(found: FoundAccount) -> billing_pb2.AccountSummary:
    a = found.account
    return billing_pb2.AccountSummary(
        account_id=a.account_id,
        customer_number=a.customer_number,
        kind=a.kind.value,
        name=a.name,
        organisation_number=a.organisation_number,
        postcode=a.postcode,
        city=a.city,
        channel=CHANNELS[a.channel],
        interval=INTERVALS[found.interval],
        properties=found.properties,
    )


DOCUMENT_FORMATS = {
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


def invoice_summary(invoice: Invoice, recipient: Account | None = None) -> billing_pb2.InvoiceSummary:
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
        channel=CHANNELS.get(invoice.channel, billing_pb2.CHANNEL_UNSPECIFIED),
        corrects_invoice_number=invoice.corrects or 0,
    )


def invoice_lines(invoice: Invoice) -> list[billing_pb2.InvoiceLine]:
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


def fee_schedule_message(stored: StoredSchedule) -> fees_pb2.FeeSchedule:
    return fees_pb2.FeeSchedule(
        year=stored.year,
        version=stored.version,
        document=stored.document,
        stored_at=stored.stored_at.isoformat(),
    )


def request_date(text: str, field: str, default: date | None = None) -> date:
    if not text and default is not None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.single(field, "a date as YYYY-MM-DD") from None


def billing_run_message(run: BillingRun, done: int, total: int, journal: Path) -> billing_pb2.BillingRun:
    """The run with how far it has come: `done` of `total` recipients gone through."""
    return billing_pb2.BillingRun(
        recipients_done=done,
        recipients_total=total,
        run_id=run.run_id,
        year=run.year,
        month=run.month,
        issue_date=run.issue_date.isoformat(),
        state=RUN_STATES[run.state],
        invoices=run.invoices,
        below_minimum=run.below_minimum,
        credit_notes=run.credit_notes,
        total=money_pb2.Money(ore=run.total.ore),
        error=run.error,
        journal_path=str(journal),
        held=run.held,
        due=run.due,
        nothing_issued=run.nothing_issued,
    )


def billing_property_message(view: BillingPropertyView) -> billing_pb2.BillingProperty:
    found = view.property
    return billing_pb2.BillingProperty(
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
        holders=[holding_message(found.property_id, account_id, h, found) for account_id, h in view.holders],
        bra_m2=str(found.bra_m2),
    )
