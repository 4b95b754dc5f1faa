"""The register-property command against an in-memory unit of work (a fake, allowed in unit tests)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Self

import pytest

from services.assessment.application.get_property import get_property
from services.assessment.application.register_property import RegisterProperty, register_property
from services.assessment.domain.property import (
    CadastralId,
    Location,
    Property,
    PropertyCategory,
    PropertyRegistered,
)
from services.platform.errors import AlreadyExists, InvalidInput, NotFound

pytestmark = pytest.mark.unit


class FakeProperties:
    def __init__(self) -> None:
        self.items: dict[str, Property] = {}

    def add(self, prop: Property, registered_at: datetime) -> None:
        self.items[prop.property_id] = prop

    def get(self, property_id: str) -> Property | None:
        return self.items.get(property_id)

    def exists_cadastral(self, cadastral_id: CadastralId) -> bool:
        return any(p.cadastral_id == cadastral_id for p in self.items.values())


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.properties = FakeProperties()
        self.pending: list[object] = []
        self.events: list[object] = []
        self.commits = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:  # type: ignore[override]
        self.pending.clear()

    def record(self, event: object) -> str:
        self.pending.append(event)
        return "event-id"

    def commit(self) -> None:
        self.events.extend(self.pending)
        self.commits += 1

    def now(self) -> datetime:
        return datetime(2026, 1, 2, tzinfo=UTC)


def _command(**overrides: object) -> RegisterProperty:
    values: dict[str, object] = {
        "cadastral_id": "0301-208/1",
        "address": "Karl Johans gate 22",
        "category": PropertyCategory.HOUSING,
        "dwelling_units": 1,
        "location": Location(10.74, 59.91),
    }
    values.update(overrides)
    return RegisterProperty(**values)  # type: ignore[arg-type]


def test_registering_stores_the_property_and_records_one_event_in_the_same_commit() -> None:
    uow = FakeUnitOfWork()
    prop = register_property(uow, _command())
    assert str(prop.cadastral_id) == "0301-208/1/0/0"
    assert uow.commits == 1
    assert uow.events == [PropertyRegistered(prop)]
    assert get_property(uow, prop.property_id) == prop


def test_the_same_cadastral_id_twice_is_refused_and_records_nothing() -> None:
    uow = FakeUnitOfWork()
    register_property(uow, _command())
    with pytest.raises(AlreadyExists):
        register_property(uow, _command(cadastral_id="0301-208/1/0/0"))
    assert len(uow.events) == 1


def test_every_bad_field_is_named_at_once() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(InvalidInput) as caught:
        register_property(
            uow,
            _command(
                cadastral_id="208/1",
                address=" ",
                category=None,
                dwelling_units=-1,
                location=Location(200, 95),
            ),
        )
    fields = {v.field for v in caught.value.violations}
    assert fields == {"cadastral_id", "address", "category", "dwelling_units", "location.lon", "location.lat"}
    assert uow.events == [] and uow.commits == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0301-208/1/0/0", "0301-208/1/0/0"), ("4601-12/3/4/5", "4601-12/3/4/5"), ("0301-1/2", "0301-1/2/0/0")],
)
def test_cadastral_ids_parse(text: str, expected: str) -> None:
    assert str(CadastralId.parse(text)) == expected


@pytest.mark.parametrize(
    "text", ["", "0000-1/1", "0301-0/1", "0301-1/0", "301-1/1", "0301/1/1", "0301-1/1/1/1/1"]
)
def test_bad_cadastral_ids_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        CadastralId.parse(text)


def test_housing_needs_a_dwelling_unit_and_ids_must_be_uuids() -> None:
    with pytest.raises(InvalidInput, match="at least one dwelling unit"):
        register_property(FakeUnitOfWork(), _command(dwelling_units=0))
    with pytest.raises(InvalidInput):
        get_property(FakeUnitOfWork(), "not-a-uuid")
    with pytest.raises(NotFound):
        get_property(FakeUnitOfWork(), "3f2b8a2e-0000-4000-8000-000000000000")
