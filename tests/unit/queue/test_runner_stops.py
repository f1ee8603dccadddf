"""The job function when its job is stopped (a cancel, or the worker shutting down) just as
the pipeline finishes: a film that was made is a done job, not a cancelled one with a film.

The pipeline here is a stand-in (the JobPipeline protocol's, as in the benchmarks) that
finishes the moment it is asked to stop; the runner, the records and Redis are real."""

from __future__ import annotations

import asyncio

import pytest

from shotgraph.models import JobResult, StageEvent, StoryRequest
from shotgraph.pipeline.gpu.manager import ModelReport
from shotgraph.queue.client import JobQueue
from shotgraph.queue.events import history
from shotgraph.queue.pipeline_process import EventSink
from shotgraph.queue.records import JobStatus, Owner
from shotgraph.queue.worker import JobRunner
from tests.helpers.results import job_result

OWNER = Owner(platform="telegram", user_id="5", chat_id="5")


class FinishesAsItIsStopped:
    """Renders until stopped, and had just finished when the stop came."""

    models: ModelReport | None = None

    def __init__(self) -> None:
        self.job_id = ""
        self.running = asyncio.Event()

    async def start(self) -> None:
        return None

    async def run(self, job_id: str, request: StoryRequest, on_event: EventSink) -> JobResult:
        self.job_id = job_id
        await on_event(StageEvent(kind="stage_started"))
        self.running.set()
        await asyncio.Event().wait()  # until the job's task is cancelled
        raise AssertionError("unreachable")

    async def stop(self, grace_s: float) -> JobResult | None:
        return job_result(self.job_id)

    async def close(self) -> None:
        return None


@pytest.mark.parametrize("cancel", [True, False], ids=["cancel", "shutdown"])
async def test_a_film_made_as_the_stop_came_makes_the_job_done(
    job_queue: JobQueue, cancel: bool
) -> None:
    record = await job_queue.submit(StoryRequest(story="Mara ran up the hill."), OWNER)
    pipeline = FinishesAsItIsStopped()
    rendering = asyncio.create_task(JobRunner(job_queue, [pipeline], "w").render(record.job_id))
    await asyncio.wait_for(pipeline.running.wait(), 5)
    if cancel:
        await job_queue.store.update(record.job_id, cancel_requested=True)

    rendering.cancel()  # as arq's abort, or its shutdown, does
    with pytest.raises(asyncio.CancelledError):
        await rendering

    done = await job_queue.get(record.job_id)
    assert done.status is JobStatus.DONE
    assert done.result == job_result(record.job_id)
    kinds = [event.kind for _, event in await history(job_queue.redis, record.job_id)]
    assert kinds.count("done") == 1
    assert "cancelled" not in kinds
