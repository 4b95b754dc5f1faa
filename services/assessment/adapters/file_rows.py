"""Reading tabular import files with line numbers, so that every bad row can be named.

Every file is bounded before it is read, so that no import can take the service's memory or time for
itself (issue 11): its size and number of rows per kind of import (FileLimits: generous for Oslo, the
largest municipality, and refused with the limit named), each row at most MAX_RECORD_CHARS and each cell
at most MAX_CELL_CHARS characters (named by line and column). The csv module's own limit (131,072
characters a cell, `_csv.Error`) is never reached.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from services.assessment.application.import_rows import MAX_REPORTED
from services.platform.errors import InvalidInput, Violations
from services.platform.numbers import Bounds, read_decimal


@dataclass(frozen=True)
class FileLimits:
    """The largest file of one kind of import: bytes and rows (the header not counted)."""

    kind: str
    max_bytes: int
    max_rows: int


MIB = 1024 * 1024
# Oslo's register of 240,000 properties is some 24 MiB of CSV: room for twice that.
PROPERTY_FILE = FileLimits("a property file", 64 * MIB, 500_000)
# One row per dwelling unit or property: Oslo has some 380,000 dwellings.
HOUSING_VALUES_FILE = FileLimits("a housing-values file", 64 * MIB, 1_000_000)
# A row per owner of each property: Oslo's 240,000 properties have some 400,000 owners.
OWNERS_FILE = FileLimits("an owners file", 64 * MIB, 1_000_000)
# Value zones: Oslo has 16 districts; detailed zone maps have a few thousand polygons.
ZONES_FILE = FileLimits("a zones file", 64 * MIB, 10_000)
MAX_CELL_CHARS = 1_000  # an address or a name is under 100
MAX_RECORD_CHARS = 32_768  # a row: a few dozen columns of at most MAX_CELL_CHARS


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


def check_size(content: bytes, limits: FileLimits) -> None:
    """InvalidInput naming the limit when `content` is larger than a file of its kind may be."""
    if len(content) > limits.max_bytes:
        raise InvalidInput.single(
            "content",
            f"the file has {len(content) / MIB:,.1f} MiB; {limits.kind} may have at most "
            f"{limits.max_bytes // MIB} MiB (split it, or import it in parts)",
        )


class _Lines:
    """The physical lines of a text for csv.reader, refusing a record (a row, which quoted cells may
    spread over several lines) longer than MAX_RECORD_CHARS before the csv module splits it."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text)
        self.consumed = 0  # physical lines handed out
        self.record_start = 1  # the line on which the current record began
        self._record: list[str] = []
        self._chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._lines.readline()
        if not line:
            raise StopIteration
        self.consumed += 1
        if not self._chars and not line.strip("\r\n"):  # a blank line between rows: csv skips it
            self.record_start = self.consumed + 1
            return line
        self._record.append(line)
        self._chars += len(line)
        if self._chars > MAX_RECORD_CHARS:
            raise _RecordTooLong("".join(self._record)[: MAX_RECORD_CHARS + 1])
        return line

    def record_done(self) -> None:
        self._record.clear()
        self._chars = 0
        self.record_start = self.consumed + 1


class _RecordTooLong(Exception):
    def __init__(self, start: str) -> None:
        super().__init__("record too long")
        self.start = start


def _too_long(refused: _RecordTooLong, line: int, delimiter: str, header: list[str]) -> InvalidInput:
    """The violation for a row over MAX_RECORD_CHARS: the column of its first over-long cell if any."""
    cells = next(csv.reader(io.StringIO(refused.start), delimiter=delimiter), [])
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL_CHARS:
            column = header[index] if index < len(header) else f"column {index + 1}"
            return InvalidInput.single(
                f"line {line}", f"{column}: is longer than {MAX_CELL_CHARS:,} characters"
            )
    return InvalidInput.single(
        f"line {line}", f"content: the row is longer than {MAX_RECORD_CHARS:,} characters"
    )


def csv_rows(
    content: bytes, required: set[str], limits: FileLimits = PROPERTY_FILE, *, errors: RowErrors
) -> tuple[str, Iterator[tuple[int, dict[str, str]]]]:
    """(delimiter, rows as (line number, {column: stripped value})); the header is line 1.

    The file, its rows and cells are bounded (`limits`, MAX_RECORD_CHARS, MAX_CELL_CHARS): a file over
    its limits is refused naming the limit. A row with an over-long cell is a row error like any other:
    named by line and column in `errors` (which lists the first and counts the rest) and not yielded, so
    that reading goes on."""
    check_size(content, limits)
    text = decode_text(content)
    first_line = text[: MAX_RECORD_CHARS + 1].split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    lines = _Lines(text)
    reader = csv.DictReader(lines, delimiter=delimiter)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except _RecordTooLong as refused:
        raise _too_long(refused, 1, delimiter, []) from None
    except csv.Error as exc:
        raise InvalidInput.single("line 1", f"content: not readable as CSV ({str(exc)[:60]})") from None
    lines.record_done()
    if not header:
        raise InvalidInput.single("content", "the file is empty; expected a header row")
    for index, name in enumerate(header):
        if len(name) > MAX_CELL_CHARS:
            raise InvalidInput.single(
                "line 1", f"column {index + 1}: is longer than {MAX_CELL_CHARS:,} characters"
            )
    missing = sorted(required - set(header))
    if missing:
        raise InvalidInput.single("line 1", f"missing columns: {', '.join(missing)}")
    reader.fieldnames = header

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        count = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except _RecordTooLong as refused:
                raise _too_long(refused, lines.record_start, delimiter, header) from None
            except csv.Error as exc:
                raise InvalidInput.single(
                    f"line {lines.record_start}", f"content: not readable as CSV ({str(exc)[:60]})"
                ) from None
            lines.record_done()
            count += 1
            if count > limits.max_rows:
                raise InvalidInput.single(
                    "content",
                    f"the file has more than {limits.max_rows:,} rows; {limits.kind} may have no more",
                )
            values = {k: (v or "").strip() for k, v in record.items() if k is not None}
            too_long = [column for column, value in values.items() if len(value) > MAX_CELL_CHARS]
            for column in too_long:
                errors.add(reader.line_num, column, f"is longer than {MAX_CELL_CHARS:,} characters")
            if any(values.values()) and not too_long:
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
