"""Starting a month's billing run over gRPC and from the command line while it runs (real broker; SQLite
and PostgreSQL): the same start returns the run, a start with another issue date is FAILED_PRECONDITION
naming the run and its date, and the CLI says so and exits 1 (refused by the service)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import grpc
import pytest

from propertytax.billing.v1 import billing_pb2
from services.billing.service import SPEC
from services.cli import main
from services.platform.auth import Role, TokenAuthority
from services.platform.runtime import ServiceRuntime
from services.platform.service_builder import build_runtime
from services.platform.settings import Settings
from tests.integration.billing_fixtures import Api, seed_recipients

pytestmark = pytest.mark.kafka
SECRET = "billing-start-test-secret-0123456789abcdef"


@pytest.fixture
def billing(database_url: str, kafka_bootstrap: str, tmp_path: Path) -> Iterator[ServiceRuntime]:
    settings = Settings(
        database_url=database_url,
        kafka_bootstrap=kafka_bootstrap,
        var_dir=tmp_path,
        auth_secret=SECRET,  # type: ignore[arg-type]
        billing_chunk_size=2,
        billing_chunk_pause_seconds=60,  # the run stays running while the test starts it again
    )
    # Without its Kafka consumer: other tests' events on the shared broker must not add recipients here.
    service = build_runtime(replace(SPEC, consumer=None), settings)
    service.start()
    seed_recipients(service)
    yield service
    service.stop()


def _start(api: Api, issue_date: str) -> billing_pb2.BillingRun:
    request = billing_pb2.StartBillingRunRequest(year=2024, month=5, issue_date=issue_date)
    run: billing_pb2.BillingRun = api.StartBillingRun(request).run
    return run


def test_a_start_with_another_issue_date_is_refused_over_grpc_and_in_the_cli(
    billing: ServiceRuntime, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = grpc.insecure_channel(f"127.0.0.1:{billing.server.port}")
    api = Api(channel, SECRET, Role.BILLING_OFFICER)
    run = _start(api, "2024-05-20")
    assert run.state == billing_pb2.BILLING_RUN_STATE_RUNNING

    again = _start(api, "2024-05-20")
    assert (again.run_id, again.issue_date, again.state) == (run.run_id, "2024-05-20", run.state)
    assert _start(api, "").run_id == run.run_id  # no date: the run's own
    with pytest.raises(grpc.RpcError) as refused:
        _start(api, "2024-05-21")
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    details = refused.value.details() or ""
    assert run.run_id in details and "2024-05-20" in details and "2024-05-21" in details
    stored = api.GetBillingRun(billing_pb2.GetBillingRunRequest(run_id=run.run_id)).run
    assert (stored.issue_date, stored.state) == ("2024-05-20", billing_pb2.BILLING_RUN_STATE_RUNNING)

    token = TokenAuthority(SECRET).mint("kari", [Role.BILLING_OFFICER])
    monkeypatch.setenv("PROPERTYTAX_TOKEN", token)
    monkeypatch.setenv("PROPERTYTAX_BILLING_TARGET", f"127.0.0.1:{billing.server.port}")
    capsys.readouterr()
    assert main(["billing", "run", "start", "2024", "5", "--issue-date", "2024-05-21"]) == 1
    said = capsys.readouterr().err
    assert said.startswith("error: the billing run for 2024-05 ") and said.count("\n") == 1
    assert run.run_id in said and "issue date 2024-05-20" in said
    channel.close()
