"""The worker's pruning sweeper: with zero retention, a finished job's files go on the next
round and its record says the film expired; a job still running keeps everything."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from shotgraph.config import Settings
from shotgraph.models import StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."


async def test_a_worker_prunes_what_expired_on_its_schedule(
    queue_settings: Settings,
    job_queue: JobQueue,
    start_worker: Callable[[Settings], WorkerProcess],
) -> None:
    pruning = queue_settings.model_copy(
        update={
            "storage_prune_interval_s": 0.5,
            "film_retention_days": 0,
            "artefact_retention_hours": 0,
        }
    )
    start_worker(pruning)
    record = await job_queue.submit(StoryRequest(story=STORY), Owner(platform="api", user_id="a"))
    folder = queue_settings.storage_path / "jobs" / record.job_id

    for _ in range(600):
        found = await job_queue.get(record.job_id)
        if found.film_expired_at is not None:
            break
        await asyncio.sleep(0.1)
    # Done, so nothing was pruned from under it while it ran (pruning every 0.5 s).
    assert found.status is JobStatus.DONE
    assert found.film_expired_at is not None
    assert not folder.exists()
