"""Exemptions from property tax: mandatory (§ 5) always apply, optional (§ 7) only when the council
grants them in the year's decision."""

from __future__ import annotations

import re

_CODE = re.compile(r"^\s*(?:§\s*)?([57])\s*([a-z])?\s*$", re.IGNORECASE)


def parse_exemption_code(text: str) -> str:
    """'§ 5 h', '5h', '§7 a' → '5h', '7a'; raises ValueError for anything else."""
    match = _CODE.match(text)
    if match is None:
        raise ValueError("an exemption is '§ 5 x' (mandatory) or '§ 7 x' (optional), e.g. '§ 7 b'")
    return f"{match.group(1)}{(match.group(2) or '').lower()}"


def is_mandatory(code: str) -> bool:
    return code.startswith("5")


def describe(code: str) -> str:
    return f"§ {code[0]} {code[1:]}".strip()
