"""The CLI's argument parser."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every command refuses a flag it does not know itself, with its own usage:
    argparse hands a subcommand's unknown arguments up to the top parser, which printed "usage:
    propertytax [-h] {token,…}" for a mistyped flag deep down. A command may set `unknown_hint` to say
    more (appeals register: identity numbers are not taken). Subparsers are made of the parent's class."""

    unknown_hint = ""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            hint = f"; {self.unknown_hint}" if self.unknown_hint else ""
            self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")
        return parsed, extras
