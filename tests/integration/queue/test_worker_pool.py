"""Workers as they are deployed: a pipeline killed when it misses its grace, and replaced by a
fresh one for the next job; two workers, and one worker with two job slots, sharing one Redis
and one storage."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest

from shotgraph.config import Settings
from shotgraph.models import StageEvent, StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from tests.helpers.media import probe
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
LONGER = "The Storm\n\n" + " ".join(
    f"Mara ran up hill number {n} at dawn and the wind lifted her red kite high." for n in range(8)
)
StartWorker = Callable[[Settings], WorkerProcess]


def user(n: int) -> Owner:
    return Owner(platform="telegram", user_id=str(n), chat_id=str(n))


async def events_of(queue: JobQueue, job_id: str, timeout_s: float = 120) -> list[StageEvent]:
    async def read() -> list[StageEvent]:
        return [event async for _, event in queue.watch(job_id)]

    return await asyncio.wait_for(read(), timeout_s)


async def first_event(queue: JobQueue, job_id: str, kind: str) -> None:
    async def read() -> None:
        async for _, event in queue.watch(job_id):
            if event.kind == kind:
                return

    await asyncio.wait_for(read(), 60)


def pipeline_pids(worker: WorkerProcess) -> list[str]:
    return re.findall(r"pipeline process (\d+) ready", worker.output())


async def test_a_pipeline_that_misses_the_cancel_grace_is_killed_and_a_fresh_one_runs_next(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    worker = start_worker(queue_settings.model_copy(update={"cancel_grace_s": 0}))
    first = await job_queue.submit(StoryRequest(story=LONGER), user(1))
    await first_event(job_queue, first.job_id, "stage_started")

    await job_queue.cancel(first.job_id, user(1))
    assert (await events_of(job_queue, first.job_id))[-1].kind == "cancelled"
    second = await job_queue.submit(StoryRequest(story=STORY), user(1))
    events = await events_of(job_queue, second.job_id)

    assert events[-1].kind == "done"
    assert "did not reach a checkpoint in 0s; killing it" in worker.output()
    pids = pipeline_pids(worker)
    assert len(pids) == 2, worker.output()
    assert pids[0] != pids[1]


async def test_a_pipeline_killed_at_shutdown_hands_its_job_to_the_next_worker(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    settings = queue_settings.model_copy(update={"shutdown_grace_s": 0})
    stopping = start_worker(settings)
    record = await job_queue.submit(StoryRequest(story=LONGER), user(1))
    await first_event(job_queue, record.job_id, "stage_started")

    assert stopping.stop() == 0
    assert "killing it" in stopping.output()
    assert (await job_queue.get(record.job_id)).status is JobStatus.QUEUED
    start_worker(settings)
    events = await events_of(job_queue, record.job_id)

    assert events[-1].kind == "done"


@pytest.mark.parametrize("layout", ["two workers", "two slots in one worker"])
async def test_jobs_share_the_pool_on_one_redis_and_one_storage(
    layout: str, job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    if layout == "two workers":
        workers = [start_worker(queue_settings), start_worker(queue_settings)]
    else:
        workers = [start_worker(queue_settings.model_copy(update={"worker_max_jobs": 2}))]
    records = [await job_queue.submit(StoryRequest(story=LONGER, seed=n), user(n)) for n in (1, 2)]

    ends = await asyncio.gather(*(events_of(job_queue, r.job_id) for r in records))

    assert [events[-1].kind for events in ends] == ["done", "done"]
    films = [queue_settings.storage_path / events[-1].result.files.video for events in ends]
    assert films[0] != films[1]
    assert all(probe(film).duration_s > 2 for film in films)
    # Both ran at once: each started before the other finished.
    started = [await job_queue.get(r.job_id) for r in records]
    assert all(r.started_at and r.finished_at for r in started)
    assert started[0].started_at < started[1].finished_at
    assert started[1].started_at < started[0].finished_at
    if layout == "two workers":
        assert all(any(r.job_id in w.output() for r in records) for w in workers)
    else:
        assert len(pipeline_pids(workers[0])) == 2
