"""`propertytax admin dead-letters list|show|replay` against the real broker: an operator finds what a
consumer gave up on, reads it without seeing a national identity number, and replays it after the fix;
the consumer then handles the event once, and a second replay changes nothing."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kafka import KafkaProducer
from sqlalchemy.orm import Session

from propertytax.assessment.v1 import events_pb2 as assessment_events
from services.billing.adapters.orm import platform_tables as billing_tables
from services.billing.service import HANDLERS
from services.cli import main
from services.platform.events import ReceivedEvent, wrap
from services.platform.identity import is_valid_national_id
from services.platform.kafka_bus import make_consumer, make_producer
from services.platform.kafka_topics import ensure_topics, load_topics
from services.platform.messaging.consumer_loop import ConsumerLoop
from services.platform.messaging.dead_letters import DeadLetterWriter, dead_letter_topic
from services.platform.messaging.inbox_processor import EventHandler, EventProcessor, Outcome
from tests.integration.outbox_fixtures import Consumer, consumer_side, property_registered
from tests.kafka_helpers import read_topic

pytestmark = pytest.mark.kafka

PROPERTY_REGISTERED = assessment_events.PropertyRegistered.DESCRIPTOR.full_name
BILLING_DEAD_LETTERS = dead_letter_topic("billing")


def _national_id() -> str:
    """A synthetic fødselsnummer with valid check digits (what masking looks for)."""
    return next(c for i in range(100_000) if is_valid_national_id(c := f"010190{i:05d}"))


@pytest.fixture
def consumer(tmp_path: Path) -> Iterator[Consumer]:
    yield from consumer_side(f"sqlite:///{tmp_path / 'billing.db'}")


@pytest.fixture
def kafka(kafka_bootstrap: str) -> Iterator[KafkaProducer]:
    # The broker of a session may predate the per-service dead-letter topics: declare them.
    ensure_topics(kafka_bootstrap, [t for t in load_topics() if ".deadletter." in t.name])
    client = make_producer(kafka_bootstrap, "test-source")
    yield client
    client.close(timeout=5)


def _consume(
    consumer: Consumer,
    bootstrap: str,
    topic: str,
    name: str,
    handlers: dict[str, EventHandler],
    kafka: KafkaProducer,
    until: Callable[[EventProcessor], bool],
) -> EventProcessor:
    """Runs consumer `name` (group g-<name>) over the topic until `until(processor)`, at most 30 s."""
    processor = EventProcessor(
        consumer.sessions, billing_tables.inbox, name, handlers, DeadLetterWriter(kafka, BILLING_DEAD_LETTERS)
    )
    loop = ConsumerLoop(make_consumer(bootstrap, f"g-{name}", [topic]), processor)
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,))
    thread.start()
    deadline = time.monotonic() + 30
    try:
        while not until(processor) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    return processor


def _admin(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()  # what the consumers logged before
    code = main(["admin", "dead-letters", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_show_and_replay_a_dead_letter_and_a_second_replay_changes_nothing(
    consumer: Consumer,
    kafka: KafkaProducer,
    kafka_bootstrap: str,
    topic: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = f"billing-cli-{uuid.uuid4().hex[:8]}"
    fnr = _national_id()
    property_id, payload = property_registered(1)
    payload.property.address = f"c/o {fnr}, Gata 1"  # free text can hold anything
    envelope = wrap(payload, source="assessment", subject=property_id, occurred_at=datetime.now(UTC))
    kafka.send(topic, value=envelope.SerializeToString(), key=property_id.encode())
    kafka.flush()

    def refuse(_session: Session, _event: ReceivedEvent) -> None:
        raise ValueError(f"owner {fnr} is not known\nsecond line")  # the bug that is fixed below

    broken = _consume(
        consumer, kafka_bootstrap, topic, name, {PROPERTY_REGISTERED: refuse}, kafka,
        lambda p: p.counts.get(Outcome.DEAD_LETTERED, 0) >= 1,
    )  # fmt: skip
    assert broken.counts == {Outcome.DEAD_LETTERED: 1}
    bootstrap = ["--bootstrap", kafka_bootstrap]

    # Wide enough for every cell on one line, as in a wide terminal (a narrower one folds the cells).
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = _admin(capsys, "list", "--service", "billing", "--consumer", name, *bootstrap)
    assert code == 0
    header, rule, row = (line.rstrip() for line in out.splitlines())
    assert header.split()[:4] == ["Service", "Offset", "Written", "(UTC)"] and set(rule) == {"─"}
    offset = row.split()[1]
    for shown in (name, "assessment.v1.PropertyRegistered", envelope.event_id, f"{topic}[0]@0"):
        assert shown in row
    assert row.endswith("ValueError: owner *********** is not known")  # the first line, masked
    cells = re.split(r"\s{2,}", row.strip())
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", cells[2])
    code, out, _ = _admin(capsys, "list", *bootstrap)  # every service's
    assert code == 0 and cells in [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]
    code, out, _ = _admin(capsys, "list", "--service", "billing", "--consumer", name, "--json", *bootstrap)
    assert code == 0 and fnr not in out
    (listed,) = json.loads(out)
    assert (listed["service"], listed["offset"], listed["consumer"]) == ("billing", int(offset), name)
    assert listed["error"] == "ValueError: owner *********** is not known\nsecond line"  # whole, masked
    assert (listed["original_topic"], listed["original_partition"], listed["original_offset"]) == (
        topic,
        0,
        0,
    )
    code, out, _ = _admin(capsys, "list", "--consumer", f"nobody-{name}", *bootstrap)
    assert (code, out) == (0, "No dead letters.\n")
    code, out, _ = _admin(capsys, "list", "--consumer", f"nobody-{name}", "--json", *bootstrap)
    assert (code, json.loads(out)) == (0, [])

    code, out, _ = _admin(capsys, "show", "billing", offset, *bootstrap)
    assert code == 0
    assert fnr not in out
    for shown in (
        f"dlt.consumer: {name}",
        f"dlt.event_id: {envelope.event_id}",
        f"dlt.topic: {topic}",
        "dlt.first_failed_at: ",
        f"key: {property_id}",
        '"address": "c/o ***********, Gata 1"',
        f'"event_id": "{envelope.event_id}"',
    ):
        assert shown in out

    # The fix is deployed (billing's real handler); the operator replays the dead letter.
    code, out, _ = _admin(capsys, "replay", "billing", offset, *bootstrap)
    assert code == 0 and f"replayed offset {offset}" in out
    replayed = read_topic(kafka_bootstrap, topic, expected=2)[1]
    assert dict(replayed.headers)["dlt.replay_of"] == f"{BILLING_DEAD_LETTERS}:{offset}".encode()
    fixed = _consume(
        consumer, kafka_bootstrap, topic, name, HANDLERS, kafka, lambda p: sum(p.counts.values()) >= 1
    )
    assert fixed.counts == {Outcome.HANDLED: 1}  # the original was committed past when dead-lettered
    assert consumer.property_ids() == [property_id]

    code, _, _ = _admin(capsys, "replay", "billing", "--all", "--consumer", name, *bootstrap)
    assert code == 0
    again = _consume(
        consumer, kafka_bootstrap, topic, name, HANDLERS, kafka, lambda p: sum(p.counts.values()) >= 1
    )
    assert again.counts == {Outcome.DUPLICATE: 1}
    assert consumer.inbox_count() == 1
    assert consumer.property_ids() == [property_id]

    # Another consumer of the same topic reads the original once and ignores both replays (not its own).
    other = _consume(
        consumer, kafka_bootstrap, topic, f"other-{name}", HANDLERS, kafka,
        lambda p: sum(p.counts.values()) >= 3,
    )  # fmt: skip
    assert other.counts == {Outcome.HANDLED: 1, Outcome.IGNORED: 2}


def test_ordinary_mistakes_give_a_message_and_an_exit_code_not_a_traceback(
    kafka: KafkaProducer, kafka_bootstrap: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _admin(capsys, "show", "billing", "999999999", "--bootstrap", kafka_bootstrap)
    assert code == 2 and err.startswith("error: no dead letter at offset 999999999")
    code, _, err = _admin(capsys, "replay", "appeals", "999999999", "--bootstrap", kafka_bootstrap)
    assert code == 2 and "no dead letter at offset 999999999" in err
    code, _, err = _admin(capsys, "list", "--bootstrap", "127.0.0.1:1", "--timeout", "2")
    assert code == 1 and err.startswith("error: cannot reach or read Kafka at 127.0.0.1:1")
    with pytest.raises(SystemExit) as refused:
        main(["admin", "dead-letters", "list", "--service", "cadastre"])
    assert refused.value.code == 2 and "invalid choice: 'cadastre'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        main(["admin", "dead-letters", "replay", "billing"])  # neither an offset nor --all
    assert refused.value.code == 2
