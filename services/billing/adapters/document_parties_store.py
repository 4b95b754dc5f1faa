"""The parties of issued documents in storage: one invoice_parties row per invoice (its recipient as it
stood, with its customer number and the invoice's properties as the document names them, and which
seller) and one sellers row per distinct issuer."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.billing.adapters.orm import billing_properties, holdings, invoice_parties, sellers
from services.billing.domain.billing_run import Invoice
from services.billing.domain.document_parties import DocumentParties, PropertyOnDocument, RecipientSnapshot
from services.billing.domain.seller import Seller
from services.platform.bulk import bulk_insert
from services.platform.db import one_of

_PAGE = 5000  # invoice numbers per query


def seller_id(seller: Seller) -> str:
    """The issuer's content address: equal fields, equal id (so a restart with the same file adds nothing)."""
    canonical = json.dumps(asdict(seller), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def store_seller(session: Session, seller: Seller) -> str:
    """Keeps the issuer once (a row that exists already is left as it is); returns its id."""
    key = seller_id(seller)
    make = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(make(sellers).values(seller_id=key, **asdict(seller)).on_conflict_do_nothing())
    return key


def _properties_on(session: Session, items: Sequence[Invoice]) -> dict[int, tuple[PropertyOnDocument, ...]]:
    """Each invoice's properties as its document names them: address and cadastral id from the billing
    property, and the recipient's share from its holding over the invoice's period (the latest one, when
    it held the property twice)."""
    property_ids = sorted({line.property_id for invoice in items for line in invoice.lines})
    accounts = sorted({invoice.account_id for invoice in items})
    known: dict[str, Any] = {}
    held: dict[tuple[str, str], list[Any]] = {}
    for start in range(0, len(property_ids), _PAGE):
        page = property_ids[start : start + _PAGE]
        for found_row in session.execute(
            select(
                billing_properties.c.property_id,
                billing_properties.c.address,
                billing_properties.c.cadastral_id,
            ).where(one_of(session, billing_properties.c.property_id, page))
        ).all():  # fetched at once: row by row cost more than the rows at a billing chunk's size
            known[found_row.property_id] = found_row
        for holding in session.execute(
            select(holdings)
            .where(one_of(session, holdings.c.property_id, page))
            .where(one_of(session, holdings.c.account_id, accounts))
            .order_by(holdings.c.valid_from)
        ).all():
            held.setdefault((holding.account_id, holding.property_id), []).append(holding)
    found: dict[int, tuple[PropertyOnDocument, ...]] = {}
    for invoice in items:
        # Each property's fee bases from one pass over the lines (an invoice has several per property).
        bases_of: dict[str, set[tuple[str, str]]] = {}
        for line in invoice.lines:
            if line.basis:
                bases_of.setdefault(line.property_id, set()).add((line.code, line.basis))
        shown: list[PropertyOnDocument] = []
        for pid in invoice.property_ids:
            row: Any = known.get(pid)
            during = [
                h
                for h in held.get((invoice.account_id, pid), [])
                if h.valid_from < invoice.period.end
                and (h.valid_to is None or h.valid_to > invoice.period.start)
            ]
            share = during[-1] if during else None
            bases = sorted(bases_of.get(pid, ()))
            shown.append(
                PropertyOnDocument(
                    pid,
                    row.address if row is not None else "",
                    row.cadastral_id if row is not None else "",
                    share.share_numerator if share is not None else 1,
                    share.share_denominator if share is not None else 1,
                    tuple(bases),
                )
            )
        found[invoice.invoice_number] = tuple(shown)
    return found


def _property_on_document(stored: dict[str, Any]) -> PropertyOnDocument:
    bases = tuple((str(code), str(text)) for code, text in stored.pop("bases", []))
    return PropertyOnDocument(**stored, bases=bases)


def _properties_json(properties: Sequence[PropertyOnDocument]) -> str:
    # Written out field by field: dataclasses.asdict deep-copies every value and cost a quarter of a
    # billing chunk's time at Oslo's scale (benchmarks/billing_run.py).
    return json.dumps(
        [
            {
                "address": p.address,
                "bases": [[code, text] for code, text in p.bases],
                "cadastral_id": p.cadastral_id,
                "property_id": p.property_id,
                "share_denominator": p.share_denominator,
                "share_numerator": p.share_numerator,
            }
            for p in properties
        ],
        ensure_ascii=False,
        sort_keys=True,
    )


def store_parties(
    session: Session, items: Sequence[Invoice], recipients: Mapping[str, RecipientSnapshot], seller: Seller
) -> None:
    """Each invoice's parties, in the caller's transaction: an invoice is never stored without them."""
    if not items:
        return
    key = store_seller(session, seller)
    properties = _properties_on(session, items)
    rows: list[dict[str, Any]] = []
    for invoice in items:
        recipient = recipients[invoice.account_id]
        rows.append(
            {
                "invoice_number": invoice.invoice_number,
                "recipient_name": recipient.name,
                "recipient_organisation_number": recipient.organisation_number,
                "recipient_address_line": recipient.address_line,
                "recipient_postcode": recipient.postcode,
                "recipient_city": recipient.city,
                "recipient_customer_number": recipient.customer_number,
                "document_properties": _properties_json(properties[invoice.invoice_number]),
                "seller_id": key,
            }
        )
    bulk_insert(session, invoice_parties, rows)


def load_parties(session: Session, numbers: Sequence[int]) -> dict[int, DocumentParties]:
    """The stored parties of these invoices (an invoice without any is left out)."""
    found: dict[int, DocumentParties] = {}
    issuers: dict[str, Seller] = {}
    for start in range(0, len(numbers), _PAGE):
        rows = session.execute(
            select(invoice_parties).where(
                one_of(session, invoice_parties.c.invoice_number, numbers[start : start + _PAGE])
            )
        ).all()
        missing = sorted({r.seller_id for r in rows} - issuers.keys())
        if missing:
            for s in session.execute(select(sellers).where(sellers.c.seller_id.in_(missing))).all():
                issuers[s.seller_id] = Seller(**{f: getattr(s, f) for f in Seller.__dataclass_fields__})
        for r in rows:
            recipient = RecipientSnapshot(
                r.recipient_name,
                r.recipient_organisation_number,
                r.recipient_address_line,
                r.recipient_postcode,
                r.recipient_city,
                r.recipient_customer_number,
                tuple(_property_on_document(p) for p in json.loads(r.document_properties or "[]")),
            )
            found[r.invoice_number] = DocumentParties(recipient, issuers[r.seller_id])
    return found
