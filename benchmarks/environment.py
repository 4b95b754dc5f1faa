"""What every benchmark needs: a local broker and a throwaway PostgreSQL cluster, and a JSON report."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devstack.stack import Stack
from infra.postgres.cluster import ThrowawayCluster


@contextmanager
def local_servers() -> Iterator[tuple[Stack, ThrowawayCluster]]:
    work = Path(tempfile.mkdtemp(prefix="propertytax-bench-"))
    stack = Stack.isolated(work)
    cluster = ThrowawayCluster.start()
    try:
        stack.start_kafka()
        yield stack, cluster
    finally:
        stack.stop_kafka()
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


def write_report(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
