"""Runs the whole system locally: the Kafka broker and the three services as processes.

Used by `python -m devstack` (`make up`, `make down`, `make demo`), the tests' broker and the e2e tests.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from infra.ports import free_ports

REPO = Path(__file__).resolve().parents[1]
KAFKA_DIR = REPO / "infra" / "kafka"
SERVICES = ("assessment", "billing", "appeals")
DEFAULT_PORTS = {"kafka": 9092, "assessment": 50051, "billing": 50052, "appeals": 50053}


def free_port() -> int:
    return free_ports(1)


@dataclass
class Stack:
    """One running (or to-be-running) system under var_dir."""

    var_dir: Path
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))
    database_urls: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def isolated(cls, var_dir: Path, **kwargs: object) -> Stack:
        """A stack on free ports, so that it never meets another one on this machine."""
        kafka = free_ports(2)  # the broker's port and its controller's, the next one up
        ports = {"kafka": kafka, **{name: free_port() for name in SERVICES}}
        return cls(var_dir=var_dir, ports=ports, **kwargs)  # type: ignore[arg-type]

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.ports['kafka']}"

    def target(self, service: str) -> str:
        return f"127.0.0.1:{self.ports[service]}"

    def _kafka_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_PORT": str(self.ports["kafka"]),
            "KAFKA_DATA_DIR": str(self.var_dir / "kafka"),
            "PYTHON": sys.executable,
        }

    def start_kafka(self) -> None:
        subprocess.run([str(KAFKA_DIR / "start.sh")], env=self._kafka_env(), check=True)

    def stop_kafka(self) -> None:
        subprocess.run([str(KAFKA_DIR / "stop.sh")], env=self._kafka_env(), check=False)

    def service_env(self, service: str) -> dict[str, str]:
        env = {
            **os.environ,
            **self.extra_env,
            "PROPERTYTAX_VAR_DIR": str(self.var_dir),
            "PROPERTYTAX_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "PROPERTYTAX_GRPC_PORT": str(self.ports[service]),
        }
        if service in self.database_urls:
            env["PROPERTYTAX_DATABASE_URL"] = self.database_urls[service]
        else:
            env.pop("PROPERTYTAX_DATABASE_URL", None)
        return env

    def _pid_file(self, service: str) -> Path:
        return self.var_dir / "run" / f"{service}.pid"

    def log_file(self, service: str) -> Path:
        return self.var_dir / "logs" / f"{service}.log"

    def start_service(self, service: str) -> subprocess.Popen[bytes]:
        from services.client import wait_until_serving

        (self.var_dir / "run").mkdir(parents=True, exist_ok=True)
        (self.var_dir / "logs").mkdir(parents=True, exist_ok=True)
        with self.log_file(service).open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", f"services.{service}"],
                env=self.service_env(service),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )
        self._pid_file(service).write_text(str(process.pid))
        try:
            wait_until_serving(self.target(service), timeout=90)
        except TimeoutError:
            process.kill()
            tail = self.log_file(service).read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{service} did not start; its log ends:\n{tail}") from None
        return process

    def stop_service(self, service: str, timeout: float = 30.0) -> bool:
        """Stops the service if it runs; says whether it did."""
        pid_file = self._pid_file(service)
        if not pid_file.exists():
            return False
        pid = int(pid_file.read_text())
        try:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        pid_file.unlink(missing_ok=True)
        return True

    def kill(self, service: str) -> None:
        """Ends a service as a crash would (SIGKILL to its process group): nothing drains or commits.
        start_service starts it again."""
        pid_file = self._pid_file(service)
        pid = int(pid_file.read_text())
        with contextlib.suppress(ProcessLookupError):  # started with start_new_session: group id = pid
            os.killpg(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.05)
        pid_file.unlink(missing_ok=True)

    def running(self, service: str) -> bool:
        pid_file = self._pid_file(service)
        return pid_file.exists() and _alive(int(pid_file.read_text()))

    def up(self) -> None:
        """Starts what is not running (the broker, then each service), so that `make up` also brings
        back a broker or a service that was stopped or died, and leaves the running ones alone."""
        self.start_kafka()
        for service in SERVICES:
            if self.running(service):
                sys.stdout.write(f"{service} already running on {self.target(service)}\n")
            else:
                self.start_service(service)

    def down(self) -> list[str]:
        """Stops the services and the broker; returns the services that were running."""
        stopped = [service for service in reversed(SERVICES) if self.stop_service(service)]
        self.stop_kafka()
        return stopped


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
