"""Identifiers."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A new random UUID as text (aggregate ids, event ids, request ids)."""
    return str(uuid.uuid4())
