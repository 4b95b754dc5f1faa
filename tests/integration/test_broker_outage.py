"""The broker goes away for a minute while assessment and appeals keep working (issue 9, item 2).

A broker of this module's own is stopped for OUTAGE_SECONDS and started again on the same data directory
and port. Meanwhile gRPC commands (register a property, record ownership changes, register and withdraw
complaints) keep succeeding, on SQLite and on PostgreSQL, and their events pile up in the outbox. When the
broker is back, every event arrives on its topic exactly once, each key's events in outbox order.

Faults this catches: a relay that keeps a database transaction open while Kafka does not answer (on
SQLite every writer then waits for the write lock and fails, "database is locked"; on PostgreSQL the
relay sits idle in a transaction), a relay that never recovers, loses or reorders events, or logs (and
so retries) every poll.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
import pytest
from kafka import KafkaConsumer
from kafka.structs import TopicPartition
from sqlalchemy import Engine, create_engine, func, select, text
from structlog.testing import capture_logs

from devstack.stack import Stack
from devstack.synthetic_register import synthetic_national_id
from propertytax.appeals.v1 import appeals_pb2, appeals_pb2_grpc
from propertytax.assessment.v1 import assessment_pb2, assessment_pb2_grpc, property_pb2
from services.appeals.service import SPEC as APPEALS
from services.assessment.service import SPEC as ASSESSMENT
from services.platform.auth import Role, TokenAuthority
from services.platform.db import normalise_url
from services.platform.events import unwrap
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import ServiceSpec, build_runtime
from services.platform.settings import Settings
from tests.integration.appeals_fixtures import envelope, feed, tax_base_determined

pytestmark = pytest.mark.kafka

OUTAGE_SECONDS = 60.0
# One round of commands this often during the outage.
ROUND_SECONDS = 3.0
# A gRPC command that takes longer than this during the outage has waited for a lock the relay held.
COMMAND_DEADLINE_SECONDS = 10.0
# On PostgreSQL no session of a service may stay in one transaction longer than this.
LONGEST_TRANSACTION_SECONDS = 5.0
SECRET = "broker-outage-test-secret-0123456789abcdef"
COMPLAINED = ("0301-501/1/0/0", "0301-502/1/0/0")  # properties appeals knows a tax base for


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A broker of this module's own: the tests stop and start it."""
    stack = Stack.isolated(tmp_path_factory.mktemp("outage-broker"))
    stack.start_kafka()
    try:
        yield stack
    finally:
        stack.stop_kafka()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "sqlite":
        return {s: f"sqlite:///{tmp_path / f'{s}.db'}" for s in ("assessment", "appeals")}
    from infra.postgres.cluster import create_database

    admin = str(request.getfixturevalue("postgres_admin_url"))
    return {s: create_database(admin) for s in ("assessment", "appeals")}


def _start(spec: ServiceSpec, url: str, broker: Stack, var_dir: Path) -> ServiceRuntime:
    settings = Settings(
        database_url=url,
        kafka_bootstrap=broker.kafka_bootstrap,
        var_dir=var_dir,
        auth_secret=SECRET,  # type: ignore[arg-type]
        shutdown_grace_seconds=2,
        relay_max_backoff_seconds=5,
    )
    # Without the consumer: this is about what the services publish.
    runtime = build_runtime(replace(spec, consumer=None), settings)
    runtime.start()
    return runtime


@pytest.fixture
def services(
    broker: Stack, database_urls: dict[str, str], tmp_path: Path
) -> Iterator[dict[str, ServiceRuntime]]:
    running: dict[str, ServiceRuntime] = {}
    try:
        for spec in (ASSESSMENT, APPEALS):
            running[spec.name] = _start(spec, database_urls[spec.name], broker, tmp_path)
        yield running
    finally:
        broker.start_kafka()  # started again if a failure left it stopped, so that the relays can drain
        for runtime in running.values():
            runtime.stop()


def _caller(runtime: ServiceRuntime, stub_type: Any, role: Role) -> Callable[[str, Any], Any]:
    stub = stub_type(grpc.insecure_channel(f"127.0.0.1:{runtime.server.port}"))
    token = TokenAuthority(SECRET).mint("outage-test", [role])

    def call(method: str, request: Any) -> Any:
        return getattr(stub, method)(
            request,
            metadata=(("authorization", f"Bearer {token}"),),
            timeout=COMMAND_DEADLINE_SECONDS,
        )

    return call


class Office:
    """The commands people keep giving while the broker is away."""

    def __init__(self, services: dict[str, ServiceRuntime]) -> None:
        self.assessment = _caller(
            services["assessment"], assessment_pb2_grpc.AssessmentServiceStub, Role.ASSESSOR
        )
        self.appeals = _caller(services["appeals"], appeals_pb2_grpc.AppealsServiceStub, Role.SECRETARIAT)
        self.rounds = 0
        self.owned: str | None = None  # the property whose ownership changes every round

    def one_round(self) -> None:
        self.rounds += 1
        n = self.rounds
        registered = self.assessment(
            "RegisterProperty",
            assessment_pb2.RegisterPropertyRequest(
                facts=assessment_pb2.PropertyFacts(
                    cadastral_id=f"0301-{100 + n}/1/0/0",
                    address=f"Utfallsveien {n}, 0150 Oslo",
                    category=property_pb2.PROPERTY_CATEGORY_HOUSING,
                    dwelling_units=1,
                )
            ),
        ).property.property_id
        self.owned = self.owned or registered
        self.assessment(
            "RecordOwnershipChange",
            assessment_pb2.RecordOwnershipChangeRequest(
                property_id=self.owned,
                effective_date=f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}",  # later every round
                owners=[
                    assessment_pb2.NewOwner(
                        kind=property_pb2.OWNER_KIND_PERSON,
                        identity_number=synthetic_national_id(n),
                        name=f"Eier {n}",
                        share_numerator=1,
                        share_denominator=1,
                    )
                ],
            ),
        )
        case_id = self.appeals(
            "RegisterAppeal",
            appeals_pb2.RegisterAppealRequest(
                property_id=COMPLAINED[n % 2],
                tax_year=2024,
                complainant=appeals_pb2.Complainant(
                    kind=appeals_pb2.COMPLAINANT_KIND_OWNER,
                    name=f"Klager {n}",
                    address_lines=["Storgata 1", "0155 Oslo"],
                ),
                received_on="2024-03-20",
                channel=appeals_pb2.COMPLAINT_CHANNEL_EMAIL,
                grounds=[appeals_pb2.Ground(kind=appeals_pb2.GROUND_KIND_AREA, text="80 m²")],
            ),
        ).case.case_id
        self.appeals(
            "WithdrawAppeal",
            appeals_pb2.WithdrawAppealRequest(case_id=case_id, reason="Trukket", withdrawn_on="2024-03-25"),
        )


def _outbox(runtime: ServiceRuntime, spec: ServiceSpec) -> list[Any]:
    outbox = spec.tables.outbox
    with runtime.engine.connect() as conn:
        return list(
            conn.execute(select(outbox.c.event_id, outbox.c.key, outbox.c.topic).order_by(outbox.c.id))
        )


def _unpublished(runtime: ServiceRuntime, spec: ServiceSpec) -> int:
    outbox = spec.tables.outbox
    with runtime.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            ).scalar_one()
        )


def _longest_transaction_seconds(engine: Engine) -> float:
    """PostgreSQL: how long the oldest open transaction of another session of this database has run."""
    with engine.connect() as conn:
        return float(
            conn.execute(
                text(
                    "SELECT coalesce(max(extract(epoch FROM now() - xact_start)), 0) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


def _reader(bootstrap: str, topic: str) -> tuple[KafkaConsumer, list[TopicPartition]]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        client_id=f"outage-reader-{uuid.uuid4().hex[:8]}",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    assert partitions, f"no partitions for {topic}"
    consumer.assign(partitions)
    return consumer, partitions


def _end_offsets(bootstrap: str, topic: str) -> dict[TopicPartition, int]:
    consumer, partitions = _reader(bootstrap, topic)
    try:
        return dict(consumer.end_offsets(partitions))
    finally:
        consumer.close()


def _records_since(bootstrap: str, topic: str, start: dict[TopicPartition, int]) -> list[Any]:
    """Every record from `start` to the end of each partition as it is now, partition by partition in
    offset order (no consumer group: nothing depends on the group coordinator after a restart)."""
    consumer, partitions = _reader(bootstrap, topic)
    try:
        end = consumer.end_offsets(partitions)
        for partition in partitions:
            consumer.seek(partition, start.get(partition, 0))
        records: list[Any] = []
        deadline = time.monotonic() + 60
        while any(consumer.position(p) < end[p] for p in partitions):
            assert time.monotonic() < deadline, f"could not read {topic} to its end"
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def test_commands_keep_working_while_the_broker_is_away_and_every_event_arrives_once_in_order(
    broker: Stack, services: dict[str, ServiceRuntime], database_urls: dict[str, str]
) -> None:
    specs = {"assessment": ASSESSMENT, "appeals": APPEALS}
    appeals = services["appeals"]
    appeals_office = _caller(appeals, appeals_pb2_grpc.AppealsServiceStub, Role.SECRETARIAT)
    appeals_office(
        "SetTaxYearCalendar",
        appeals_pb2.SetTaxYearCalendarRequest(
            calendar=appeals_pb2.TaxYearCalendar(tax_year=2024, list_announced_on="2024-02-26")
        ),
    )
    levied = datetime(2024, 2, 20, 9, 30, tzinfo=UTC)
    feed(appeals, *(envelope(tax_base_determined(p, 2024, 500_000_000), p, levied) for p in COMPLAINED))
    office = Office(services)
    topics = {"assessment": "propertytax.assessment.v1", "appeals": "propertytax.appeals.v1"}
    # The module's broker keeps the other variant's records: this test reads from here on.
    start = {name: _end_offsets(broker.kafka_bootstrap, topic) for name, topic in topics.items()}
    office.one_round()
    for name, runtime in services.items():
        _wait(lambda r=runtime, n=name: _unpublished(r, specs[n]) == 0, 30, f"{name} to publish")  # type: ignore[misc]
    postgres = {
        name: create_engine(normalise_url(url))
        for name, url in database_urls.items()
        if not url.startswith("sqlite")
    }

    with capture_logs() as logs:
        broker.stop_kafka()
        outage_ends = time.monotonic() + OUTAGE_SECONDS
        pending: dict[str, list[int]] = defaultdict(list)
        longest: dict[str, float] = defaultdict(float)
        while time.monotonic() < outage_ends:
            started = time.monotonic()
            office.one_round()  # raises if any command fails or takes too long
            for name, runtime in services.items():
                pending[name].append(_unpublished(runtime, specs[name]))
            for name, engine in postgres.items():
                longest[name] = max(longest[name], _longest_transaction_seconds(engine))
            time.sleep(max(0.0, ROUND_SECONDS - (time.monotonic() - started)))
        broker.start_kafka()
        for name, runtime in services.items():
            _wait(lambda r=runtime, n=name: _unpublished(r, specs[n]) == 0, 60, f"{name} to catch up")  # type: ignore[misc]
    for engine in postgres.values():
        engine.dispose()

    # The outbox grew while the broker was away (and nothing was lost meanwhile).
    for name in services:
        assert pending[name][-1] > pending[name][0] > 0, (name, pending[name])
        assert pending[name] == sorted(pending[name]), (name, pending[name])
    for name, seconds in longest.items():
        assert seconds < LONGEST_TRANSACTION_SECONDS, f"{name}: a transaction stayed open {seconds:.0f} s"
    # Said once that it cannot publish, and once that it publishes again: not every poll.
    events = [entry["event"] for entry in logs]
    assert 1 <= events.count("outbox relay cannot publish; events stay in the outbox and are retried") <= 4
    assert 1 <= events.count("outbox relay publishes again") <= 4

    for name, runtime in services.items():
        rows = _outbox(runtime, specs[name])
        assert {row.topic for row in rows} == {topics[name]}
        records = _records_since(broker.kafka_bootstrap, topics[name], start[name])
        published = [unwrap(r.value).event_id for r in records]
        # Exactly once, by event id.
        assert sorted(published) == sorted(row.event_id for row in rows), name
        # Per key, in the order of the outbox (a key's records are on one partition, in the order read).
        by_key: dict[str, list[str]] = defaultdict(list)
        for record in records:
            by_key[record.key.decode()].append(unwrap(record.value).event_id)
        expected: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            expected[row.key].append(row.event_id)
        assert by_key == expected, name
        assert max(len(ids) for ids in expected.values()) > 1  # some key really had several events
