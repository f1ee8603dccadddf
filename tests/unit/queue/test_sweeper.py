"""The sweeper against a real Redis, without a worker: jobs of dead workers go back to their
own place in the queue exactly once, dead workers leave the registry, and leftover scratch goes."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from shotgraph.models import Stage, StoryRequest
from shotgraph.pipeline.artefacts import JobFolder
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.events import history
from shotgraph.queue.pipeline_process import TEMP_PREFIX
from shotgraph.queue.records import JobStatus, Owner
from shotgraph.queue.worker import JobRunner, arq_in_progress_s

STORY = "The Lantern\n\nMara walked to the harbour at dusk. The sea was calm and grey."


def owner(user: str) -> Owner:
    return Owner(platform="telegram", user_id=user, chat_id=user)


async def _orphan(queue: JobQueue, job_id: str) -> None:
    """The job as a worker that died mid-run leaves it: running, arq's in-progress key still
    there, its heartbeat gone."""
    await queue.store.update(job_id, status=JobStatus.RUNNING, attempts=1)
    await queue.redis.set(keys.arq_in_progress(job_id), b"1")


async def test_a_dead_worker_s_job_goes_back_to_its_own_place_once(job_queue: JobQueue) -> None:
    first = await job_queue.submit(StoryRequest(story=STORY), owner("1"))
    later = [await job_queue.submit(StoryRequest(story=STORY), owner(str(n))) for n in (2, 3)]
    await _orphan(job_queue, first.job_id)
    assert await job_queue.position(first.job_id) is None  # running, not waiting

    # Two workers' sweepers find it at the same moment.
    taken = await asyncio.gather(
        JobRunner(job_queue, [], "worker-a").sweep(), JobRunner(job_queue, [], "worker-b").sweep()
    )

    assert sorted(len(t) for t in taken) == [0, 1]
    assert (await job_queue.get(first.job_id)).status is JobStatus.QUEUED
    assert await job_queue.position(first.job_id) == 1
    assert [await job_queue.position(job.job_id) for job in later] == [2, 3]
    kinds = [event.kind for _, event in await history(job_queue.redis, first.job_id)]
    assert kinds == ["queued", "queued"]  # submitted, then re-queued once


async def test_dead_workers_leave_the_registry(job_queue: JobQueue) -> None:
    redis, stale = job_queue.redis, str(time.time() - 3600)
    await redis.hset(keys.WORKERS, mapping={"dead-1": stale, "alive-2": str(time.time())})
    await redis.hset(keys.WORKER_MODELS, mapping={"dead-1": "[]", "alive-2": "[]", "gone-3": "[]"})

    await JobRunner(job_queue, [], "sweeping-worker").sweep()

    assert sorted(await redis.hkeys(keys.WORKERS)) == [b"alive-2"]
    assert sorted(await redis.hkeys(keys.WORKER_MODELS)) == [b"alive-2"]


async def test_a_starting_worker_removes_scratch_no_live_worker_uses(job_queue: JobQueue) -> None:
    root = job_queue.settings.storage_path
    left, running = JobFolder(root, "left-behind"), JobFolder(root, "running-elsewhere")
    for folder in (left, running):
        (folder.scratch() / "picture.mp4").write_bytes(b"x" * 1000)
        (folder.stage_dir(Stage.VISUALS) / ".shot-1.partial-99.mp4").write_bytes(b"x")
        (folder.stage_dir(Stage.VISUALS) / "shot-1.abc.mp4").write_bytes(b"kept")
    await job_queue.redis.set(keys.heartbeat("running-elsewhere"), b"other-worker", px=60_000)

    runner = JobRunner(job_queue, [], "starting-worker")
    await runner.start()
    await runner.close()

    assert not (left.path / "scratch").exists()
    assert not list(left.path.glob("**/.*partial*"))
    assert (left.path / "visuals" / "shot-1.abc.mp4").read_bytes() == b"kept"
    assert (running.path / "scratch" / "picture.mp4").exists()


async def test_a_user_s_job_list_expires_with_the_records(job_queue: JobQueue) -> None:
    record = await job_queue.submit(StoryRequest(story=STORY), owner("7"))

    ttl = await job_queue.redis.ttl(keys.owner_jobs("telegram", "7"))

    assert 0 < ttl <= job_queue.settings.event_ttl_s
    assert [job.job_id for job in await job_queue.list_jobs(owner("7"))] == [record.job_id]


async def test_a_starting_worker_removes_temporary_folders_of_workers_that_are_gone(
    job_queue: JobQueue,
) -> None:
    gone = await asyncio.create_subprocess_exec("true")
    await gone.wait()
    temp = Path(tempfile.gettempdir())
    left = temp / f"{TEMP_PREFIX}{gone.pid}-test"
    live = temp / f"{TEMP_PREFIX}{os.getppid()}-test"
    for folder in (left, live):
        (folder / "shotgraph-espeak-x").mkdir(parents=True, exist_ok=True)
    try:
        runner = JobRunner(job_queue, [], "starting-worker")
        await runner.start()
        await runner.close()

        assert not left.exists()
        assert live.exists()
    finally:
        shutil.rmtree(left, ignore_errors=True)
        shutil.rmtree(live, ignore_errors=True)


async def test_a_queued_job_held_by_a_worker_that_is_gone_is_released(
    job_queue: JobQueue,
) -> None:
    stale = await job_queue.submit(StoryRequest(story=STORY), owner("1"))
    fresh = await job_queue.submit(StoryRequest(story=STORY), owner("2"))
    full_ms = int(arq_in_progress_s(job_queue.settings) * 1000)
    # Taken 10 s ago by a worker that died before beating (or after handing it back) ...
    await job_queue.redis.set(keys.arq_in_progress(stale.job_id), b"1", px=full_ms - 10_000)
    # ... and taken a moment ago by a live worker that is about to beat.
    await job_queue.redis.set(keys.arq_in_progress(fresh.job_id), b"1", px=full_ms)

    await JobRunner(job_queue, [], "sweeping-worker").sweep()

    assert not await job_queue.redis.exists(keys.arq_in_progress(stale.job_id))
    assert stale.job_id in await job_queue.waiting_ids()  # for the next free worker to take
    assert await job_queue.redis.exists(keys.arq_in_progress(fresh.job_id))
