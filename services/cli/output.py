"""What people read from `propertytax`: records as aligned fields, lists as tables, amounts in kroner the
Norwegian way ("10 645,64 kr", zero "0,00 kr"), dates as dd.mm.yyyy, enum values as words; and, with
`--json`, the service's answer in machine form for scripts (every field, zeros included).

Every command shows its answer through `show_record` or `show_table`, so the two forms never disagree on
what was answered; progress of long jobs goes to stderr through `job_progress`."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from services.platform.money import Money

# Output that is not a terminal (a pipe, a file, a test) is never cut to 80 columns nor coloured.
_PIPE_WIDTH = 200
_OSLO = ZoneInfo("Europe/Oslo")


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich's own answer exits 1 ("refused") from wherever it is; the CLI's main ends a closed pipe
        # once for every kind of output, quietly and with the shell's code for it.
        self.quiet = True
        raise BrokenPipeError


def console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty()
    return _Console(
        file=stream,
        width=None if terminal else int(os.environ.get("COLUMNS", _PIPE_WIDTH)),
        no_color=not terminal or "NO_COLOR" in os.environ,
        force_terminal=False if not terminal else None,
        highlight=False,
        soft_wrap=not terminal,
        emoji=False,
        markup=False,
    )


def wants_json(args: argparse.Namespace) -> bool:
    """Whether the user asked for the machine form (`--json`, which every remote command has through
    common.add_remote_options)."""
    return bool(getattr(args, "json", False))


# ---- values as people read them --------------------------------------------------------------------


def nok(amount: Money | int | Message | None) -> str:
    """An amount as Norwegian letters write it: "10 645,64 kr", "0,00 kr", "-1 250,00 kr".
    `amount` is Money, whole øre, or a propertytax.platform.v1.Money message; None (not given) is "–"."""
    if amount is None:
        return "–"
    if isinstance(amount, Money):
        return amount.kroner()
    if isinstance(amount, int):
        return Money(amount).kroner()
    return Money(int(amount.ore)).kroner()  # type: ignore[attr-defined]


def day(value: str | date | datetime | None) -> str:
    """A date as dd.mm.yyyy: from a date, a datetime (its date) or ISO text ("2024-04-05" or an RFC 3339
    instant); empty or None is "–", text that is not a date is shown as it is."""
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    try:
        return date.fromisoformat(value[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return value


def moment(value: str | datetime | None) -> str:
    """A moment as Oslo's clock shows it, "20.06.2024 14:05": from a datetime or RFC 3339 text; empty or
    None is "–", text that is not a moment is shown as it is."""
    if value is None or value == "":
        return "–"
    try:
        at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except ValueError:
        return str(value)
    if at.tzinfo is not None:
        at = at.astimezone(_OSLO)
    return at.strftime("%d.%m.%Y %H:%M")


def number(value: str | int | float | Decimal | None, decimals: int | None = None) -> str:
    """A number with a decimal comma and spaces between thousands: "132,5", "7 500 000", "1,15";
    `decimals` fixes how many are shown. None or empty is "–"."""
    if value is None or value == "":
        return "–"
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{exact:.{decimals}f}" if decimals is not None else f"{exact.normalize():f}"
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    grouped = " ".join(groups) or "0"
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def word(value: str | int, prefix: str = "", enum: Any = None) -> str:
    """An enum value as a word: "PROPERTY_CATEGORY_HOLIDAY_HOME" (or its number with `enum`) → "holiday
    home"; the unspecified value is "–"."""
    name = enum.Name(value) if enum is not None and isinstance(value, int) else str(value)
    if prefix and name.startswith(prefix):
        name = name[len(prefix) :]
    if name in ("", "UNSPECIFIED") or name.endswith("_UNSPECIFIED"):
        return "–"
    return name.lower().replace("_", " ")


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 property", "2 properties", "12 000 properties"."""
    return f"{number(n)} {singular if n == 1 else (plural or singular + 's')}"


# ---- the two forms of an answer -----------------------------------------------------------------------


def machine_form(message: Message | dict[str, Any] | list[Any]) -> Any:
    """The JSON form of an answer: every field, zeros and empty lists included, proto field names, money
    as {"ore": 123456, "nok": "1234.56"} (øre a JSON number, so scripts add exactly)."""
    data = (
        MessageToDict(message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True)
        if isinstance(message, Message)
        else message
    )
    return _with_money(data)


def _with_money(node: Any) -> Any:
    if isinstance(node, dict):
        if set(node) == {"ore"}:
            ore = int(node["ore"])
            return {"ore": ore, "nok": f"{Money(ore).nok:.2f}"}
        return {key: _with_money(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_money(item) for item in node]
    return node


def emit_json(message: Message | dict[str, Any] | list[Any]) -> None:
    sys.stdout.write(json.dumps(machine_form(message), indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class Column:
    """A table column: its heading and whether its values are numbers (right-aligned)."""

    heading: str
    numeric: bool = False


def show_record(
    args: argparse.Namespace,
    answer: Message | dict[str, Any],
    fields: Sequence[tuple[str, object]],
    title: str | None = None,
) -> None:
    """One record: with --json the answer's machine form; else `fields` (label, value already formatted)
    as aligned "label  value" lines, under `title` when given. A value that is a list is one line each."""
    if wants_json(args):
        emit_json(answer)
        return
    out = console()
    if title:
        out.print(title)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for label, value in fields:
        if isinstance(value, list | tuple):
            shown = "\n".join(str(item) for item in value) if value else "–"
        else:
            shown = "–" if value is None or value == "" else str(value)
        grid.add_row(label, shown)
    _print_trimmed(out, grid)


def show_table(
    args: argparse.Namespace,
    answer: Message | dict[str, Any] | list[Any],
    columns: Sequence[Column | str],
    rows: Sequence[Sequence[object]],
    empty: str,
    title: str | None = None,
    footer: str | None = None,
) -> None:
    """A list: with --json the answer's machine form; else a table of `rows` (values already formatted)
    under `columns`, or the sentence `empty` ("No invoices match.") when there are none, then `footer`."""
    if wants_json(args):
        emit_json(answer)
        return
    out = console()
    if not rows:
        out.print(empty)
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, show_edge=False)
    for column in columns:
        spec = column if isinstance(column, Column) else Column(column)
        table.add_column(spec.heading, justify="right" if spec.numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*("–" if cell is None or cell == "" else str(cell) for cell in row))
    _print_trimmed(out, table)
    if footer:
        out.print(footer)


def _print_trimmed(out: Console, renderable: Table) -> None:
    """Prints a table; off a terminal without the spaces rich pads each line with, so that files and
    pipes hold no trailing blanks."""
    if out.is_terminal:
        out.print(renderable)
        return
    with out.capture() as captured:
        out.print(renderable)
    out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def say(text: str) -> None:
    """A sentence for a person on stdout (a summary, "Nothing to do."); --json commands print JSON instead."""
    console().print(text)


def say_or_json(args: argparse.Namespace, answer: Message, sentence: Callable[[Any], str]) -> int:
    """A command whose answer a person reads as one sentence (`sentence(answer)`): with --json the
    answer's machine form instead. Exit 0."""
    if wants_json(args):
        emit_json(answer)
    else:
        say(sentence(answer))
    return 0


# ---- long jobs ------------------------------------------------------------------------------------------


class JobProgress:
    """A progress bar on stderr: counts, rate and time left. On a terminal it redraws; otherwise (a log,
    a pipe) it writes nothing until `done`, so files stay free of control characters."""

    def __init__(self, description: str, unit: str) -> None:
        self._out = console(stderr=True)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=self._out,
            transient=True,
            disable=not self._out.is_terminal,
        )
        self._task = self._bar.add_task(description, total=None, unit=unit, rate="")
        self._started = datetime.now()

    def update(self, completed: int, total: int | None) -> None:
        seconds = (datetime.now() - self._started).total_seconds()
        rate = f"{completed / seconds:,.0f}/s".replace(",", " ") if seconds >= 1 and completed else ""
        self._bar.update(self._task, completed=completed, total=total or None, rate=rate)

    def __enter__(self) -> JobProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()


@contextlib.contextmanager
def job_progress(description: str, unit: str) -> Iterator[JobProgress]:
    """`with job_progress("Levy 2024", "properties") as bar: bar.update(done, total)`."""
    with JobProgress(description, unit) as bar:
        yield bar
