"""The disk guard (MIN_FREE_DISK_GB set above the free space, as a full disk would be): intake
refuses with one sentence and records nothing, a worker short of disk fails the job in hand
with the cause and stops new ones at intake, and the health checks say so."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from shotgraph.api.app import create_app
from shotgraph.config import Settings
from shotgraph.health import Role, check
from shotgraph.models import StoryRequest
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from shotgraph.storage.disk import DiskFull
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
USER = Owner(platform="telegram", user_id="42", chat_id="42")
NO_DISK_IS_THIS_BIG = 1e9  # GB


async def test_intake_refuses_while_the_local_store_is_short_of_disk(
    queue_settings: Settings,
) -> None:
    full = queue_settings.model_copy(update={"min_free_disk_gb": NO_DISK_IS_THIS_BIG})
    queue = await JobQueue.connect(full)
    try:
        with pytest.raises(DiskFull, match=r"^The server is nearly out of disk space \("):
            await queue.submit(StoryRequest(story=STORY), USER)
        assert await queue.store.unfinished() == []
        assert await queue.list_jobs(USER) == []
    finally:
        await queue.close()
    # Nothing was reserved: with room again, the same user may submit at once.
    roomy = await JobQueue.connect(queue_settings)
    try:
        await roomy.submit(StoryRequest(story=STORY), USER)
    finally:
        await roomy.close()


async def test_a_worker_short_of_disk_fails_its_job_with_the_cause_and_stops_intake(
    queue_settings: Settings,
    job_queue: JobQueue,
    start_worker: Callable[[Settings], WorkerProcess],
) -> None:
    record = await job_queue.submit(StoryRequest(story=STORY), USER)  # no worker yet: taken
    full = queue_settings.model_copy(update={"min_free_disk_gb": NO_DISK_IS_THIS_BIG})
    start_worker(full)

    for _ in range(300):
        done = await job_queue.get(record.job_id)
        if done.status.finished:
            break
        await asyncio.sleep(0.1)
    assert done.status is JobStatus.FAILED
    assert done.error is not None
    assert done.error.startswith("The server is nearly out of disk space")
    assert "MIN_FREE_DISK_GB" in done.error

    workers = await job_queue.redis.hkeys(keys.WORKERS)
    assert await job_queue.redis.hkeys(keys.WORKER_DISK_LOW) == workers
    other = Owner(platform="telegram", user_id="43", chat_id="43")
    with pytest.raises(DiskFull, match="nearly out of disk space"):
        await job_queue.submit(StoryRequest(story=STORY), other)

    healthy, why = check(Role.WORKER, full)
    assert not healthy
    assert "nearly out of disk space" in why
    app = create_app(queue_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            health = (await http.get("/health")).json()
            refused = await http.post(
                "/generate", json={"story": STORY}, headers={"X-API-Key": "alice-key"}
            )
    assert health["status"] == "disk low"
    assert health["disk"].startswith("The server is nearly out of disk space")
    assert refused.status_code == 503
    assert refused.json()["detail"].startswith("The server is nearly out of disk space")
