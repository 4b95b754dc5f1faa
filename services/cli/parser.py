"""The CLI's argument parser."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

from services.cli.common import EXIT_BAD_INPUT, write_error
from services.platform.identity import mask_national_ids

# argparse's own messages about one argument: "argument --on: invalid day value: '2024-13-01'"
_ABOUT_ONE = re.compile(r"argument (\S+?)(?:/\S+)?: (.*)", re.DOTALL)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every command refuses a flag it does not know itself, with its own usage:
    argparse hands a subcommand's unknown arguments up to the top parser, which printed "usage:
    propertytax [-h] {token,…}" for a mistyped flag deep down. A command may set `unknown_hint` to say
    more (appeals register: identity numbers are not taken). Subparsers are made of the parent's class."""

    unknown_hint = ""
    _seen: Sequence[str] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._seen = list(sys.argv[1:] if args is None else args)
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            hint = f"; {self.unknown_hint}" if self.unknown_hint else ""
            self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        """argparse's usage error (exit 2), never echoing a national identity number typed (an unknown
        --national-id, 11 digits where a customer number was asked); as JSON on stderr when the command
        was given --json for its answer on stdout, naming the argument as a violation."""
        message = mask_national_ids(message)
        if not self._wants_json():
            super().error(message)
        about = _ABOUT_ONE.fullmatch(message)
        write_error(
            "BAD_INPUT",
            [message],
            [(about.group(1), about.group(2))] if about else [],
            as_json=True,
        )
        sys.exit(EXIT_BAD_INPUT)

    def _wants_json(self) -> bool:
        action = self._option_string_actions.get("--json")
        if "--json" not in self._seen:
            return False
        if action is None:  # a mistyped command above the one that has --json: the user asked for JSON
            return True
        if action.nargs == 0:  # store_true: the answer's JSON on stdout
            return True
        given = self._seen[self._seen.index("--json") + 1 : self._seen.index("--json") + 2]
        return given == ["-"]  # --json OUT: JSON on stdout only for "-"
