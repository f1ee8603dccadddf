"""A worker outlives a Redis outage: a real redis-server with an append-only file, of this
test's own, is killed while a job runs and another waits, and started again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from tests.helpers.redis_server import OwnRedis, until_answering
from tests.helpers.worker_process import WorkerProcess
from tests.integration.queue.test_worker import (
    LONG_STORY,
    SHORT_STORY,
    TELEGRAM_USER,
    StartWorker,
    collect,
)

pytestmark = pytest.mark.slow

OTHER_USER = Owner(platform="telegram", user_id="43", chat_id="43")


async def test_a_worker_rides_out_a_redis_outage_and_finishes_every_job(
    queue_settings: Settings, own_redis: OwnRedis, start_worker: StartWorker
) -> None:
    settings = queue_settings.model_copy(update={"redis_url": own_redis.url})
    worker = start_worker(settings)
    queue = await JobQueue.connect(settings)
    try:
        running = await queue.submit(StoryRequest(story=LONG_STORY), TELEGRAM_USER)
        waiting = await queue.submit(StoryRequest(story=SHORT_STORY), OTHER_USER)
        await collect(
            queue,
            running.job_id,
            until=lambda e: e.kind == "stage_started" and e.stage is Stage.VISUALS,
        )

        own_redis.kill()
        await asyncio.sleep(3)  # longer than a heartbeat lives: every beat has expired
        assert worker.process is not None
        assert worker.process.poll() is None, worker.output()
        own_redis.start()
        await until_answering(queue.redis)

        for job in (running, waiting):
            kinds = [event.kind for event in await collect(queue, job.job_id, timeout_s=120)]
            assert kinds[-1] == "done"
            assert kinds.count("done") == 1
            assert (await queue.get(job.job_id)).status is JobStatus.DONE
        assert worker.process.poll() is None
        assert (await queue.get(running.job_id)).attempts == 1  # never taken for dead
    finally:
        await queue.close()


async def test_a_follower_s_watch_rides_out_an_outage_and_misses_nothing(
    queue_settings: Settings, own_redis: OwnRedis
) -> None:
    settings = queue_settings.model_copy(update={"redis_url": own_redis.url})
    queue = await JobQueue.connect(settings)
    try:
        record = await queue.submit(StoryRequest(story=SHORT_STORY), TELEGRAM_USER)
        seen: list[str] = []

        async def follow() -> None:  # as a bot's follower reads a job
            async for _, event in queue.watch(record.job_id):
                seen.append(event.kind)

        following = asyncio.create_task(follow())
        await asyncio.sleep(0.3)
        own_redis.kill()
        await asyncio.sleep(1)
        own_redis.start()
        await until_answering(queue.redis)
        await queue.publish(record.job_id, StageEvent(kind="stage_started", stage=Stage.SCENES))
        await queue.publish(record.job_id, StageEvent(kind="cancelled", message="Cancelled."))

        await asyncio.wait_for(following, 20)
        assert seen == ["queued", "stage_started", "cancelled"]
    finally:
        await queue.close()


async def test_a_worker_started_while_redis_is_away_waits_for_it(
    queue_settings: Settings, tmp_path: Path
) -> None:
    later = OwnRedis(tmp_path / "later-redis")
    settings = queue_settings.model_copy(update={"redis_url": later.url})
    worker = WorkerProcess(settings, tmp_path / "workers")
    starting = asyncio.create_task(asyncio.to_thread(worker.start))
    try:
        await asyncio.sleep(8)  # longer than arq's own retries (5 of 1 s) before it gives up
        assert not starting.done()
        later.start()
        await asyncio.wait_for(starting, 60)

        queue = await JobQueue.connect(settings)
        try:
            record = await queue.submit(StoryRequest(story=SHORT_STORY), TELEGRAM_USER)
            assert (await collect(queue, record.job_id))[-1].kind == "done"
        finally:
            await queue.close()
    finally:
        if worker.process is not None:
            worker.stop(timeout_s=15)
        later.kill()
