import uuid
from datetime import UTC, datetime

import pytest

from propertytax.assessment.v1 import events_pb2, property_pb2
from services.platform.events import (
    MalformedEvent,
    SharedEnvelopes,
    correlation_id_var,
    traceparent_var,
    unwrap,
    wrap,
)
from services.platform.identity import contains_national_id, is_valid_national_id
from services.platform.ids import new_id

pytestmark = pytest.mark.unit


def _payload() -> events_pb2.PropertyRegistered:
    return events_pb2.PropertyRegistered(
        property=property_pb2.Property(property_id="p-1", cadastral_id="0301-1/1/0/0")
    )


def test_wrap_fills_the_envelope_and_unwrap_restores_the_payload() -> None:
    correlation_id_var.set("corr-1")
    envelope = wrap(
        _payload(), source="assessment", subject="p-1", occurred_at=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert envelope.type == "propertytax.assessment.v1.PropertyRegistered"
    assert envelope.source == "assessment" and envelope.subject == "p-1"
    assert envelope.schema_version == 1 and envelope.correlation_id == "corr-1"
    assert len(envelope.event_id) == 36
    received = unwrap(envelope.SerializeToString())
    assert received.event_id == envelope.event_id
    assert received.payload == _payload()


def test_an_envelope_serialized_in_two_parts_parses_to_the_one_wrap_builds() -> None:
    moment = datetime(2026, 1, 1, 12, 30, tzinfo=UTC)
    envelopes = SharedEnvelopes("billing", moment)
    traceparent_var.set("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    first_id, first_type, first = envelopes.serialized(_payload(), "p-1", "corr-1")
    second_id, _, second = envelopes.serialized(_payload(), "p-2", "corr-2")  # another correlation id
    assert first_type == "propertytax.assessment.v1.PropertyRegistered" and first_id != second_id
    for event_id, subject, correlation_id, data in (
        (first_id, "p-1", "corr-1", first),
        (second_id, "p-2", "corr-2", second),
    ):
        built = wrap(
            _payload(), source="billing", subject=subject, occurred_at=moment, correlation_id=correlation_id
        )
        built.event_id = event_id
        received = unwrap(data)
        assert received.envelope == built and received.payload == _payload()
    traceparent_var.set("")


def test_garbage_is_a_malformed_event() -> None:
    with pytest.raises(MalformedEvent):
        unwrap(b"\xff\x00not protobuf at all")
    with pytest.raises(MalformedEvent, match="lacks"):
        unwrap(b"")


def test_unknown_payload_type_is_a_malformed_event() -> None:
    envelope = wrap(_payload(), source="assessment", subject="p-1", occurred_at=datetime.now(UTC))
    envelope.type = "propertytax.nothing.v1.Nope"
    with pytest.raises(MalformedEvent, match="unknown event type"):
        unwrap(envelope.SerializeToString())


def test_new_ids_are_version_4_uuids_as_text_and_differ() -> None:
    made = [new_id() for _ in range(2_000)]
    assert len(set(made)) == len(made)
    for text in made:
        found = uuid.UUID(text)
        assert (found.version, found.variant, str(found)) == (4, uuid.RFC_4122, text)


def test_an_id_that_would_read_as_a_national_identity_number_is_drawn_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    national = next(f"010190123{n:02d}" for n in range(100) if is_valid_national_id(f"010190123{n:02d}"))
    draws = iter([bytes(10) + bytes.fromhex("a" + national), bytes(range(16))])
    monkeypatch.setattr("services.platform.ids.os.urandom", lambda size: next(draws))
    made = new_id()
    assert made == str(uuid.UUID(bytes=bytes(range(16)), version=4))
    assert not contains_national_id(made)
    assert contains_national_id("00000000-0000-4000-8000-a" + national)  # what the first draw gave
