"""Progress reporting: every stage speaks through one callback, whoever listens.

The CLI draws the events as progress bars; the worker writes them to the job's Redis stream.
Progress inside a stage is throttled here, once, so that no listener gets flooded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from shotgraph.models import Stage, StageEvent

log = logging.getLogger(__name__)

ProgressCallback = Callable[[StageEvent], None]
# Asked at every checkpoint: has whoever runs the job asked it to stop? Called from the
# stage's own thread (the frame loop runs in a worker thread), so it must be thread-safe.
StopCheck = Callable[[], bool]

# At most this many progress events per second inside one stage.
_PROGRESS_INTERVAL_S = 0.25


class StopRequested(BaseException):
    """Raised at a checkpoint once a stop was asked for. A BaseException, so that no stage's
    `except Exception` (a backend falling back, say) can swallow it."""


class StageProgress:
    """Handed to a running stage to report how far it got; each report is a checkpoint."""

    def __init__(
        self, stage: Stage, emit: ProgressCallback, checkpoint: Callable[[], None]
    ) -> None:
        self.stage = stage
        self._emit = emit
        self.checkpoint = checkpoint
        """Raise StopRequested if a stop was asked for; safe to call from any thread."""
        self._last = 0.0

    def update(self, fraction: float, message: str = "") -> None:
        """Report, then stop here if asked to (raises StopRequested)."""
        self.report(fraction, message)
        self.checkpoint()

    def report(self, fraction: float, message: str = "") -> None:
        """Report without a checkpoint: for a report handed to the event loop from another
        thread, where a raise would only be logged (that thread checks for itself)."""
        now = time.monotonic()
        if fraction < 1.0 and now - self._last < _PROGRESS_INTERVAL_S:
            return
        self._last = now
        fraction = min(max(fraction, 0.0), 1.0)
        self._emit(
            StageEvent(kind="stage_progress", stage=self.stage, fraction=fraction, message=message)
        )


class StageReporter:
    """Times each stage and turns its start, progress and end into StageEvents."""

    def __init__(
        self, callback: ProgressCallback | None = None, should_stop: StopCheck | None = None
    ) -> None:
        self._callback = callback
        self._should_stop = should_stop
        self.seconds: dict[Stage, float] = {}

    def emit(self, event: StageEvent) -> None:
        if self._callback is not None:
            self._callback(event)

    def checkpoint(self) -> None:
        """Stop here if asked to: raises StopRequested. Stages call it between units of work."""
        if self._should_stop is not None and self._should_stop():
            raise StopRequested

    @contextmanager
    def stage(self, stage: Stage, message: str = "") -> Iterator[StageProgress]:
        self.emit(StageEvent(kind="stage_started", stage=stage, message=message))
        self.checkpoint()
        started = time.monotonic()
        yield StageProgress(stage, self.emit, self.checkpoint)
        elapsed = time.monotonic() - started
        self.seconds[stage] = elapsed
        log.info("stage %s finished in %.2fs", stage.value, elapsed)
        # No checkpoint after the end: the next stage's start has one, and after the last stage
        # the film is made, so a stop would only leave it unclaimed.
        self.emit(StageEvent(kind="stage_finished", stage=stage, fraction=1.0, duration_s=elapsed))
