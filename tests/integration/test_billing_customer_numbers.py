"""Customer numbers (kundenummer): one per invoice recipient, sequential, never changed, and the numbers
migration 0010 gives existing recipients are the same on every copy of the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert, select, text

from services.billing.adapters.account_repository import AccountRepository
from services.billing.adapters.orm import accounts
from services.billing.domain.account import Account, Channel, RecipientKind
from services.billing.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.migrations import alembic_config, upgrade_to_head


def _recipient(account_id: str, name: str) -> Account:
    return Account(account_id, RecipientKind.PERSON, name, "", "", "", "", Channel.PRINT)


def test_each_new_recipient_gets_the_next_number_and_keeps_it(database_url: str) -> None:
    upgrade_to_head(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    try:
        sessions = session_factory(engine)
        at = datetime(2024, 3, 1, 12, tzinfo=UTC)
        with sessions() as session:
            repository = AccountRepository(session)
            first = repository.add(_recipient("owner-b", "Kari Nordmann"), at)
            second = repository.add(_recipient("owner-a", "Ola Nordmann"), at)
            session.commit()
        assert (first, second) == (1, 2)
        with sessions() as session:
            repository = AccountRepository(session)
            kari = repository.get("owner-b")
            assert kari is not None and kari.customer_number == 1
            # A change of address or name leaves the number as it was, even if the object carried another.
            repository.save(replace(kari, name="Kari Nordmann-Hansen", city="Oslo", customer_number=99))
            third = repository.add(_recipient("owner-c", "Per Hansen"), at)
            session.commit()
        assert third == 3
        with sessions() as session:
            found = AccountRepository(session).get_many(["owner-a", "owner-b", "owner-c"])
        assert {a: found[a].customer_number for a in found} == {"owner-b": 1, "owner-a": 2, "owner-c": 3}
        assert found["owner-b"].name == "Kari Nordmann-Hansen"
    finally:
        engine.dispose()


def test_the_backfill_numbers_recipients_in_the_order_billing_created_them(database_url: str) -> None:
    config = alembic_config(SPEC.migrations_dir, database_url)
    engine = create_db_engine(database_url)
    # Created out of alphabetical order, two in the same instant (then account_id decides).
    existing = [
        ("owner-z", datetime(2024, 1, 5, tzinfo=UTC)),
        ("owner-m", datetime(2024, 1, 2, tzinfo=UTC)),
        ("owner-b", datetime(2024, 1, 9, tzinfo=UTC)),
        ("owner-a", datetime(2024, 1, 9, tzinfo=UTC)),
    ]
    try:
        numbers = []
        for _ in range(2):  # the same database numbered twice: the same numbers
            command.upgrade(config, "0009")
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM accounts"))
                for account_id, created in existing:
                    connection.execute(
                        insert(accounts).values(
                            account_id=account_id,
                            kind="person",
                            name=account_id,
                            organisation_number="",
                            address_line="",
                            postcode="",
                            city="",
                            channel="print",
                            created_at=created,
                        )
                    )
            command.upgrade(config, "0010")
            with engine.connect() as connection:
                numbers.append(
                    dict(connection.execute(select(accounts.c.account_id, accounts.c.customer_number)).all())
                )
            command.downgrade(config, "0009")
        assert numbers[0] == {"owner-m": 1, "owner-z": 2, "owner-a": 3, "owner-b": 4}
        assert numbers[1] == numbers[0]
        # The next recipient continues after the backfilled ones.
        command.upgrade(config, "head")
        with session_factory(engine)() as session:
            assert AccountRepository(session).add(_recipient("owner-new", "Ny"), datetime.now(UTC)) == 5
            session.commit()
    finally:
        engine.dispose()
