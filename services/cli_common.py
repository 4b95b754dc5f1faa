"""What every `propertytax` command shares: where the service is, the token, printing answers."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from google.protobuf.json_format import MessageToDict

from services.client import Caller
from services.platform.money import Money

DEFAULT_TARGETS = {
    "assessment": "127.0.0.1:50051",
    "billing": "127.0.0.1:50052",
    "appeals": "127.0.0.1:50053",
}


def print_json(message: Any) -> None:
    sys.stdout.write(
        json.dumps(MessageToDict(message, preserving_proto_field_name=True), indent=2, ensure_ascii=False)
        + "\n"
    )


def caller_for(args: argparse.Namespace, service: str) -> Caller:
    target = (
        args.target or os.environ.get(f"PROPERTYTAX_{service.upper()}_TARGET") or DEFAULT_TARGETS[service]
    )
    token = args.token or os.environ.get("PROPERTYTAX_TOKEN")
    if not token:
        raise SystemExit(
            "no token: pass --token or set PROPERTYTAX_TOKEN "
            "(for local use: export PROPERTYTAX_TOKEN=$(propertytax token mint --role assessor))"
        )
    return Caller(target, token, timeout=args.timeout)


def add_remote_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", help="host:port of the service")
    parser.add_argument("--token", help="bearer token (default: $PROPERTYTAX_TOKEN)")
    parser.add_argument("--timeout", type=float, default=30.0, help="deadline in seconds")


def follow(
    job: Any, refresh: Callable[[Any], Any], running: Callable[[Any], bool], progress: Callable[[Any], str]
) -> Any:
    """Polls a job once a second while it runs, showing its progress on one line of stderr."""
    while running(job):
        sys.stderr.write(f"\r  {progress(job)}")
        time.sleep(1)
        job = refresh(job)
    sys.stderr.write("\n")
    return job


def kroner(text: str) -> Money:
    """An argparse type: an amount in kroner as people write it, "7500000", "7 500 000,50" or
    "7500000.50"; anything else is refused with a usage error, never a traceback."""
    try:
        return Money.of(text.replace(" ", "").replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"an amount in kroner with at most two decimals, e.g. 7500000 or 7500000,50 (not {text!r})"
        ) from None
