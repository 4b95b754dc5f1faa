"""ISO 20022 camt.054 credit notifications (incoming payments) → PaymentFile, every error by line.

What Norwegian banks send under Bits' implementation guideline for camt.054 (version 001.02; 001.08 is read
too): GrpHdr (MsgId, CreDtTm), per account a Ntfctn (Acct, TxsSummry), per booking a Ntry (Amt, CdtDbtInd,
BookgDt, ValDt) and per payment NtryDtls/TxDtls with the amount (TxDtls/Amt from .03 on, AmtDtls/TxAmt/Amt
in .02), the KID in RmtInf/Strd/CdtrRefInf/Ref (DOMAIN.md §6), the bank's reference Refs/AcctSvcrRef and
the payer in RltdPties.

Order of checks: well-formed XML, then the ISO 20022 XML schema of its version (schemas/, README.md there
names the source), then what the schema cannot say: credited entries only in NOK, each entry's amount equal
to the sum of its transactions, each batch's count and total, and the notification's summary of credited
entries. Debit entries (the bank's fees) are not payments and are passed over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from lxml import etree

from services.billing.domain.payments import IncomingPayment, PaymentFile, PaymentFileFormat
from services.platform.errors import InvalidInput, Violations
from services.platform.money import Money

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.054.001."
SUPPORTED_VERSIONS = ("02", "08")
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
CURRENCY = "NOK"
_MAX_SCHEMA_ERRORS = 50  # a file broken throughout names its first fifty faults, enough to see the pattern


def namespace_of(content: bytes) -> str | None:
    """The namespace of the document element when content is well-formed XML, else None (for recognising a
    file's format by its content)."""
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError:
        return None
    namespace: str | None = etree.QName(root).namespace
    return namespace


def is_camt054(content: bytes) -> bool:
    namespace = namespace_of(content)
    return namespace is not None and namespace.startswith(NAMESPACE_PREFIX)


def read_camt054(content: bytes) -> PaymentFile:
    """The credited payments of a camt.054 notification.

    content: the XML bytes (encoding as the XML declaration says). Returns a PaymentFile: file_reference =
    GrpHdr/MsgId, created_on = the date of GrpHdr/CreDtTm, creditor_account = the first notification's
    account (IBAN or BBAN), one IncomingPayment per TxDtls of a credited entry: line of the TxDtls element,
    KID (CdtrRefInf/Ref, "" when the payer gave none), amount in øre, the entry's booking date (else value
    date), AcctSvcrRef (the transaction's, else the entry's), payer name and account.
    Raises InvalidInput: "line N" for XML that is not well-formed, each schema violation, a currency other
    than NOK, a reversal, an amount with fractions of an øre, an entry or batch whose total or count
    disagrees with its transactions, a summary that disagrees with the entries; "file" for an unsupported
    version or a notification with no credited payment.
    """
    try:
        document = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise InvalidInput.single(f"line {error.lineno}", f"is not well-formed XML: {error.msg}") from None
    namespace = etree.QName(document).namespace or ""
    version = namespace.removeprefix(NAMESPACE_PREFIX) if namespace.startswith(NAMESPACE_PREFIX) else ""
    if version not in SUPPORTED_VERSIONS:
        raise InvalidInput.single(
            "file",
            f"is in namespace {namespace or '(none)'}; camt.054 versions read here: "
            + ", ".join(NAMESPACE_PREFIX + v for v in SUPPORTED_VERSIONS),
        )
    _validate(document, version)
    return _Reader(namespace).read(document)


def _parser() -> etree.XMLParser:
    # No entities, no network, no DTD: a bank file is data, and an entity bomb or a remote fetch is an attack.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@cache
def _schema(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / f"camt.054.001.{version}.xsd")))


def _validate(document: etree._Element, version: str) -> None:
    schema = _schema(version)
    if schema.validate(document):
        return
    violations = Violations()
    for error in list(schema.error_log)[:_MAX_SCHEMA_ERRORS]:
        violations.add(f"line {error.line}", f"breaks the camt.054.001.{version} schema: {error.message}")
    violations.raise_if_any()


# Between the fields of one evaluation: private-use characters no bank writes (should a field hold them,
# the fields are evaluated one by one instead).
_SEPARATOR = "\ue000\ue001"
_TX_FIELDS = {
    "amount": "c:Amt",  # .03 on
    "currency": "c:Amt/@Ccy",
    "tx_amount": "c:AmtDtls/c:TxAmt/c:Amt",  # .02 (and later versions when Amt is left out)
    "tx_currency": "c:AmtDtls/c:TxAmt/c:Amt/@Ccy",
    "kid": "c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref",
    "reference": "c:Refs/c:AcctSvcrRef",
    "iban": "c:RltdPties/c:DbtrAcct/c:Id/c:IBAN",
    "bban": "c:RltdPties/c:DbtrAcct/c:Id/c:Othr/c:Id",
    "name": "c:RltdPties/c:Dbtr/c:Nm",  # .02: Dbtr is a party
    "party_name": "c:RltdPties/c:Dbtr/c:Pty/c:Nm",  # .08: a choice of party (Pty) or agent
}


@dataclass(frozen=True)
class _Amount:
    line: int
    money: Money


class _Reader:
    """Walks a schema-valid document; namespace-qualified paths are built from short ones ("A/B")."""

    def __init__(self, namespace: str) -> None:
        self._ns = namespace
        self._violations = Violations()
        self._steps: dict[str, tuple[str, ...]] = {}
        # A transaction's fields in one XPath evaluation, as strings ("" for absent), in _TX_FIELDS' order:
        # a tenth of the time of finding each element (lxml makes a Python object of every element found).
        self._tx_fields = etree.XPath(
            "concat(" + f", '{_SEPARATOR}', ".join(f"string({path})" for path in _TX_FIELDS.values()) + ")",
            namespaces={"c": namespace},
            smart_strings=False,
        )
        self._each_field = {
            name: etree.XPath(f"string({path})", namespaces={"c": namespace}, smart_strings=False)
            for name, path in _TX_FIELDS.items()
        }

    def _qualified(self, path: str) -> tuple[str, ...]:
        steps = self._steps.get(path)
        if steps is None:  # built once per path: a term's file asks for each some 135,000 times
            steps = self._steps[path] = tuple(f"{{{self._ns}}}{step}" for step in path.split("/"))
        return steps

    def _find(self, element: etree._Element, path: str) -> etree._Element | None:
        # Step by step over children in C (iterchildren): lxml's find() goes through its Python ElementPath,
        # 12 µs a call, 12 s for a term's file.
        found: etree._Element = element
        for step in self._qualified(path):
            child = next(found.iterchildren(step), None)
            if child is None:
                return None
            found = child
        return found

    def _all(self, element: etree._Element, path: str) -> list[etree._Element]:
        *parents, last = path.split("/")
        parent = self._find(element, "/".join(parents)) if parents else element
        return [] if parent is None else list(parent.iterchildren(self._qualified(last)[0]))

    def _text(self, element: etree._Element, *paths: str) -> str:
        """The stripped text of the first of paths that is present, else ""."""
        for path in paths:
            found = self._find(element, path)
            if found is not None and found.text and found.text.strip():
                return str(found.text).strip()
        return ""

    def read(self, document: etree._Element) -> PaymentFile:
        message = self._find(document, "BkToCstmrDbtCdtNtfctn")
        assert message is not None  # the schema requires it
        notifications = self._all(message, "Ntfctn")
        payments = [payment for notification in notifications for payment in self._notification(notification)]
        self._violations.raise_if_any()
        if not payments:
            raise InvalidInput.single("file", "holds no credited payments (no Ntry with CdtDbtInd CRDT)")
        return PaymentFile(
            format=PaymentFileFormat.CAMT_054,
            file_reference=self._text(message, "GrpHdr/MsgId"),
            created_on=_date(self._text(message, "GrpHdr/CreDtTm")),
            creditor_account=self._account(notifications[0], "Acct/Id"),
            payments=tuple(payments),
        )

    def _account(self, element: etree._Element, path: str) -> str:
        return self._text(element, f"{path}/IBAN", f"{path}/Othr/Id")

    def _notification(self, notification: etree._Element) -> list[IncomingPayment]:
        payments: list[IncomingPayment] = []
        credited: list[_Amount] = []
        for entry in self._all(notification, "Ntry"):
            if self._text(entry, "CdtDbtInd") != "CRDT":
                continue  # a debit (the bank's fee, a transfer out) is no incoming payment
            amount = self._amount(self._find(entry, "Amt"))
            if amount is not None:
                credited.append(amount)
            payments.extend(self._entry(entry, amount))
        summary = self._find(notification, "TxsSummry/TtlCdtNtries")
        if summary is not None:
            self._check_summary(summary, credited)
        return payments

    def _entry(self, entry: etree._Element, amount: _Amount | None) -> list[IncomingPayment]:
        where = f"line {entry.sourceline}"
        if self._text(entry, "RvslInd") in ("true", "1"):
            self._violations.add(
                where, "the entry is a reversal (RvslInd), not a payment: the file is refused"
            )
            return []
        paid_on_text = self._text(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm")
        if not paid_on_text:
            self._violations.add(where, "the credited entry has neither a booking date nor a value date")
            return []
        paid_on = _date(paid_on_text)
        entry_reference = self._text(entry, "AcctSvcrRef")
        payments: list[IncomingPayment] = []
        amounts: list[_Amount] = []
        details = self._all(entry, "NtryDtls")
        transactions = [tx for detail in details for tx in self._all(detail, "TxDtls")]
        if not transactions:
            self._violations.add(
                where, "the credited entry has no transaction details (NtryDtls/TxDtls): no KID to match by"
            )
            return []
        for detail in details:
            own = self._all(detail, "TxDtls")
            own_fields = [self._fields(transaction) for transaction in own]
            own_amounts = [
                self._transaction_amount(tx, fields) for tx, fields in zip(own, own_fields, strict=True)
            ]
            batch = self._find(detail, "Btch")
            if batch is not None:
                self._check_batch(batch, own_amounts)
            for transaction, fields, tx_amount in zip(own, own_fields, own_amounts, strict=True):
                if tx_amount is not None:
                    amounts.append(tx_amount)
                    payments.append(_payment(transaction, fields, tx_amount, paid_on, entry_reference))
        if amount is not None and len(amounts) == len(transactions):
            total = _sum(amounts)
            if total != amount.money:
                self._violations.add(
                    f"line {amount.line}",
                    f"the entry's amount is {amount.money.kroner()}; its transactions (TxDtls) sum to "
                    f"{total.kroner()}",
                )
        return payments

    def _fields(self, transaction: etree._Element) -> dict[str, str]:
        values = str(self._tx_fields(transaction)).split(_SEPARATOR)
        if len(values) != len(_TX_FIELDS):
            values = [str(field(transaction)) for field in self._each_field.values()]
        return {name: value.strip() for name, value in zip(_TX_FIELDS, values, strict=True)}

    def _transaction_amount(self, transaction: etree._Element, fields: dict[str, str]) -> _Amount | None:
        text, currency = fields["amount"], fields["currency"]
        if not text:
            text, currency = fields["tx_amount"], fields["tx_currency"]
        if text and currency == CURRENCY:
            try:
                money = Money.of(Decimal(text))
            except (InvalidOperation, ValueError):
                money = Money(0)
            if money.ore > 0:
                return _Amount(transaction.sourceline or 0, money)
        # Something is wrong with it: the element itself, for the fault and its line.
        node = self._find(transaction, "Amt")
        if node is None:
            node = self._find(transaction, "AmtDtls/TxAmt/Amt")
        if node is None:
            self._violations.add(
                f"line {transaction.sourceline}",
                "the transaction (TxDtls) has no amount (neither Amt nor AmtDtls/TxAmt/Amt)",
            )
            return None
        return self._amount(node)

    def _amount(self, node: etree._Element | None) -> _Amount | None:
        """An amount element (text and its Ccy attribute) in øre; NOK only, whole øre only."""
        assert node is not None  # the schema requires the entry's Amt; callers check the others
        where = f"line {node.sourceline}"
        currency = node.get("Ccy", "")
        if currency != CURRENCY:
            self._violations.add(
                where, f"the amount is in {currency or 'no currency'}; payments are in NOK only"
            )
            return None
        try:
            money = Money.of(Decimal((node.text or "").strip()))
        except (InvalidOperation, ValueError):
            self._violations.add(where, f"the amount {node.text!r} is not whole øre")
            return None
        if money.ore <= 0:
            self._violations.add(where, f"the amount {money.kroner()} is not a payment (not above zero)")
            return None
        return _Amount(node.sourceline or 0, money)

    def _check_batch(self, batch: etree._Element, own_amounts: list[_Amount | None]) -> None:
        where = f"line {batch.sourceline}"
        count = len(own_amounts)
        amounts = [amount for amount in own_amounts if amount is not None]
        stated_count = self._text(batch, "NbOfTxs")
        if stated_count and int(stated_count) != count:
            self._violations.add(
                where, f"the batch (Btch) gives {int(stated_count)} transactions; there are {count}"
            )
        total_node = self._find(batch, "TtlAmt")
        if total_node is not None and len(amounts) == count:
            stated = self._amount(total_node)
            if stated is not None and stated.money != _sum(amounts):
                self._violations.add(
                    where,
                    f"the batch (Btch) gives a total of {stated.money.kroner()}; its transactions sum to "
                    f"{_sum(amounts).kroner()}",
                )

    def _check_summary(self, summary: etree._Element, credited: list[_Amount]) -> None:
        where = f"line {summary.sourceline}"
        stated_count = self._text(summary, "NbOfNtries")
        if stated_count and int(stated_count) != len(credited):
            self._violations.add(
                where,
                f"the summary of credited entries (TtlCdtNtries) gives {int(stated_count)} entries; "
                f"there are {len(credited)}",
            )
        stated_sum = self._text(summary, "Sum")
        if stated_sum and Decimal(stated_sum) != _sum(credited).nok:
            self._violations.add(
                where,
                f"the summary of credited entries (TtlCdtNtries) gives a sum of {stated_sum}; the credited "
                f"entries sum to {_sum(credited).nok}",
            )


def _payment(
    transaction: etree._Element, fields: dict[str, str], amount: _Amount, paid_on: date, entry_reference: str
) -> IncomingPayment:
    return IncomingPayment(
        line=transaction.sourceline or 0,
        kid=fields["kid"],
        amount=amount.money,
        paid_on=paid_on,
        reference=fields["reference"] or entry_reference,
        payer_account=fields["iban"] or fields["bban"],
        payer_name=fields["name"] or fields["party_name"],
    )


def _sum(amounts: list[_Amount]) -> Money:
    return Money(sum(amount.money.ore for amount in amounts))


def _date(text: str) -> date:
    """An ISODate or the date of an ISODateTime (as written: a bank's local time is the business day)."""
    return datetime.fromisoformat(text[:10]).date() if len(text) >= 10 else date.fromisoformat(text)
