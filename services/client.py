"""Calling the services: channels with a bearer token, and waiting for health."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.platform.ids import new_id


@dataclass
class Caller:
    """Stubs share one channel; every call carries the token and a fresh request id."""

    target: str
    token: str | None
    timeout: float = 30.0
    channel: grpc.Channel = field(init=False)

    def __post_init__(self) -> None:
        from services.platform.grpc_server import MAX_MESSAGE_BYTES

        self.channel = grpc.insecure_channel(
            self.target,
            options=[
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )

    def metadata(self) -> list[tuple[str, str]]:
        pairs = [("x-request-id", new_id())]
        if self.token:
            pairs.append(("authorization", f"Bearer {self.token}"))
        return pairs

    def call(self, method: Any, request: Any, timeout: float | None = None) -> Any:
        """`timeout` overrides the caller's for calls known to take long (a preview of a whole term)."""
        return method(request, metadata=self.metadata(), timeout=timeout or self.timeout)

    def close(self) -> None:
        self.channel.close()


def health_status(target: str, service: str = "", timeout: float = 2.0) -> str:
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        return str(health_pb2.HealthCheckResponse.ServingStatus.Name(response.status))


def wait_until_serving(target: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if health_status(target) == "SERVING":
                return
        except grpc.RpcError as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{target} not serving after {timeout:.0f} s: {last}")
