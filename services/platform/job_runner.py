"""Runs resumable jobs (a levy, a billing run) one at a time on a background thread of a service.

A job is stepped until it reports it is done or the service stops; a stopped job keeps its cursor and is
resumed at the next start; a job that raises is marked failed with the error and can be started again.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from services.platform.logging import get_logger

log = get_logger(__name__)


class JobRunner:
    def __init__(
        self,
        name: str,
        *,
        step: Callable[[str], bool],
        unfinished: Callable[[], list[str]],
        fail: Callable[[str, str], None],
        pause_seconds: float = 0.0,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self._on_stop = on_stop  # lets go of what the jobs use beside the service (worker processes)
        self._step = step  # does one chunk of a job; True when the job is done
        self._unfinished = unfinished
        self._fail = fail
        self._pause_seconds = pause_seconds
        self._queue: queue.Queue[str] = queue.Queue()

    def submit(self, job_id: str) -> None:
        self._queue.put(job_id)

    def run(self, stop: threading.Event) -> None:
        for job_id in self._unfinished():
            log.info("resuming job", runner=self.name, job_id=job_id)
            self.submit(job_id)
        try:
            while not stop.is_set():
                try:
                    job_id = self._queue.get(timeout=0.2)
                except queue.Empty:
                    continue
                self._run_job(job_id, stop)
        finally:
            if self._on_stop is not None:
                self._on_stop()

    def _run_job(self, job_id: str, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                if self._step(job_id):
                    log.info("job done", runner=self.name, job_id=job_id)
                    return
                if self._pause_seconds:
                    stop.wait(self._pause_seconds)
            log.info("job paused for shutdown; it resumes at the next start", runner=self.name, job_id=job_id)
        except Exception as exc:
            log.exception("job failed", runner=self.name, job_id=job_id)
            self._fail(job_id, f"{type(exc).__name__}: {exc}"[:2000])
