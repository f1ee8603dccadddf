"""A worker outlives a Redis outage: a real redis-server with an append-only file, of this
test's own, is killed while a job runs and another waits, and started again."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis.exceptions

from shotgraph.config import Settings
from shotgraph.models import Stage, StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from tests.helpers.redis_server import OwnRedis
from tests.integration.queue.test_worker import (
    LONG_STORY,
    SHORT_STORY,
    TELEGRAM_USER,
    StartWorker,
    collect,
)

pytestmark = pytest.mark.slow

OTHER_USER = Owner(platform="telegram", user_id="43", chat_id="43")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path / "own-redis").start()
    yield server
    server.kill()


async def until_answering(queue: JobQueue, timeout_s: float = 10) -> None:
    """The test's own client reconnects once Redis is back (its old connections are dead)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            await queue.redis.ping()
            return
        except (redis.exceptions.ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


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
        await until_answering(queue)

        for job in (running, waiting):
            kinds = [event.kind for event in await collect(queue, job.job_id, timeout_s=120)]
            assert kinds[-1] == "done"
            assert kinds.count("done") == 1
            assert (await queue.get(job.job_id)).status is JobStatus.DONE
        assert worker.process.poll() is None
        assert (await queue.get(running.job_id)).attempts == 1  # never taken for dead
    finally:
        await queue.close()
