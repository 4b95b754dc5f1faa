"""Structured logging (JSON lines on stderr) with national identity numbers masked on the way out."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from services.platform.identity import mask_national_ids


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_national_ids(value)
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mask(v) for v in value)
    return value


def mask_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: no log line may carry a national identity number."""
    return {key: _mask(value) for key, value in event_dict.items()}


def configure_logging(service: str, level: str = "INFO", json: bool = True) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    for noisy in ("kafka", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # kafka-python logs every failed reconnect (every 2 s per client while the broker is away); the outbox
    # relay says once that it cannot publish, and once that it publishes again.
    for per_attempt in ("kafka.net", "kafka.cluster"):
        logging.getLogger(per_attempt).setLevel(logging.CRITICAL)

    def add_service(
        _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        # Not a context variable: the relay and consumer threads must carry it too.
        event_dict.setdefault("service", service)
        return event_dict

    # Libraries' own log records (kafka-python, alembic, grpc) become JSON lines like ours, so a service's
    # log is structured lines only.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[
                add_service,
                structlog.stdlib.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
                mask_personal_data,
            ],
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            add_service,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_personal_data,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
