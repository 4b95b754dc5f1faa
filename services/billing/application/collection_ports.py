"""What reminders, interest, holds and plans need from storage (part of the billing unit of work).

The SQL implementation is adapters/collection_repository.py; tests/fakes/collection.py keeps it in memory.
"""

from __future__ import annotations

from typing import Protocol


class CollectionStore(Protocol):
    """Collection runs and steps, interest charged, holds on disputed amounts, payment plans."""
