"""The consumer's bookkeeping without a broker: which offsets may be committed and where to start again
after a failure, which failures count as transient, how long to wait between tries."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from kafka.errors import KafkaTimeoutError, MessageSizeTooLargeError, NotLeaderForPartitionError
from kafka.structs import TopicPartition
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from services.platform.errors import DomainError
from services.platform.messaging.consumer_loop import PollProgress
from services.platform.messaging.failures import Backoff, is_transient

pytestmark = pytest.mark.unit

A = TopicPartition("t", 0)
B = TopicPartition("t", 1)


@dataclass(frozen=True)
class _Record:
    topic: str
    partition: int
    offset: int


def _poll() -> PollProgress:
    # Offsets with gaps, as transaction markers leave them.
    return PollProgress(
        {
            A: [_Record("t", 0, o) for o in (10, 11, 13, 14)],
            B: [_Record("t", 1, o) for o in (5, 6)],
        }
    )


def test_a_poll_done_in_full_commits_after_the_last_record_of_each_partition() -> None:
    progress = _poll()
    for record in progress.records:
        progress.mark_done(record)
    assert progress.commit_points() == {A: 15, B: 7}
    assert progress.restart_points() == {}


def test_only_the_done_prefix_is_committed_and_each_partition_restarts_at_its_first_open_record() -> None:
    progress = _poll()
    # Done out of order, as a batch transaction and then the records beside it report them.
    for record in progress.records:
        if (record.partition, record.offset) in {(0, 14), (0, 10), (0, 11), (1, 6)}:
            progress.mark_done(record)
    assert progress.commit_points() == {A: 12}  # 13 is open; 14 waits behind it. B's 5 is open.
    assert progress.restart_points() == {A: 13, B: 5}


def test_an_empty_poll_commits_nothing() -> None:
    progress = PollProgress({})
    assert (progress.records, progress.commit_points(), progress.restart_points()) == ([], {}, {})


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, Exception("database is locked")),
        InterfaceError("SELECT 1", {}, Exception("connection closed"), connection_invalidated=True),
        PoolTimeoutError("QueuePool limit reached"),
        TimeoutError("read timed out"),
        ConnectionResetError("reset by peer"),
        KafkaTimeoutError("no ack"),
        NotLeaderForPartitionError(),
    ],
)
def test_failures_of_the_world_are_transient(error: Exception) -> None:
    assert is_transient(error)


def test_a_transient_cause_makes_a_wrapped_error_transient() -> None:
    try:
        try:
            raise TimeoutError("slow database")
        except TimeoutError as cause:
            raise RuntimeError("while recording the property") from cause
    except RuntimeError as wrapped:
        assert is_transient(wrapped)


@pytest.mark.parametrize(
    "error",
    [
        KeyError("property_id"),
        TypeError("bad deploy"),
        ValueError("refused"),
        DomainError("rule broken"),
        IntegrityError("INSERT", {}, Exception("duplicate key")),
        InterfaceError("SELECT 1", {}, Exception("bad parameter")),  # connection still fine
        MessageSizeTooLargeError(),
    ],
)
def test_failures_of_the_record_or_the_code_are_not_transient(error: Exception) -> None:
    assert not is_transient(error)


def test_back_off_doubles_up_to_its_cap_and_starts_over_when_reset() -> None:
    backoff = Backoff(first=0.5, cap=3.0)
    assert [backoff.next_delay() for _ in range(6)] == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    for _ in range(5000):  # a long outage never overflows
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 0.5
