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

# At most this many progress events per second inside one stage.
_PROGRESS_INTERVAL_S = 0.25


class StageProgress:
    """Handed to a running stage to report how far it got."""

    def __init__(self, stage: Stage, emit: ProgressCallback) -> None:
        self.stage = stage
        self._emit = emit
        self._last = 0.0

    def update(self, fraction: float, message: str = "") -> None:
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

    def __init__(self, callback: ProgressCallback | None = None) -> None:
        self._callback = callback
        self.seconds: dict[Stage, float] = {}

    def emit(self, event: StageEvent) -> None:
        if self._callback is not None:
            self._callback(event)

    @contextmanager
    def stage(self, stage: Stage, message: str = "") -> Iterator[StageProgress]:
        self.emit(StageEvent(kind="stage_started", stage=stage, message=message))
        started = time.monotonic()
        yield StageProgress(stage, self.emit)
        elapsed = time.monotonic() - started
        self.seconds[stage] = elapsed
        log.info("stage %s finished in %.2fs", stage.value, elapsed)
        self.emit(StageEvent(kind="stage_finished", stage=stage, fraction=1.0, duration_s=elapsed))
