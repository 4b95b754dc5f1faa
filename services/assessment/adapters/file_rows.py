"""Reading tabular import files with line numbers, so that every bad row can be named."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal

from services.platform.errors import InvalidInput, Violations
from services.platform.numbers import Bounds, read_decimal

MAX_REPORTED = 200


class RowErrors:
    """Violations named by line (or feature) number; stops listing after MAX_REPORTED."""

    def __init__(self, unit: str = "line") -> None:
        self._problems = Violations()
        self.unit = unit
        self.total = 0

    def add(self, line: int, column: str, message: str) -> None:
        self.total += 1
        if self.total <= MAX_REPORTED:
            self._problems.add(f"{self.unit} {line}", f"{column}: {message}")

    def raise_if_any(self) -> None:
        if self.total > MAX_REPORTED:
            self._problems.add("content", f"… and {self.total - MAX_REPORTED} more errors")
        self._problems.raise_if_any()


EXCEL_HINT = "save it from Excel as “CSV UTF-8 (kommadelt)” (Lagre som → filtype) and import that file"
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _line_of(content: bytes, position: int) -> int:
    return content.count(b"\n", 0, position) + 1


def decode_text(content: bytes) -> str:
    """The text of an import file: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode
    text"), or Windows-1252, which Excel in Norway writes by default and which covers ISO-8859-1's
    letters. A file that is none of these, or mixes them, is refused naming its first bad line."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _readable(content.decode("utf-16"))
        except UnicodeDecodeError:
            raise InvalidInput.single("content", f"not readable UTF-16 text; {EXCEL_HINT}") from None
    try:
        return _readable(content.decode("utf-8-sig"))
    except UnicodeDecodeError as not_utf8:
        if _UTF8_SEQUENCE.search(content, 0, not_utf8.start):  # UTF-8 letters before the bad byte
            raise InvalidInput.single(
                f"line {_line_of(content, not_utf8.start)}",
                f"content: mixes UTF-8 with another encoding (byte {not_utf8.start}); {EXCEL_HINT}",
            ) from None
        try:
            return _readable(content.decode("cp1252"))
        except UnicodeDecodeError as exc:
            raise InvalidInput.single(
                f"line {_line_of(content, exc.start)}",
                f"content: neither UTF-8 nor Windows-1252 text (byte {exc.start}); {EXCEL_HINT}",
            ) from None


def _readable(text: str) -> str:
    """`text` unless it has control characters, as a spreadsheet (.xlsx) or UTF-16 file read as text has."""
    found = _CONTROL.search(text)
    if found is None:
        return text
    line = text.count("\n", 0, found.start()) + 1
    raise InvalidInput.single(
        f"line {line}",
        "content: has control characters, so it is not a CSV text file (an .xlsx workbook?); " + EXCEL_HINT,
    )


def csv_rows(content: bytes, required: set[str]) -> tuple[str, Iterator[tuple[int, dict[str, str]]]]:
    """(delimiter, rows as (line number, {column: stripped value})); the header is line 1."""
    text = decode_text(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise InvalidInput.single("content", "the file is empty; expected a header row")
    missing = sorted(required - set(header))
    if missing:
        raise InvalidInput.single("line 1", f"missing columns: {', '.join(missing)}")
    reader.fieldnames = header

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for record in reader:
            values = {k: (v or "").strip() for k, v in record.items() if k is not None}
            if any(values.values()):
                yield reader.line_num, values

    return delimiter, rows()


def read_number(
    values: dict[str, str], column: str, line: int, errors: RowErrors, limits: Bounds
) -> Decimal | None:
    """The number in `column`, None when the cell is empty or refused (then named in `errors`)."""
    text = str(values.get(column) or "").strip()
    if not text:
        return None
    try:
        return read_decimal(text, limits)
    except ValueError as exc:
        errors.add(line, column, str(exc))
        return None
