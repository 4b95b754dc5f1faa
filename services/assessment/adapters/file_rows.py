"""Reading tabular import files with line numbers, so that every bad row can be named."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from services.platform.errors import InvalidInput, Violations
from services.platform.money import Money

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


def decode_text(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput.single("content", f"not UTF-8 text (byte {exc.start})") from exc


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


def parse_decimal(text: str, decimal_comma: bool) -> Decimal:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if decimal_comma:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return number


def parse_nok(text: str, decimal_comma: bool) -> Money:
    number = parse_decimal(text, decimal_comma)
    if number < 0:
        raise ValueError("must not be negative")
    return Money.rounded(number)
