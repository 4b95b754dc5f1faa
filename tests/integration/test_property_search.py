"""Case-insensitive search of Norwegian text finds the same properties on SQLite and PostgreSQL
(issue 10, case 11: SQLite's lower() is ASCII-only, so "Øvre" found nothing)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from services.assessment.adapters.repository import PropertyRepository
from services.assessment.domain.property import CadastralId, Property, PropertyCategory
from services.assessment.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import alembic_config, upgrade_to_head

ADDRESSES = {
    "0301-10/1/0/0": "Øvre Ærvei 6",
    "0301-10/2/0/0": "Åsveien 2",
    "0301-10/3/0/0": "Storgata 1",
    "0301-10/4/0/0": "Kjærlighetsstien 100%_",
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


def _register(engine: Engine, addresses: dict[str, str]) -> None:
    with session_factory(engine)() as session:
        PropertyRepository(session).add_many(
            [
                Property(pid, CadastralId.parse(pid), address, PropertyCategory.HOUSING, 1, None)
                for pid, address in addresses.items()
            ],
            datetime(2024, 1, 2, tzinfo=UTC),
        )
        session.commit()


def _found(engine: Engine, text: str) -> set[str]:
    with session_factory(engine)() as session:
        return {p.address for p in PropertyRepository(session).find(text, "", None, 0, 100)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("øvre", {"Øvre Ærvei 6"}),
        ("ØVRE", {"Øvre Ærvei 6"}),
        ("Øvre", {"Øvre Ærvei 6"}),
        ("ærvei", {"Øvre Ærvei 6"}),
        ("ÆRVEI 6", {"Øvre Ærvei 6"}),
        ("å", {"Åsveien 2"}),
        ("Å", {"Åsveien 2"}),
        (unicodedata.normalize("NFD", "Å"), {"Åsveien 2"}),  # A and a combining ring, as macOS types it
        ("KJÆR", {"Kjærlighetsstien 100%_"}),
        ("storgata", {"Storgata 1"}),
        ("0301-10/3", {"Storgata 1"}),  # the property id, as before
        ("%", {"Kjærlighetsstien 100%_"}),  # LIKE's wildcards are matched as themselves
        ("_", {"Kjærlighetsstien 100%_"}),
        ("ø", {"Øvre Ærvei 6"}),
        ("oslo", set()),
    ],
)
def test_norwegian_letters_are_found_whatever_their_case(
    engine: Engine, text: str, expected: set[str]
) -> None:
    _register(engine, ADDRESSES)
    assert _found(engine, text) == expected


def test_a_changed_address_is_found_by_its_new_name(engine: Engine) -> None:
    _register(engine, {"0301-10/1/0/0": "Storgata 1"})
    with session_factory(engine)() as session:
        repository = PropertyRepository(session)
        changed = repository.get("0301-10/1/0/0")
        assert changed is not None
        repository.replace_many([Property(**{**changed.__dict__, "address": "Ølbergveien 3"})])
        session.commit()
    assert _found(engine, "ØLBERG") == {"Ølbergveien 3"}
    assert _found(engine, "storgata") == set()


def test_the_migration_fills_the_search_text_of_properties_registered_before_it(database_url: str) -> None:
    config = alembic_config(SPEC.migrations_dir, database_url)
    before = ScriptDirectory.from_config(config).get_revision("0007").down_revision
    command.upgrade(config, str(before))
    engine = create_db_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO properties (property_id, cadastral_id, address, category, dwelling_units,"
                    " registered_at) VALUES (:id, :id, :address, 'housing', 1, :at)"
                ),
                [
                    {
                        "id": "0301-10/1/0/0",
                        "address": "Øvre Ærvei 6",
                        "at": datetime(2024, 1, 2, tzinfo=UTC),
                    },
                    {"id": "0301-10/2/0/0", "address": "Åsveien 2", "at": datetime(2024, 1, 2, tzinfo=UTC)},
                ],
            )
        command.upgrade(config, "head")
        assert _found(engine, "ØVRE") == {"Øvre Ærvei 6"}
        assert _found(engine, "å") == {"Åsveien 2"}
    finally:
        engine.dispose()
