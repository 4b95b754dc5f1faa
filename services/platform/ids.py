"""Identifiers."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A new random UUID as text (aggregate ids, event ids, request ids)."""
    return str(uuid.uuid4())


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
