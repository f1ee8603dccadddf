"""A stop asked for in any stage is honoured at that stage's next checkpoint: the run raises
StopRequested, no later stage starts, and no film is written. Compose is the case that used to
be lost: its progress came from the encoder's thread through a loop callback, where an
exception is only logged, so the film was finished anyway."""

from __future__ import annotations

import threading

import pytest

from shotgraph.config import Settings
from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.pipeline.progress import StopRequested
from tests.integration.test_render import STORY

pytestmark = pytest.mark.slow


class StopOnceStarted:
    """Asks to stop once `stage` has started (and, in compose, once frames are flowing), from
    whatever thread asks."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.events: list[StageEvent] = []
        self._asked = threading.Event()
        self.threads: set[str] = set()

    def record(self, event: StageEvent) -> None:
        self.events.append(event)
        if event.stage is self.stage and (
            event.kind == "stage_progress" or self.stage is not Stage.COMPOSE
        ):
            self._asked.set()

    def __call__(self) -> bool:
        if self._asked.is_set():
            self.threads.add(threading.current_thread().name)
        return self._asked.is_set()


@pytest.mark.parametrize("stage", list(Stage))
async def test_a_stop_in_any_stage_ends_the_run_there(settings: Settings, stage: Stage) -> None:
    stop = StopOnceStarted(stage)

    with pytest.raises(StopRequested):
        await Orchestrator(settings).run(
            StoryRequest(story=STORY, seed=3), stop.record, job_id="stopped", should_stop=stop
        )

    started = [e.stage for e in stop.events if e.kind == "stage_started"]
    assert started[-1] is stage
    assert not (settings.storage_path / "jobs" / "stopped" / "film.mp4").exists()
    if stage is Stage.COMPOSE:
        # Honoured in the frame loop itself, not only back on the event loop.
        assert any(name != threading.main_thread().name for name in stop.threads)
