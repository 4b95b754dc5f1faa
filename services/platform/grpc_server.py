"""gRPC server bootstrap: health, reflection, one interceptor for auth, deadlines, errors, audit and
logging, and graceful shutdown."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from services.platform.audit import AuditRecord, AuditTrail
from services.platform.auth import InvalidToken, Principal, TokenAuthority, current_principal
from services.platform.clock import utc_now
from services.platform.errors import DomainError
from services.platform.events import correlation_id_var, traceparent_var
from services.platform.grpc_status import bounded_message, to_rpc_status
from services.platform.ids import new_id
from services.platform.logging import get_logger

log = get_logger(__name__)

# Imports carry whole files (a register of 240,000 properties is some 20 MB of CSV).
MAX_MESSAGE_BYTES = 256 * 1024 * 1024

# Infrastructure endpoints that load balancers and tools call without a token.
_OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


@dataclass(frozen=True)
class MethodRule:
    """Who may call a method, and whether the call changes state (and so is audited)."""

    roles: frozenset[str]
    changes_state: bool


def rule(*roles: str, changes_state: bool) -> MethodRule:
    return MethodRule(roles=frozenset(roles), changes_state=changes_state)


class _Abort(Exception):
    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class PlatformInterceptor(grpc.ServerInterceptor):  # type: ignore[misc,type-arg]
    """Wraps every unary call of a service: deny by default, then the method's own rule."""

    def __init__(
        self,
        service_full_name: str,
        rules: Mapping[str, MethodRule],
        authority: TokenAuthority,
        audit: AuditTrail,
    ) -> None:
        self._prefix = f"/{service_full_name}/"
        self._rules = rules
        self._authority = authority
        self._audit = audit

    def intercept_service(self, continuation: Callable[[Any], Any], details: Any) -> Any:
        handler = continuation(details)
        method: str = details.method
        if handler is None or method.startswith(_OPEN_PREFIXES):
            return handler
        if handler.unary_unary is not None:
            unary = handler.unary_unary

            def wrapped(request: Any, context: grpc.ServicerContext) -> Any:
                return self._call(method, unary, request, context)

            return grpc.unary_unary_rpc_method_handler(
                wrapped,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            streaming = handler.unary_stream

            def wrapped_stream(request: Any, context: grpc.ServicerContext) -> Any:
                # The checks and error mapping run before the first message, so the stream is built
                # eagerly; exports are bounded by the year's register.
                return iter(self._call(method, lambda r, c: list(streaming(r, c)), request, context))

            return grpc.unary_stream_rpc_method_handler(
                wrapped_stream,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        # Client and bidirectional streams: none in this system; refuse rather than pass unchecked.
        return grpc.unary_unary_rpc_method_handler(
            lambda _r, context: context.abort(
                grpc.StatusCode.UNIMPLEMENTED, "streaming requests are not served"
            )
        )

    def _principal(self, method: str, metadata: Mapping[str, str]) -> Principal:
        header = metadata.get("authorization", "")
        if not header.lower().startswith("bearer "):
            raise _Abort(grpc.StatusCode.UNAUTHENTICATED, "a bearer token is required")
        try:
            principal = self._authority.verify(header[7:].strip())
        except InvalidToken as exc:
            raise _Abort(grpc.StatusCode.UNAUTHENTICATED, f"invalid token: {exc}") from exc
        method_rule = self._rules.get(method.removeprefix(self._prefix))
        if method_rule is None or not principal.has_any(method_rule.roles):
            needed = " or ".join(sorted(method_rule.roles)) if method_rule else ""
            held = ", ".join(sorted(principal.roles)) or "none"
            raise _Abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"{principal.subject} (roles: {held}) may not call {method.rsplit('/', 1)[-1]}: "
                + (f"it needs the role {needed}" if needed else "no role may"),
            )
        return principal

    def _call(
        self, method: str, inner: Callable[[Any, Any], Any], request: Any, context: grpc.ServicerContext
    ) -> Any:
        started = time.monotonic()
        metadata = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
        request_id = metadata.get("x-request-id") or new_id()
        correlation_id = metadata.get("x-correlation-id") or request_id
        correlation_id_var.set(correlation_id)
        traceparent_var.set(metadata.get("traceparent", ""))
        principal: Principal | None = None
        code = grpc.StatusCode.OK
        try:
            principal = self._principal(method, metadata)
            current_principal.set(principal)
            remaining = context.time_remaining()
            if remaining is not None and remaining <= 0:
                raise _Abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline passed before the call started")
            try:
                return inner(request, context)
            except DomainError as exc:
                # Every domain error leaves the server here: bounded to fit gRPC's metadata limit and
                # with identity numbers masked, whatever input it echoes (grpc_status.bounded_status).
                status = to_rpc_status(exc)
                code = status.code
                context.abort_with_status(status)
        except _Abort as exc:
            code = exc.code
            context.abort(exc.code, bounded_message(exc.message))
        except Exception as exc:
            if _is_abort(context):
                code = context.code() or grpc.StatusCode.UNKNOWN  # type: ignore[attr-defined]
                raise
            code = grpc.StatusCode.INTERNAL
            log.exception("unhandled error in rpc", method=method, request_id=request_id)
            context.abort(grpc.StatusCode.INTERNAL, f"internal error (request {request_id})")
            raise AssertionError("unreachable") from exc
        finally:
            self._after(method, principal, request_id, correlation_id, code, started)
        raise AssertionError("unreachable")

    def _after(
        self,
        method: str,
        principal: Principal | None,
        request_id: str,
        correlation_id: str,
        code: grpc.StatusCode,
        started: float,
    ) -> None:
        outcome = code.name
        log.info(
            "rpc",
            method=method,
            code=outcome,
            request_id=request_id,
            principal=principal.subject if principal else None,
            ms=round((time.monotonic() - started) * 1000, 1),
        )
        method_rule = self._rules.get(method.removeprefix(self._prefix))
        if principal is None or method_rule is None or not method_rule.changes_state:
            return
        try:
            self._audit.record(
                AuditRecord(
                    at=utc_now(),
                    principal=principal.subject,
                    roles=tuple(sorted(principal.roles)),
                    method=method,
                    request_id=request_id,
                    correlation_id=correlation_id,
                    outcome=outcome,
                )
            )
        except Exception:
            log.exception("audit record could not be written", method=method, request_id=request_id)


def _is_abort(context: grpc.ServicerContext) -> bool:
    """True when the handler itself aborted (grpc raises a bare Exception then)."""
    code = getattr(context, "code", lambda: None)()
    return code is not None and code != grpc.StatusCode.OK


class GrpcServer:
    """A started server with health and reflection; stop() is the graceful path."""

    def __init__(
        self,
        *,
        service_full_name: str,
        add_servicer: Callable[[grpc.Server], object],
        interceptor: PlatformInterceptor,
        host: str,
        port: int,
        workers: int,
    ) -> None:
        self.service_full_name = service_full_name
        self._server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rpc"),
            interceptors=[interceptor],
            options=[
                ("grpc.so_reuseport", 0),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ],
        )
        add_servicer(self._server)
        self.health = health.HealthServicer(experimental_non_blocking=True)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self._server)
        reflection.enable_server_reflection(
            (service_full_name, health.SERVICE_NAME, reflection.SERVICE_NAME), self._server
        )
        self.port = self._server.add_insecure_port(f"{host}:{port}")
        if self.port == 0:
            raise RuntimeError(f"could not bind {host}:{port}")

    def start(self) -> None:
        self._server.start()
        for name in ("", self.service_full_name):
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    def stop(self, grace_seconds: float) -> None:
        """Reports NOT_SERVING, refuses new calls and lets in-flight calls finish within the grace."""
        self.health.enter_graceful_shutdown()
        self._server.stop(grace_seconds).wait()

    def wait(self, timeout: float | None = None) -> bool:
        return bool(self._server.wait_for_termination(timeout))
