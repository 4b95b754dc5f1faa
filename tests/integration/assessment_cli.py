"""The assessment service in-process for tests of the `propertytax` CLI against it (a real Kafka broker,
the database the test gives), and what the CLI said to a person once the service's log lines are set
apart from its output on the same stdout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from services.assessment.service import SPEC
from services.cli import main
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings

_LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")


@contextmanager
def serving_assessment(
    database_url: str,
    kafka_bootstrap: str,
    var_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ServiceRuntime]:
    """The service running, with an assessor's token and its address in the environment the CLI reads."""
    main(["token", "mint", "--role", "assessor"])  # before the service logs to the same stdout
    monkeypatch.setenv("PROPERTYTAX_TOKEN", capsys.readouterr().out.strip())
    runtime = build_runtime(
        SPEC, Settings(database_url=database_url, kafka_bootstrap=kafka_bootstrap, var_dir=var_dir)
    )
    runtime.start()
    try:
        monkeypatch.setenv("PROPERTYTAX_ASSESSMENT_TARGET", f"127.0.0.1:{runtime.server.port}")
        capsys.readouterr()
        yield runtime
    finally:
        runtime.stop()


def said_to_people(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """(stdout without the in-process service's log lines, stderr)."""
    captured = capsys.readouterr()
    out = "\n".join(line.rstrip() for line in captured.out.splitlines() if not _LOG_LINE.match(line))
    return out, captured.err
