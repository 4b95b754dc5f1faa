"""one_of: a column among many values, on SQLite and PostgreSQL alike, whatever the text holds."""

from __future__ import annotations

import pytest
from sqlalchemy import BigInteger, Column, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session

from services.platform.db import create_db_engine, one_of

pytestmark = pytest.mark.integration

AWKWARD = ["plain", 'a "quoted" one', "back\\slash", "comma, brace {x}", "NULL", "", " spaced ", "ærøå ŋ"]


def test_one_of_finds_exactly_the_values_named(database_url: str) -> None:
    metadata = MetaData()
    things = Table("things", metadata, Column("name", String(40), primary_key=True), Column("n", BigInteger))
    engine = create_db_engine(database_url)
    metadata.create_all(engine)
    with Session(engine) as session:
        session.execute(
            insert(things), [{"name": name, "n": i} for i, name in enumerate([*AWKWARD, "other"])]
        )
        names = session.scalars(select(things.c.name).where(one_of(session, things.c.name, AWKWARD))).all()
        numbers = session.scalars(select(things.c.n).where(one_of(session, things.c.n, [0, 2, 99]))).all()
        nothing = session.scalars(select(things.c.n).where(one_of(session, things.c.n, []))).all()
    engine.dispose()
    assert sorted(names) == sorted(AWKWARD)
    assert (sorted(numbers), nothing) == ([0, 2], [])
