"""Collection runs, steps, interest, holds and plans in memory (application/collection_ports.py)."""

from __future__ import annotations


class FakeCollection:
    pass
