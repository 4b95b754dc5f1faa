"""`propertytax admin …`: operators' commands that talk to Kafka directly, not through a service.

    admin dead-letters list [--service S] [--consumer C] [--event-type T] [--json]   a table, oldest first
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
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from google.protobuf.json_format import MessageToDict
from kafka.errors import KafkaError

from services.cli.common import seconds_arg, whole
from services.cli.output import Column, show_table
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


def _written_at(letter: DeadLetter) -> datetime:
    return datetime.fromtimestamp(letter.timestamp_ms / 1000, UTC)


def _listed(service: str, letter: DeadLetter) -> dict[str, Any]:
    """One dead letter as the list shows it; every text masked, whatever the payload held."""
    return {
        "service": service,
        "offset": letter.offset,
        "written_at": _written_at(letter).isoformat(),
        "consumer": mask_national_ids(letter.consumer),
        "event_type": letter.event_type,
        "event_id": letter.event_id,
        "original_topic": letter.original_topic,
        "original_partition": letter.original_partition,
        "original_offset": letter.original_offset,
        "error": mask_national_ids(letter.error),
    }


_COLUMNS = (
    "Service",
    Column("Offset", numeric=True),
    "Written (UTC)",
    "Consumer",
    "Event type",
    "Event id",
    "Original",
    "Error",
)


def _row(item: dict[str, Any]) -> tuple[object, ...]:
    return (
        item["service"],
        item["offset"],
        datetime.fromisoformat(item["written_at"]).strftime("%d.%m.%Y %H:%M:%S"),
        item["consumer"],
        item["event_type"].removeprefix("propertytax.") or "–",
        item["event_id"] or "–",
        f"{item['original_topic']}[{item['original_partition']}]@{item['original_offset']}",
        _first_line(item["error"], _ERROR_WIDTH),
    )


@_guarded
def cmd_list(args: argparse.Namespace) -> int:
    """A table, oldest first per service (--json: a list of objects, the error whole)."""
    listed: list[dict[str, Any]] = []
    for service in [args.service] if args.service else SERVICES:
        with _reader(args, service) as reader:
            listed.extend(_listed(service, letter) for letter in _selected(reader.read_all(), args))
    show_table(args, listed, _COLUMNS, [_row(item) for item in listed], "No dead letters.")
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
    written = _written_at(letter).strftime("%d.%m.%Y %H:%M:%S UTC")
    lines = [f"dead letter {letter.topic} offset {letter.offset}, written {written}", "headers:"]
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
    listing.add_argument("--json", action="store_true", help="a JSON list for scripts (the error whole)")
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
