"""`propertytax admin …`: operators' commands that talk to Kafka directly, not through a service.

    admin dead-letters list [--service S] [--consumer C] [--event-type T]   a table, oldest first
    admin dead-letters show SERVICE OFFSET     every header and the decoded envelope
    admin dead-letters replay SERVICE (OFFSET | --all [--consumer C] [--event-type T])

Exit codes: 0 done; 2 a mistake in what was asked (unknown service, no dead letter at that offset);
1 Kafka could not be reached or read. Nothing printed carries a national identity number.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf.json_format import MessageToDict
from kafka.errors import KafkaError

from services.cli.common import seconds_arg, whole
from services.platform.events import MalformedEvent, unwrap
from services.platform.identity import mask_national_ids
from services.platform.kafka_bus import make_producer
from services.platform.messaging.dead_letters import (
    DeadLetter,
    DeadLetterNotFound,
    DeadLetterReader,
    DeadLetterTopicMissing,
    dead_letter_topic,
    replay,
)
from services.platform.settings import Settings

# The services that consume events, each with a dead-letter topic (infra/kafka/topics.toml).
SERVICES = ("assessment", "billing", "appeals")
_ERROR_WIDTH = 70

OFFSET = whole(0, 2**63 - 1, "42")  # a Kafka offset


def _out(text: str) -> None:
    # Dead letters quote payloads and errors: mask once more on the way out, whatever they hold.
    sys.stdout.write(mask_national_ids(text))


def _guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Ordinary failures as one line on stderr and an exit code, never a traceback."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except DeadLetterNotFound as exc:
            sys.stderr.write(f"error: {exc}\n")
            return 2
        except DeadLetterTopicMissing as exc:
            sys.stderr.write(f"error: {exc} (is this the right --bootstrap?)\n")
            return 1
        except (KafkaError, TimeoutError, OSError) as exc:
            sys.stderr.write(f"error: cannot reach or read Kafka at {args.bootstrap}: {exc}\n")
            return 1

    return run


def _reader(args: argparse.Namespace, service: str) -> DeadLetterReader:
    return DeadLetterReader(args.bootstrap, dead_letter_topic(service), timeout_seconds=args.timeout)


def _selected(letters: list[DeadLetter], args: argparse.Namespace) -> list[DeadLetter]:
    return [
        letter
        for letter in letters
        if (not args.consumer or letter.consumer == args.consumer)
        and (not args.event_type or letter.event_type == args.event_type)
    ]


def _first_line(text: str, width: int) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _table(header: Sequence[str], rows: list[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last one is left ragged."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, str(row[-1])]).rstrip())
    return "\n".join(lines) + "\n"


def _written_at(letter: DeadLetter) -> str:
    return datetime.fromtimestamp(letter.timestamp_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


@_guarded
def cmd_list(args: argparse.Namespace) -> int:
    rows: list[Sequence[str]] = []
    for service in [args.service] if args.service else SERVICES:
        with _reader(args, service) as reader:
            letters = _selected(reader.read_all(), args)
        rows.extend(
            (
                service,
                str(letter.offset),
                _written_at(letter),
                letter.consumer,
                letter.event_type.removeprefix("propertytax.") or "-",
                letter.event_id or "-",
                f"{letter.original_topic}[{letter.original_partition}]@{letter.original_offset}",
                _first_line(letter.error, _ERROR_WIDTH),
            )
            for letter in letters
        )
    if not rows:
        _out("no dead letters\n")
        return 0
    header = ("SERVICE", "OFFSET", "WRITTEN", "CONSUMER", "EVENT TYPE", "EVENT ID", "ORIGINAL", "ERROR")
    _out(_table(header, rows))
    return 0


def _envelope_text(value: bytes) -> str:
    try:
        event = unwrap(value)
    except MalformedEvent as exc:
        return f"not a readable event envelope ({len(value)} bytes): {exc}\n"
    document = MessageToDict(event.envelope, preserving_proto_field_name=True)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@_guarded
def cmd_show(args: argparse.Namespace) -> int:
    with _reader(args, args.service) as reader:
        letter = reader.find(args.offset)
    lines = [f"dead letter {letter.topic} offset {letter.offset}, written {_written_at(letter)}", "headers:"]
    lines += [f"  {key}: {value.decode('utf-8', errors='replace')}" for key, value in letter.headers]
    key = letter.key.decode("utf-8", errors="replace") if letter.key is not None else "(none)"
    lines += [f"key: {key}", "envelope:"]
    _out("\n".join(lines) + "\n" + _envelope_text(letter.value))
    return 0


@_guarded
def cmd_replay(args: argparse.Namespace) -> int:
    with _reader(args, args.service) as reader:
        letters = _selected(reader.read_all(), args) if args.all else [reader.find(args.offset)]
    if not letters:
        _out("no dead letters to replay\n")
        return 0
    producer = make_producer(args.bootstrap, "propertytax-admin-replay")
    try:
        for letter in letters:
            replay(producer, letter, timeout_seconds=args.timeout)
            _out(
                f"replayed offset {letter.offset}: {letter.event_type or '(malformed)'} "
                f"{letter.event_id or '-'} to {letter.original_topic} for {letter.consumer}\n"
            )
    finally:
        producer.close(timeout=10)
    return 0


def _kafka_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bootstrap",
        help="Kafka host:port (default: $PROPERTYTAX_KAFKA_BOOTSTRAP or 127.0.0.1:9092)",
    )
    parser.add_argument("--timeout", type=seconds_arg, default=15.0, help="seconds to wait for Kafka")


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--consumer", help="only this consumer's dead letters")
    parser.add_argument(
        "--event-type", help="only this event type, e.g. propertytax.assessment.v1.PropertyRegistered"
    )


def _with_bootstrap(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        args.bootstrap = args.bootstrap or Settings().kafka_bootstrap
        return command(args)

    return run


def add_commands(admin: Any) -> None:
    dead = admin.add_parser(
        "dead-letters", help="records consumers gave up on: list, show, replay after a fix"
    ).add_subparsers(dest="dead_letters_action", required=True)

    listing = dead.add_parser("list", help="a table of dead letters, oldest first")
    listing.add_argument("--service", choices=SERVICES, help="one service's (default: all)")
    _filters(listing)
    _kafka_options(listing)
    listing.set_defaults(func=_with_bootstrap(cmd_list))

    show = dead.add_parser("show", help="one dead letter: every header and the decoded envelope")
    show.add_argument("service", choices=SERVICES)
    show.add_argument("offset", type=OFFSET, help="its offset on the service's dead-letter topic (see list)")
    _kafka_options(show)
    show.set_defaults(func=_with_bootstrap(cmd_show))

    again = dead.add_parser(
        "replay",
        help="publish dead letters to their original topic again, for the consumer that gave up "
        "(idempotent: its inbox drops what it has handled)",
    )
    again.add_argument("service", choices=SERVICES)
    which = again.add_mutually_exclusive_group(required=True)
    which.add_argument("offset", type=OFFSET, nargs="?", help="the dead letter's offset (see list)")
    which.add_argument("--all", action="store_true", help="every dead letter of the service (filters apply)")
    _filters(again)
    _kafka_options(again)
    again.set_defaults(func=_with_bootstrap(cmd_replay))
