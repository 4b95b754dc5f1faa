"""The annual levy over an Oslo-sized register (240,000 properties) against PostgreSQL, events included.

python -m benchmarks.levy [--properties N] [--report reports/levy.json]

Measures, on a throwaway PostgreSQL cluster and a local broker:
- levy_seconds: from StartLevy until every property has its tax base and its TaxBaseDetermined event is
  committed to the outbox (the job's own transactions);
- levy_and_publish_seconds: until the relay (running meanwhile, as in the service) has also delivered
  every event to Kafka;
and, for context, how long the import of the register took.
"""

from __future__ import annotations

import argparse
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.environment import local_servers, write_report
from devstack.synthetic_register import OSLO_2024_DECISION, OSLO_ZONES, register_csv
from infra.postgres.cluster import create_database
from services.assessment.adapters.config_files import load_legal_limits, load_standard_rates
from services.assessment.adapters.orm import platform_tables
from services.assessment.adapters.property_files import read_properties_csv
from services.assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from services.assessment.adapters.zone_files import read_zones
from services.assessment.application.adopt_valuations import adopt_valuations
from services.assessment.application.config import AssessmentConfig
from services.assessment.application.import_properties import import_properties
from services.assessment.application.import_zones import import_zones
from services.assessment.application.levy import levy_chunk, start_levy
from services.assessment.application.set_decision import set_decision
from services.assessment.domain.levy import LevyJobState
from services.assessment.service import SPEC
from services.platform.db import create_db_engine, session_factory
from services.platform.kafka_bus import make_producer
from services.platform.messaging.outbox_relay import OutboxRelay
from services.platform.migrations import upgrade_to_head


def run(properties: int, chunk: int) -> dict[str, Any]:
    with local_servers() as (stack, cluster):
        url = create_database(cluster.admin_url)
        upgrade_to_head(SPEC.migrations_dir, url)
        engine = create_db_engine(url)
        sessions = session_factory(engine)

        def uow() -> SqlAssessmentUnitOfWork:
            return SqlAssessmentUnitOfWork(sessions)

        config = AssessmentConfig(load_legal_limits(), load_standard_rates())
        started = time.perf_counter()
        import_zones(uow(), read_zones(OSLO_ZONES.read_bytes()), config)
        rows = read_properties_csv(register_csv(properties))
        import_properties(uow(), rows, 2024, config)
        adopt_valuations(uow(), None, "benchmark")
        set_decision_result = set_decision(uow(), OSLO_2024_DECISION, config)
        import_seconds = time.perf_counter() - started

        # The registrations' events are not what is measured: publish them first.
        producer = make_producer(stack.kafka_bootstrap, "bench-relay")
        relay = OutboxRelay(engine, platform_tables.outbox, producer, batch_size=5000, poll_seconds=0.05)
        relay.drain()
        published_before = relay.published

        stop_relay = threading.Event()
        relay_thread = threading.Thread(target=relay.run, args=(stop_relay,))
        relay_thread.start()
        started = time.perf_counter()
        levied_on = date(2024, 2, 20)  # the levy's business date
        job = start_levy(uow(), 2024, config, levied_on, levied_on)
        decision = set_decision_result
        done = job
        while done.state == LevyJobState.RUNNING:
            done = levy_chunk(uow(), job.job_id, decision, config, chunk)
        levy_seconds = time.perf_counter() - started
        while relay.pending() > 0:
            time.sleep(0.05)
        levy_and_publish_seconds = time.perf_counter() - started
        stop_relay.set()
        relay_thread.join()
        producer.close(timeout=10)
        engine.dispose()
        assert done.state == LevyJobState.COMPLETED
        return {
            "benchmark": "levy",
            "database": "postgresql (throwaway cluster, fsync off)",
            "properties": properties,
            "chunk_size": chunk,
            "import_adopt_seconds": round(import_seconds, 2),
            "levy_seconds": round(levy_seconds, 2),
            "levy_and_publish_seconds": round(levy_and_publish_seconds, 2),
            "events_published": relay.published - published_before,
            "properties_per_second": round(properties / levy_seconds),
            "taxed": done.taxed,
            "exempt": done.exempt,
            "total_tax_nok": str(done.total_tax.nok),
            "goal_seconds": 60,
            "goal_met": levy_and_publish_seconds < 60,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--properties", type=int, default=240_000)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--report", type=Path, default=Path("reports/levy.json"))
    args = parser.parse_args(argv)
    report = run(args.properties, args.chunk)
    write_report(report, args.report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
