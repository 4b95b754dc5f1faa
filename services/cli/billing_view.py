"""What billing officers read from `propertytax billing …`: recipients, invoices, fee schedules and runs
as aligned fields and tables, amounts "10 645,64 kr", dates dd.mm.yyyy, enum values as words. Pure
formatting of BillingService answers (no calls)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, cast

from propertytax.billing.v1 import billing_pb2
from propertytax.platform.v1 import money_pb2
from services.cli.output import Column, counted, day, nok, number, word

# The CLI's words for channels and intervals are the proto enum names without their prefix, lower-case
# ("ehf", "half_yearly"): the service maps the same names onto its own values, so neither keeps a list.
_CHANNEL = "CHANNEL_"
_INTERVAL = "INVOICE_INTERVAL_"


def _words(enum: Any, prefix: str) -> dict[str, int]:
    return {name.removeprefix(prefix).lower(): n for name, n in enum.items() if n}


CHANNELS = cast(dict[str, billing_pb2.Channel.ValueType], _words(billing_pb2.Channel, _CHANNEL))
INTERVALS = cast(
    dict[str, billing_pb2.InvoiceInterval.ValueType], _words(billing_pb2.InvoiceInterval, _INTERVAL)
)


def channel_word(channel: int) -> str:
    return word(channel, _CHANNEL, billing_pb2.Channel)


def interval_word(interval: int) -> str:
    return word(interval, _INTERVAL, billing_pb2.InvoiceInterval)


def kind_word(kind: str) -> str:
    """ "credit_note" → "credit note"."""
    return kind.replace("_", " ")


def share(numerator: int, denominator: int) -> str:
    """ "whole", or the part as a fraction: "1/2"."""
    part = Fraction(numerator, denominator or 1)
    return "whole" if part == 1 else f"{part.numerator}/{part.denominator}"


def _postal(postcode: str, city: str) -> str:
    return " ".join(part for part in (postcode, city) if part)


# ---- recipients ---------------------------------------------------------------------------------------

RECIPIENT_COLUMNS = (
    Column("Customer no.", numeric=True),
    "Name",
    "Kind",
    "Organisation no.",
    "Postcode/city",
    "Channel",
    "Interval",
    Column("Properties", numeric=True),
)


def recipient_rows(found: Any) -> list[list[object]]:
    return [
        [
            a.customer_number,
            a.name,
            a.kind,
            a.organisation_number,
            _postal(a.postcode, a.city),
            channel_word(a.channel),
            interval_word(a.interval),
            a.properties,
        ]
        for a in found
    ]


def recipient_fields(account: Any, avtalegiro: Any = None) -> list[tuple[str, object]]:
    """avtalegiro: the recipient's active AvtaleGiro agreement (GetAccountResponse.avtalegiro), if any."""
    address = [line for line in (account.address_line, _postal(account.postcode, account.city)) if line]
    changes = [f"{interval_word(c.interval)} from {day(c.valid_from)}" for c in account.interval_changes]
    fields: list[tuple[str, object]] = [
        ("Customer number", account.customer_number or ""),
        ("Name", account.name),
        ("Kind", account.kind),
    ]
    if account.organisation_number:
        fields.append(("Organisation number", account.organisation_number))
    fields += [
        ("Address", address),
        ("Channel", channel_word(account.channel)),
    ]
    if avtalegiro is not None and avtalegiro.kid:
        fields.append(("AvtaleGiro", avtalegiro_words(avtalegiro, account.channel)))
    fields += [
        ("Interval", f"{interval_word(account.interval)} (in force today)"),
        ("Interval changes", changes or ["none (quarterly, the default)"]),
        ("Account id", account.account_id),
    ]
    return fields


_CHANNEL_WAYS: dict[int, str] = {
    billing_pb2.CHANNEL_PRINT: "on paper",
    billing_pb2.CHANNEL_EFAKTURA: "by eFaktura",
    billing_pb2.CHANNEL_EHF: "by EHF",
}


_ENDED_BY = {"payer": "deleted by the payer", "full_list": "missing from the bank's full list"}


def avtalegiro_words(agreement: Any, channel: int = billing_pb2.CHANNEL_UNSPECIFIED) -> str:
    """ "active since 02.05.2024, KID 18; the bank notifies each claim" (or "…; no notice from the bank");
    an ended one: "ended 01.10.2024 (deleted by the payer; active since 02.05.2024), KID 18; invoices go by
    eFaktura again" (the recipient's `channel`; why it ended and since when it was active where billing
    kept them)."""
    if getattr(agreement, "ended", False):
        way = _CHANNEL_WAYS.get(channel)
        then = f"invoices go {way} again" if way else "invoices no longer go by AvtaleGiro"
        said = [_ENDED_BY[agreement.ended_by]] if agreement.ended_by in _ENDED_BY else []
        if agreement.active_since:
            said.append(f"active since {day(agreement.active_since)}")
        why = f" ({'; '.join(said)})" if said else ""
        return f"ended {day(agreement.ended_on)}{why}, KID {agreement.kid}; {then}"
    notice = "the bank notifies each claim" if agreement.notify else "no notice from the bank"
    return f"active since {day(agreement.active_since)}, KID {agreement.kid}; {notice}"


HOLDING_COLUMNS = ("Property", "Cadastral id", "Address", "Share", "From", "To")


def holding_rows(holdings: Any) -> list[list[object]]:
    return [
        [
            h.property_id,
            h.cadastral_id,
            h.address,
            share(h.share_numerator, h.share_denominator),
            day(h.valid_from),
            day(h.valid_to) if h.valid_to else "",
        ]
        for h in holdings
    ]


# ---- invoices -------------------------------------------------------------------------------------------

INVOICE_COLUMNS = (
    Column("Number", numeric=True),
    "Kind",
    "Issued",
    "Due",
    "Recipient",
    Column("Amount", numeric=True),
)
LATEST_INVOICE_COLUMNS = (
    Column("Number", numeric=True),
    "Kind",
    "Issued",
    "Due",
    Column("Amount", numeric=True),
)


def invoice_rows(invoices: Any, with_recipient: bool = True) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in invoices:
        row: list[object] = [i.invoice_number, kind_word(i.kind), day(i.issue_date), day(i.due_date)]
        if with_recipient:
            row.append(recipient(i))
        row.append(nok(i.total))
        rows.append(row)
    return rows


def recipient(invoice: Any) -> str:
    """ "3 Kari Nordmann": the recipient's customer number and name, or its account id when billing has
    no recipient of that id."""
    if not invoice.customer_number:
        return str(invoice.account_id)
    return f"{invoice.customer_number} {invoice.recipient_name}"


def invoice_fields(invoice: Any, set_off: Any = None) -> list[tuple[str, object]]:
    """set_off: GetInvoiceResponse.set_off_at_issue, what credits paid of it when it was issued."""
    paid_ore = set_off.ore if set_off is not None else 0
    fields: list[tuple[str, object]] = [
        ("Number", invoice.invoice_number),
        ("Kind", kind_word(invoice.kind)),
        ("Recipient", recipient(invoice)),
        ("Issued", day(invoice.issue_date)),
        ("Due", day(invoice.due_date)),
        ("Period", f"{day(invoice.period_start)}–{day(invoice.period_end)}"),
        ("KID", invoice.kid),
        ("Channel", channel_word(invoice.channel)),
        ("Amount excl. VAT", nok(invoice.net)),
        ("VAT", nok(invoice.vat)),
        ("To pay", nok(invoice.total)),
    ]
    if paid_ore:
        fields[-1] = ("Total", nok(invoice.total))
        fields.append(("Set off at issue", f"-{nok(set_off)}"))
        fields.append(("To pay", nok(money_pb2.Money(ore=invoice.total.ore - paid_ore))))
    if invoice.corrects_invoice_number:
        fields.append(("Corrects invoice", invoice.corrects_invoice_number))
    fields.append(("Billing run", invoice.run_id))
    return fields


LINE_COLUMNS = (
    "Description",
    "Property",
    "Period",
    Column("Amount", numeric=True),
    Column("VAT", numeric=True),
)


def _percent(rate: str) -> str:
    """ "0.25" → "25 %"."""
    try:
        return f"{number(Decimal(rate) * 100)} %"
    except InvalidOperation:
        return rate


def line_rows(lines: Any) -> list[list[object]]:
    return [
        [
            line.description,
            line.property_id,
            f"{day(line.period_start)}–{day(line.period_end)}",
            nok(line.amount),
            _percent(line.vat_rate),
        ]
        for line in lines
    ]


# ---- fee schedules, facts and meters ---------------------------------------------------------------------


_UNITS = {"m3": "m³", "m2": "m²", "bra": "BRA", "vat": "VAT"}


def _label(key: str) -> str:
    """ "m3_per_m2_bra" → "m³ per m² BRA", "water_per_m3_nok" → "Water per m³"."""
    words = key.removesuffix("_nok").split("_")
    text = " ".join(_UNITS.get(w, w) for w in words)
    return text if words[0] in _UNITS else text[:1].upper() + text[1:]


def schedule_fields(raw: Mapping[str, Any], prefix: str = "") -> list[tuple[str, object]]:
    """A fee schedule document's figures as people read them: "…_nok" amounts in kroner ("15,75 kr"),
    VAT rates as percentages, other numbers with decimal commas; nested sections as "Section: figure"."""
    fields: list[tuple[str, object]] = []
    for key, value in raw.items():
        if key == "year":
            continue
        label = f"{prefix}{_label(str(key))}"
        if isinstance(value, Mapping):
            if str(key).endswith("_nok"):  # amounts by category: each one in kroner
                fields += [(f"{label}: {_label(str(k))}", _amount(v)) for k, v in value.items()]
            else:
                fields += schedule_fields(value, f"{label}: ")
        elif str(key).endswith("_nok"):
            fields.append((label, _amount(value)))
        elif str(key).endswith("vat_rate"):
            fields.append((label, _percent(str(value))))
        else:
            fields.append((label, number(str(value)) if isinstance(value, int | float | Decimal) else value))
    return fields


def _amount(value: Any) -> str:
    try:
        return nok(int((Decimal(str(value)) * 100).to_integral_value()))
    except InvalidOperation:
        return str(value)


def fee_facts_fields(property_id: str, facts: Any) -> list[tuple[str, object]]:
    def yes(flag: bool) -> str:
        return "yes" if flag else "no"

    return [
        ("Property", property_id),
        ("Chimneys", facts.chimneys),
        ("Connected to water", yes(not facts.not_connected_to_water)),
        ("Summer connection only", yes(facts.summer_only)),
        ("No WC", yes(facts.no_wc)),
    ]


def meter_sentence(property_id: str, year: int, m3: str) -> str:
    return f"Recorded {number(m3)} m³ for {year} on property {property_id}."


# ---- runs and previews --------------------------------------------------------------------------------


def run_state_word(state: int) -> str:
    return word(state, "BILLING_RUN_STATE_", billing_pb2.BillingRunState)


def run_fields(run: Any) -> list[tuple[str, object]]:
    fields: list[tuple[str, object]] = [  # under the title "Billing run 2024-04"
        ("State", run_state_word(run.state)),
        ("Issue date", day(run.issue_date)),
        ("Invoices", number(run.invoices)),
        ("Credit notes", number(run.credit_notes)),
        ("Total", nok(run.total)),
        ("Recipients", f"{number(run.recipients_done)} of {number(run.recipients_total)} gone through"),
        ("Recipients due", number(run.due)),
        ("Under the minimum", number(run.below_minimum)),
        ("Held, not issued", number(run.held)),
    ]
    if run.error:
        fields.append(("Error", run.error))
    fields += [("Journal", run.journal_path), ("Run id", run.run_id)]
    return fields


def _code_word(code: str) -> str:
    return code.replace("_", " ")


def preview_fields(preview: Any) -> list[tuple[str, object]]:
    term = preview.term
    fields: list[tuple[str, object]] = [
        ("Issue date", day(preview.issue_date) if preview.issue_date else ""),
        ("Recipients due", number(preview.due_accounts)),
        ("Invoices", number(term.invoices)),
        ("Credit notes", number(term.credit_notes)),
    ]
    fields += [(f"  {_code_word(c.code)}", nok(c.net)) for c in term.charges]
    fields += [("VAT", nok(term.vat)), ("Total", nok(term.total))]
    if preview.below_minimum:
        fields.append(("Under the minimum", counted(preview.below_minimum, "recipient")))
    if preview.last_term_year:
        last = preview.last_term
        fields.append(
            (
                f"Last term ({preview.last_term_year}-{preview.last_term_month:02d})",
                f"{counted(last.invoices, 'invoice')}, {nok(last.total)}",
            )
        )
        fields += [(f"  change in {_code_word(c.code)}", nok(c.net)) for c in preview.changes]
    return fields


# ---- billing's record of a property ------------------------------------------------------------------


def billing_property_fields(found: Any) -> list[tuple[str, object]]:
    return [
        ("Property", found.property_id),
        ("Cadastral id", found.cadastral_id),
        ("Address", found.address),
        ("Category", word(found.category, "PROPERTY_CATEGORY_")),
        ("Dwelling units", number(found.dwelling_units)),
        ("Usable area (BRA)", f"{number(found.bra_m2)} m²" if found.bra_m2 else ""),
    ]


TAX_COLUMNS = (
    Column("Year", numeric=True),
    "Status",
    Column("Tax base", numeric=True),
    Column("Annual tax", numeric=True),
    Column("Terms", numeric=True),
    Column("Version", numeric=True),
)


def tax_rows(taxes: Any) -> list[list[object]]:
    return [
        [t.tax_year, word(t.status, "TAX_STATUS_"), nok(t.tax_base), nok(t.annual_tax), t.terms, t.version]
        for t in taxes
    ]


HOLDER_COLUMNS = ("Recipient", "Share", "From", "To")


def holder_rows(holders: Any) -> list[list[object]]:
    return [
        [
            h.account_id,
            share(h.share_numerator, h.share_denominator),
            day(h.valid_from),
            day(h.valid_to) if h.valid_to else "",
        ]
        for h in holders
    ]
