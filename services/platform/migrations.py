"""Alembic per service: each service keeps its migrations in services/<name>/adapters/migrations."""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, Engine, MetaData

from services.platform.db import normalise_url


def alembic_config(script_location: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    config.set_main_option("version_table", "alembic_version")
    return config


def upgrade_to_head(script_location: Path, url: str, engine: Engine | None = None) -> None:
    """Applies every pending migration (called at service start and by tests)."""
    config = alembic_config(script_location, url)
    if engine is not None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    else:
        command.upgrade(config, "head")


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py (online mode only: we always have a database)."""
    from services.platform.db import create_db_engine

    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(context.config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
    finally:
        engine.dispose()


def create_platform_tables(bind: Connection) -> None:
    """Used by each service's first migration: outbox, inbox and audit_log as defined in tables.py."""
    from services.platform.tables import PlatformTables

    PlatformTables().metadata.create_all(bind)


def drop_platform_tables(bind: Connection) -> None:
    from services.platform.tables import PlatformTables

    PlatformTables().metadata.drop_all(bind)
