"""Queries on issued invoices: find them, read one with its lines, and render its document again.

An issued invoice never changes, nor do the recipient and seller stored with it at issue, so its
document rendered now (by the same function the billing run uses) is the document the run wrote, whatever
has happened to the account or the seller file since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.billing.application.ports import BillingUnitOfWork, InvoiceRenderer
from services.billing.domain.billing_run import CREDIT_NOTE, INVOICE, Invoice
from services.billing.domain.document_parties import DocumentParties, delivered_as_ehf
from services.platform.errors import InvalidInput, NotFound, Violations
from services.platform.money import Money
from services.platform.paging import encode_token, parse_page

KINDS = (INVOICE, CREDIT_NOTE)
FORMATS = ("pdf", "ehf")  # "" is the recipient's own format
_MEDIA_TYPES = {"pdf": "application/pdf", "xml": "application/xml"}


@dataclass(frozen=True)
class InvoiceFilter:
    """The filters as the caller gave them; empty ones are left out."""

    account_id: str = ""
    property_id: str = ""
    run_id: str = ""
    kind: str = ""
    issued_from: str = ""  # YYYY-MM-DD, inclusive
    issued_to: str = ""  # YYYY-MM-DD, inclusive


@dataclass(frozen=True)
class InvoiceDocument:
    content: bytes
    media_type: str
    file_name: str


def _date(text: str, field: str, problems: Violations) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        problems.add(field, "a date as YYYY-MM-DD")
        return None


def find_invoices(
    uow: BillingUnitOfWork, filters: InvoiceFilter, page_size: int, page_token: str
) -> tuple[list[Invoice], str]:
    problems = Violations()
    kind = filters.kind.strip()
    if kind and kind not in KINDS:
        problems.add("kind", f"one of {', '.join(KINDS)}")
    issued_from = _date(filters.issued_from, "issued_from", problems)
    issued_to = _date(filters.issued_to, "issued_to", problems)
    if issued_from is not None and issued_to is not None and issued_to < issued_from:
        problems.add("issued_to", "on or after issued_from")
    try:
        page = parse_page(page_size, page_token)
    except InvalidInput as exc:
        for violation in exc.violations:
            problems.add(violation.field, violation.description)
    problems.raise_if_any()
    with uow:
        found = uow.invoices.search(
            account_id=filters.account_id.strip(),
            property_id=filters.property_id.strip(),
            run_id=filters.run_id.strip(),
            kind=kind,
            issued_from=issued_from,
            issued_to=issued_to,
            offset=page.offset,
            limit=page.size + 1,
        )
    next_token = encode_token(page.offset + page.size) if len(found) > page.size else ""
    return found[: page.size], next_token


def _check_number(invoice_number: int) -> None:
    if invoice_number <= 0:
        raise InvalidInput.single("invoice_number", "is required (a positive invoice number)")


def get_invoice(uow: BillingUnitOfWork, invoice_number: int) -> Invoice:
    _check_number(invoice_number)
    with uow:
        invoice = uow.invoices.by_number(invoice_number)
    if invoice is None:
        raise NotFound(f"no invoice {invoice_number}")
    return invoice


def set_off_at_issue(uow: BillingUnitOfWork, invoice_number: int) -> Money:
    """What the recipient's credits paid of the invoice when it was issued (its document shows it and asks
    for the rest; domain/document_parties.DocumentParties.prepaid); 0 for most."""
    with uow:
        parties = uow.invoices.parties([invoice_number]).get(invoice_number)
    return parties.prepaid if parties is not None else Money(0)


def invoice_document(
    uow: BillingUnitOfWork, renderer: InvoiceRenderer, invoice_number: int, document_format: str = ""
) -> InvoiceDocument:
    """The invoice's document: by default the one its recipient gets (what the run wrote); "pdf" gives a
    PDF for any recipient, "ehf" an EHF document for an organisation recipient."""
    _check_number(invoice_number)
    if document_format and document_format not in FORMATS:
        raise InvalidInput.single("format", f"one of {', '.join(FORMATS)}")
    with uow:
        invoice = uow.invoices.by_number(invoice_number)
        parties = uow.invoices.parties([invoice_number]).get(invoice_number) if invoice is not None else None
    if invoice is None:
        raise NotFound(f"no invoice {invoice_number}")
    if parties is None:
        raise NotFound(f"no recipient and seller stored for invoice {invoice_number}")
    suffix, content = _render(renderer, invoice, parties, document_format)
    stem = "kreditnota" if invoice.kind == CREDIT_NOTE else "faktura"
    return InvoiceDocument(content, _MEDIA_TYPES[suffix], f"{stem}-{invoice.invoice_number}.{suffix}")


def _render(
    renderer: InvoiceRenderer, invoice: Invoice, parties: DocumentParties, document_format: str
) -> tuple[str, bytes]:
    if document_format == "pdf":
        return "pdf", renderer.pdf(invoice, parties)
    if document_format == "ehf":
        if not parties.recipient.organisation_number:
            raise InvalidInput.single("format", "EHF is only for recipients with an organisation number")
        return "xml", renderer.ehf(invoice, parties)
    # The recipient's own: as the run wrote it.
    if delivered_as_ehf(invoice.channel, parties.recipient):
        return "xml", renderer.ehf(invoice, parties)
    return "pdf", renderer.pdf(invoice, parties)
