"""Creates the topics declared in infra/kafka/topics.toml that the broker does not have yet."""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError

TOPICS_FILE = Path(__file__).resolve().parents[2] / "infra" / "kafka" / "topics.toml"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int


def load_topics(path: Path = TOPICS_FILE) -> list[TopicSpec]:
    with path.open("rb") as handle:
        declared = tomllib.load(handle)["topic"]
    return [TopicSpec(t["name"], int(t["partitions"]), int(t["retention_ms"])) for t in declared]


def ensure_topics(bootstrap: str, specs: list[TopicSpec], timeout_seconds: float = 60.0) -> list[str]:
    """Creates the missing topics; returns the names it created."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="propertytax-topics")
            break
        except KafkaError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(
                name=s.name,
                num_partitions=s.partitions,
                replication_factor=1,
                topic_configs={"retention.ms": str(s.retention_ms)},
            )
            for s in specs
            if s.name not in existing
        ]
        if missing:
            admin.create_topics(missing)
        return [t.name for t in missing]
    finally:
        admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("topics_file", nargs="?", type=Path, default=TOPICS_FILE)
    args = parser.parse_args(argv)
    created = ensure_topics(args.bootstrap, load_topics(args.topics_file))
    sys.stdout.write(f"topics created: {', '.join(created) or 'none (all present)'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
