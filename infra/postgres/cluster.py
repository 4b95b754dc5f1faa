"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp dir, a free port, gone after.

Run as root (as on these machines) it runs the server as the `postgres` user, which initdb requires.
Set PROPERTYTAX_TEST_POSTGRES_URL to use a real server instead (databases are created on it).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from infra.ports import free_ports


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed; run infra/postgres/ensure.sh")
    return Path(found[-1])


def _as_postgres_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class ThrowawayCluster:
    directory: Path
    port: int

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls) -> ThrowawayCluster:
        bin_dir = _bin_dir()
        directory = Path(tempfile.mkdtemp(prefix="propertytax-pg-"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        data = directory / "data"
        subprocess.run(
            _as_postgres_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        port = free_ports(1)
        # Durability is not what these tests are about: fsync off makes them several times faster.
        options = (
            f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_postgres_user(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(directory / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        return cls(directory=directory, port=port)

    def stop(self) -> None:
        subprocess.run(
            _as_postgres_user(
                [str(_bin_dir() / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "fast", "stop"]
            ),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


def create_database(admin_url: str, name: str | None = None) -> str:
    """Creates an empty database on the server and returns its URL."""
    import sqlalchemy as sa

    name = name or f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return str(sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False))


if __name__ == "__main__":
    import sys
    import time

    cluster = ThrowawayCluster.start()
    sys.stdout.write(f"{cluster.admin_url}\n(Ctrl-C stops and removes it)\n")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        cluster.stop()
