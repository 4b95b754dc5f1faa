"""The `propertytax` command line: thin calls onto the services' gRPC APIs, plus local tooling."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta

import grpc

from services.cli import admin as cli_admin
from services.cli import appeals as cli_appeals
from services.cli import assessment as cli_assessment
from services.cli import billing as cli_billing
from services.cli import register as cli_register
from services.cli.common import (
    DEFAULT_TARGETS,
    EXIT_BAD_INPUT,
    BadInput,
    errors_as_json,
    hours_arg,
    print_rpc_error,
    write_error,
)
from services.cli.parser import Parser
from services.platform.auth import Role, TokenAuthority
from services.platform.settings import Settings


def cmd_token_mint(args: argparse.Namespace) -> int:
    settings = Settings()
    authority = TokenAuthority(settings.auth_secret.get_secret_value(), settings.auth_issuer)
    sys.stdout.write(authority.mint(args.subject, args.role, timedelta(hours=args.hours)) + "\n")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from importlib import import_module

    from services.platform.service_builder import serve

    serve(import_module(f"services.{args.service}.service").SPEC)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="propertytax", description=__doc__)
    areas = parser.add_subparsers(dest="area", required=True)

    token = areas.add_parser("token", help="bearer tokens for local use").add_subparsers(
        dest="action", required=True
    )
    mint = token.add_parser("mint", help="print a token signed with PROPERTYTAX_AUTH_SECRET")
    mint.add_argument("--subject", default=os.environ.get("USER", "local-user"))
    mint.add_argument("--role", action="append", required=True, choices=[r.value for r in Role])
    mint.add_argument("--hours", type=hours_arg, default=8.0)
    mint.set_defaults(func=cmd_token_mint)

    serve = areas.add_parser("serve", help="run one service in the foreground")
    serve.add_argument("service", choices=sorted(DEFAULT_TARGETS))
    serve.set_defaults(func=cmd_serve)

    assessment = areas.add_parser("assessment", help="the property register").add_subparsers(
        dest="action", required=True
    )
    cli_register.add_commands(assessment)
    cli_assessment.add_commands(assessment)

    billing = areas.add_parser("billing", help="accounts, charges and invoices").add_subparsers(
        dest="action", required=True
    )
    cli_billing.add_commands(billing)

    appeals = areas.add_parser("appeals", help="complaints and committees").add_subparsers(
        dest="action", required=True
    )
    cli_appeals.add_commands(appeals)

    admin = areas.add_parser("admin", help="operators' tools that talk to Kafka directly").add_subparsers(
        dest="action", required=True
    )
    cli_admin.add_commands(admin)
    return parser


# A reader that stops early (`| head -1`) is no error: the shell's own code for a command ended by SIGPIPE.
EXIT_PIPE_CLOSED = 128 + 13


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        # JSON errors where the answer's JSON goes to stdout (--json, or --json - of the commands that
        # write it to a file named OUT: with a file the terminal still reads the errors).
        errors_as_json(getattr(args, "json", None) in (True, "-"))
        try:
            code = int(args.func(args))
        except grpc.RpcError as exc:
            code = print_rpc_error(exc)
        except BadInput as exc:
            write_error("BAD_INPUT", [str(exc)], exc.violations)
            code = EXIT_BAD_INPUT
        sys.stdout.flush()  # here, so that a closed pipe is met inside the try, not at exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE_CLOSED


def _silence_stdout() -> None:
    """Points stdout at devnull, as Python's "Note on SIGPIPE" says: what is still buffered for the closed
    pipe would otherwise be flushed at exit and print a traceback-like "Exception ignored" after all."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # a stdout with no descriptor (tests, an embedding)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - it stays stdout until exit
    finally:
        os.close(devnull)


if __name__ == "__main__":
    raise SystemExit(main())
