"""Python's cycle collector paused around work that makes a great many objects that live until it ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector paused for the block: an act that makes a million objects that live until
    it commits (none in cycles: a payment file's payments, entries and events; a reminder chunk's) has each
    full collection walk them all again — at 135,000 payments that doubled the import's time. Reference
    counting frees memory as before; the collector runs again after the block (it is process-wide: another
    thread's block ending first turns it on again early, which costs only time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
