"""What every `propertytax` command shares: where the service is, the token, printing answers."""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Literal, overload

import grpc
from google.protobuf.json_format import MessageToDict

from services.client import Caller
from services.platform.grpc_status import field_violation_list
from services.platform.identity import mask_national_ids
from services.platform.money import Money
from services.platform.numbers import NOK, Bounds, bounds, read_decimal, read_int, read_nok

# Exit codes, as the README states them: 0 done; 1 refused by a service (any gRPC error: a refusal, a
# service away) or a job that ended FAILED; 2 a usage or input error found before calling (argparse, a file
# that cannot be read or written). Never a traceback for an ordinary mistake.
EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Input the command cannot use (a file missing, unreadable, not text): `main` prints its one line
    to stderr and exits EXIT_BAD_INPUT. Its message starts with the flag or argument it is about where it
    is about one ("--from 30.06.2024 is after --to …", "FILE avtale.txt: the file is empty")."""

    @property
    def violations(self) -> list[tuple[str, str]]:
        """(flag, what is wrong) when the message starts with the flag it is about; else none."""
        about = _FLAG_FIRST.fullmatch(str(self))
        return [(about.group(1), about.group(2))] if about else []


_FLAG_FIRST = re.compile(r"(--[a-z][a-z0-9-]*|[A-Z][A-Z_]+):? (.*)", re.DOTALL)


def _why(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a file"
    if isinstance(exc, NotADirectoryError):
        return "a part of the path is not a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__


@overload
def read_input(path: str | Path, flag: str, *, text: Literal[True]) -> str: ...
@overload
def read_input(path: str | Path, flag: str, *, text: Literal[False] = False) -> bytes: ...
def read_input(path: str | Path, flag: str, *, text: bool = False) -> bytes | str:
    """Every file the CLI reads: its bytes, or (`text`) its UTF-8 text ("-" reads stdin). Anything wrong
    (missing, a directory, unreadable, not UTF-8 text) is BadInput naming `flag` and the file."""
    shown = "stdin" if str(path) == "-" else str(path)
    try:
        content = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"{flag} {shown}: cannot read it: {_why(exc)}") from None
    if not text:
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{flag} {shown}: not UTF-8 text (byte {exc.start + 1} is 0x{content[exc.start]:02x}); "
            "give a YAML text file saved as UTF-8"
        ) from None


@contextlib.contextmanager
def open_output(path: str | Path, flag: str, *, text: bool = False) -> Iterator[IO[Any]]:
    """Every file the CLI writes, opened for writing (binary, or `text` as UTF-8 with newline=""), or
    stdout for "-". A path that cannot be written (missing directory, a directory, no permission) is
    BadInput naming `flag` and the file."""
    if str(path) == "-":
        stream: IO[Any] = sys.stdout if text else sys.stdout.buffer
        yield stream
        stream.flush()
        return
    try:
        # Opened here to name a path that cannot be written; closed by the `with` below.
        if text:
            handle: IO[Any] = Path(path).open("w", newline="", encoding="utf-8")  # noqa: SIM115
        else:
            handle = Path(path).open("wb")  # noqa: SIM115
    except OSError as exc:
        raise BadInput(f"{flag} {path}: cannot write it: {_why(exc)}") from None
    with handle:
        yield handle


def write_document(out: str, flag: str, content: bytes, file_name: str) -> str:
    """Writes a fetched document to `out` (a file, a directory to put `file_name` in, or "-" for stdout);
    returns where it went."""
    target: str | Path = out
    if out != "-" and Path(out).is_dir():
        target = Path(out) / file_name
    with open_output(target, flag) as handle:
        handle.write(content)
    return str(target)


DEFAULT_TARGETS = {
    "assessment": "127.0.0.1:50051",
    "billing": "127.0.0.1:50052",
    "appeals": "127.0.0.1:50053",
}


def print_json(message: Any) -> None:
    sys.stdout.write(
        json.dumps(MessageToDict(message, preserving_proto_field_name=True), indent=2, ensure_ascii=False)
        + "\n"
    )


# A refusal lists at most this many problems (an import with thousands of bad rows), then how many more.
MAX_PRINTED_PROBLEMS = 20
_MORE = re.compile(r"^… and (\d+) more")
_INDEXED = re.compile(r"^(.*?)\[(\d+)\](.*)$")
_LINE = re.compile(r"^line (\d+)$")
# The key of a command's flags naming the file it sent: the service's "line N" is that file's line, and a
# refusal of the whole file without a field ("transmission … was read on …") is said of it.
SENT_FILE = "<sent file>"


def shown_path(path: str) -> str:
    """A file argument as messages name it: the path typed, "stdin" for -."""
    return "stdin" if path == "-" else path


def sent_file_flags(path: str, *fields: str) -> dict[str, str]:
    """A file-sending command's extra flags: the request fields (besides "file") and the service's "line N"
    named by the path typed ("stdin" for -)."""
    shown = shown_path(path)
    return {"file": shown, SENT_FILE: shown, **dict.fromkeys(fields, shown)}


def flag_for(field: str, flags: dict[str, str]) -> str:
    """The command's flag for a request field: exact (facts.address → --address), or for the n-th of a
    repeated field its flag and which one (complainant.address_lines[1] → --address #2); else the field."""
    if field in flags:
        return flags[field]
    line = _LINE.match(field)
    if line and SENT_FILE in flags:  # "line 4" → "avtale.txt line 4"
        return f"{flags[SENT_FILE]} line {line.group(1)}"
    indexed = _INDEXED.match(field)
    if indexed:
        base = indexed.group(1) + indexed.group(3)
        if base in flags:
            return f"{flags[base]} #{int(indexed.group(2)) + 1}"
        if indexed.group(1) in flags:  # grounds[0].text → --ground #1
            return f"{flags[indexed.group(1)]} #{int(indexed.group(2)) + 1}"
    return field


_UNREACHABLE = {"UNAVAILABLE", "DEADLINE_EXCEEDED"}
_NEEDED_ROLE = re.compile(r"needs the role (\w+)")


# `--json` asks for the machine form of refusals too: main sets it once per command (errors_as_json).
_ERROR_FORM = {"json": False}


def errors_as_json(wanted: bool) -> None:
    """Whether refusals and input errors go to stderr as one JSON object (the command was given --json)
    instead of "error: …" lines: {"error": {"code", "message", "violations": [{"field", "description"}]}},
    the field named by the command's flag as in the text; stdout stays empty and the exit code the same."""
    _ERROR_FORM["json"] = wanted


def write_error(
    code: str, lines: list[str], violations: Sequence[tuple[object, str]] = (), *, as_json: bool | None = None
) -> None:
    """An error as the command was asked to speak (`as_json`, else as errors_as_json said): `lines` as
    text ("error: " before the first), or one JSON object with `code` (a gRPC status name, or BAD_INPUT for
    what was found before calling), the lines as its message and every violation (all of them, not only
    those the text lists)."""
    # What the user typed comes back in errors ("no meeting …", "PLAN_ID …"): never an identity number.
    lines = [mask_national_ids(str(line)) for line in lines]
    # A flag may name a file by its path (a Path): text here.
    violations = [(mask_national_ids(str(field)), mask_national_ids(str(text))) for field, text in violations]
    if not (_ERROR_FORM["json"] if as_json is None else as_json):
        sys.stderr.write("".join(f"{'error: ' if n == 0 else ''}{line}\n" for n, line in enumerate(lines)))
        return
    error = {
        "code": code,
        "message": "\n".join(line.strip() for line in lines),
        "violations": [{"field": field, "description": description} for field, description in violations],
    }
    sys.stderr.write(json.dumps({"error": error}, indent=2, ensure_ascii=False) + "\n")


def print_rpc_error(exc: grpc.RpcError, flags: dict[str, str] | None = None, note: str = "") -> int:
    """Writes a refusal to stderr once: with field violations, each named by the command's flag where it
    has one (new_value → --new-value-nok) — one violation on the "error:" line itself, several listed
    under it, the first MAX_PRINTED_PROBLEMS, then "… and N more problems" (counting those the service
    itself left unlisted); without, the service's sentence. A service that does not answer is said so.
    `note` ends the first line (" (--on was left out: …)"). In JSON when the command was given --json
    (errors_as_json). Returns EXIT_REFUSED."""
    flags = flags or {}
    code = exc.code().name  # type: ignore[attr-defined]
    details = exc.details() or code  # type: ignore[attr-defined]
    problems: list[tuple[str, str]] = []
    more = 0
    for field, description in field_violation_list(exc):
        said = _MORE.match(description)
        if said:
            more += int(said.group(1))
        else:
            problems.append((field, description))
    named = [(flag_for(field, flags), description) for field, description in problems]
    more += max(len(problems) - MAX_PRINTED_PROBLEMS, 0)
    shown = [f"{flag}: {description}" for flag, description in named]
    lines: list[str]
    if code == "PERMISSION_DENIED":
        needed = _NEEDED_ROLE.search(details)
        hint = f"propertytax token mint --role {needed.group(1)}" if needed else "propertytax token mint"
        lines = [f"your token does not allow this: {details} (a token for it: {hint})"]
    elif code == "UNAUTHENTICATED":
        lines = [
            f"the token was not accepted ({details}); mint one with "
            "`propertytax token mint --role ROLE` and set PROPERTYTAX_TOKEN or pass --token"
        ]
    elif code in _UNREACHABLE:
        lines = [f"the service does not answer ({details}); is it started (make up)?"]
    elif not shown:
        sent = f"{flags[SENT_FILE]}: " if SENT_FILE in flags else ""
        lines = [f"{sent}{details}"]
    elif len(shown) == 1 and not more:
        lines = [shown[0]]
    else:
        total = len(problems) + more - max(len(problems) - MAX_PRINTED_PROBLEMS, 0)
        lines = [f"refused, {total} problems:", *(f"  {line}" for line in shown[:MAX_PRINTED_PROBLEMS])]
    lines[0] += note
    if more:
        lines.append(f"  … and {more} more problems")
    write_error(code, lines, named)
    return EXIT_REFUSED


def naming_flags(
    flags: dict[str, str],
) -> Callable[[Callable[[argparse.Namespace], int]], Callable[[argparse.Namespace], int]]:
    """A command whose service refusals are printed once, naming its flags for the request's fields
    (levied_on → --on, plus any `args.extra_flags` the command set), and exit EXIT_REFUSED."""

    def wrap(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        @functools.wraps(command)
        def run(args: argparse.Namespace) -> int:
            try:
                return command(args)
            except grpc.RpcError as exc:
                return print_rpc_error(exc, {**flags, **getattr(args, "extra_flags", {})})

        return run

    return wrap


def every_page(caller: Caller, method: Any, request: Any, items: str, wanted: bool) -> tuple[list[Any], str]:
    """A paged list call: its first page, or (`wanted`, i.e. --all) every page followed by
    next_page_token; returns the items (the response's repeated field `items`) and the token of what is
    left ("" when nothing is)."""
    page = caller.call(method, request)
    found = list(getattr(page, items))
    while wanted and page.next_page_token:
        request.page_token = page.next_page_token
        page = caller.call(method, request)
        found.extend(getattr(page, items))
    return found, page.next_page_token


def more_hint(token: str) -> str | None:
    """What to type for the next page, or None when there is none."""
    return f"More: add --page-token {token} (or --all)." if token else None


# Who works with each service, for the hint when no token is given (README: roles).
_WORKS_WITH = {"assessment": "assessor", "billing": "billing_officer", "appeals": "secretariat"}


def caller_for(args: argparse.Namespace, service: str) -> Caller:
    target = (
        args.target or os.environ.get(f"PROPERTYTAX_{service.upper()}_TARGET") or DEFAULT_TARGETS[service]
    )
    token = args.token or os.environ.get("PROPERTYTAX_TOKEN")
    if not token:
        role = _WORKS_WITH.get(service, "reader")
        raise BadInput(
            "no token: pass --token or set PROPERTYTAX_TOKEN "
            f"(for local use: export PROPERTYTAX_TOKEN=$(propertytax token mint --role {role}))"
        )
    return Caller(target, token, timeout=args.timeout)


def add_remote_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="host:port of the service")
    parser.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    parser.add_argument("--timeout", type=seconds_arg, default=30.0, help="deadline in seconds")
    parser.add_argument(
        "--json", action="store_true", help="print the answer as JSON for scripts (money in øre, ISO dates)"
    )


def follow(
    job: Any, refresh: Callable[[Any], Any], running: Callable[[Any], bool], progress: Callable[[Any], str]
) -> Any:
    """Polls a job once a second while it runs, showing its progress on one line of stderr."""
    while running(job):
        sys.stderr.write(f"\r  {progress(job)}")
        time.sleep(1)
        job = refresh(job)
    sys.stderr.write("\n")
    return job


def kroner(text: str) -> Money:
    """An argparse type: an amount in kroner as people write it, "7500000", "7 500 000,50" or
    "7500000.50", up to 100 billion; anything else is a usage error naming the flag, never a traceback."""
    try:
        return read_nok(text, NOK)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"an amount in kroner: {exc}") from None


# What a flag that must be above 0 (a refund, a disputed amount) expects: NOK's own "from 0" would tell
# someone who typed -5 that 0 will do, and the service refuses 0 (it says why, so 0 still reaches it).
_ABOVE_ZERO = "an amount above 0 kr, at most 100 000 000 000 kr, with at most 2 decimals (e.g. 250,00)"


def positive_kroner(text: str) -> Money:
    """An argparse type like `kroner`, for a flag whose amount must be above 0: its message says so."""
    try:
        return read_nok(text, NOK)
    except ValueError as exc:
        reason = str(exc).replace(NOK.describe(), _ABOVE_ZERO)
        raise argparse.ArgumentTypeError(f"an amount in kroner: {reason}") from None


def decimal_text(limits: Bounds, what: str) -> Callable[[str], str]:
    """An argparse type for a number sent as text (e.g. a meter reading): checked here against `limits`,
    so that a bad one is named by its argument, and sent as plain decimal text."""

    def read(text: str) -> str:
        try:
            return str(read_decimal(text, limits))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{what}: {exc}") from None

    return read


def number_arg(limits: Bounds, what: str) -> Callable[[str], float]:
    """An argparse type for a number used as a float (a coordinate, a duration): read within `limits`, so
    that "nan", "inf", "1e400" and 29-digit numbers are usage errors naming the flag."""

    def read(text: str) -> float:
        try:
            return float(read_decimal(text, limits))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{what}: {exc}") from None

    return read


def whole(minimum: int, maximum: int, example: str) -> Callable[[str], int]:
    """An argparse type for a whole number from `minimum` to `maximum` (a year, a month, a page size)."""
    limits = bounds(minimum, maximum, 0, example)

    def read(text: str) -> int:
        try:
            return read_int(text, limits)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return read


year_arg = whole(1900, 2200, "2024")
month_arg = whole(1, 12, "5")
page_size_arg = whole(1, 1000, "50")  # left out: the service's default
document_number_arg = whole(1, 10**15, "1001")  # invoice numbers and the like
seconds_arg = number_arg(bounds("0.1", 86400, 3, "30"), "seconds")
hours_arg = number_arg(bounds("0.01", 8760, 2, "8"), "hours")
longitude_arg = number_arg(bounds(-180, 180, 9, "10,7522"), "longitude in degrees (WGS 84)")
latitude_arg = number_arg(bounds(-90, 90, 9, "59,9139"), "latitude in degrees (WGS 84)")
dwelling_units_arg = whole(0, 10_000, "1")
