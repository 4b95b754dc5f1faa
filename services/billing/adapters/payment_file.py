"""A bank's payment file of either kind, recognised by its content (never by its name): OCR giro or camt.054.

Why by content: officers save bank files under whatever name the bank's portal gives them ("ocr.txt",
"123456.dat", "notification.xml"); the first bytes say reliably what a file is.
"""

from __future__ import annotations

from services.billing.adapters.camt054_file import NAMESPACE_PREFIX, is_camt054, namespace_of, read_camt054
from services.billing.adapters.ocr_giro_file import ENCODING, looks_like_ocr_giro, read_ocr_giro
from services.billing.domain.payments import PaymentFile
from services.platform.errors import InvalidInput

_UTF8_BOM = b"\xef\xbb\xbf"
CAMT054_NAMESPACE_PREFIX = NAMESPACE_PREFIX.encode("ascii")


def read_payment_file(content: bytes, file_name: str) -> PaymentFile:
    """The payments of a bank file: OCR giro (80-character ISO-8859-1 records starting "NY") or camt.054
    (XML in a urn:iso:std:iso:20022:tech:xsd:camt.054.* namespace), each reconciled against its own
    totals (adapters/ocr_giro_file.py, adapters/camt054_file.py).

    file_name is only for the message. Raises InvalidInput: field "file" when the content is neither
    format (empty, a PDF, another XML message, text of another layout), or the format's "line N"
    violations.
    """
    if not content.strip():
        raise InvalidInput.single("file", f"{file_name} is empty: no payment file")
    if content.removeprefix(_UTF8_BOM).lstrip().startswith(b"<"):
        # Broken XML naming the camt.054 namespace is a camt file with a fault: read it for the line.
        if is_camt054(content) or (namespace_of(content) is None and CAMT054_NAMESPACE_PREFIX in content):
            return read_camt054(content)
    elif looks_like_ocr_giro(content.decode(ENCODING)):
        return read_ocr_giro(content)
    raise InvalidInput.single(
        "file",
        f"{file_name} is neither an OCR giro file (80-character records starting 'NY') nor a camt.054 "
        "credit notification (ISO 20022 XML, namespace urn:iso:std:iso:20022:tech:xsd:camt.054.*)",
    )
