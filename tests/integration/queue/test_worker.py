"""Real workers (`shotgraph worker` subprocesses) on a real Redis, rendering real films."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.doctor import run_checks
from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from tests.helpers.media import probe
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
SHORT_STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
LONG_STORY = (ROOT / "examples/stories/the-fox-and-the-lantern.txt").read_text()
TELEGRAM_USER = Owner(platform="telegram", user_id="42", chat_id="42")

StartWorker = Callable[[Settings], WorkerProcess]


async def collect(
    queue: JobQueue,
    job_id: str,
    until: Callable[[StageEvent], bool] | None = None,
    timeout_s: float = 90,
) -> list[StageEvent]:
    """The job's events from its start, up to its end (or to the first one `until` accepts)."""
    seen: list[StageEvent] = []

    async def read() -> None:
        async for _, event in queue.watch(job_id):
            seen.append(event)
            if until is not None and until(event):
                return

    await asyncio.wait_for(read(), timeout_s)
    return seen


async def long_job_until(
    queue: JobQueue, settings: Settings, start_worker: StartWorker, kind: str, stage: Stage
) -> tuple[WorkerProcess, str]:
    """A worker rendering the long story, once its job has reached `kind` of `stage`."""
    worker = start_worker(settings)
    record = await queue.submit(StoryRequest(story=LONG_STORY), TELEGRAM_USER)
    await collect(queue, record.job_id, until=lambda e: e.kind == kind and e.stage is stage)
    return worker, record.job_id


def stage_events(events: list[StageEvent], kind: str) -> list[Stage]:
    return [event.stage for event in events if event.kind == kind and event.stage is not None]


async def test_a_submitted_story_becomes_a_film_with_events_in_order(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    start_worker(queue_settings)
    record = await job_queue.submit(StoryRequest(story=SHORT_STORY), TELEGRAM_USER)

    events = await collect(job_queue, record.job_id)

    assert events[0].kind == "queued"
    assert events[-1].kind == "done"
    assert stage_events(events, "stage_started") == list(Stage)
    assert stage_events(events, "stage_finished") == list(Stage)
    finished = [e for e in events if e.kind == "stage_finished"]
    assert all(e.duration_s is not None and e.duration_s >= 0 for e in finished)
    result = events[-1].result
    assert result is not None
    assert result.job_id == record.job_id
    film = probe(queue_settings.storage_path / result.files.video)
    assert film.stream("video").width == 256
    assert film.stream("video").codec == "h264"
    assert abs(film.duration_s - result.duration_s) < 0.5

    done = await job_queue.get(record.job_id)
    assert done.status is JobStatus.DONE
    assert done.attempts == 1
    assert done.result == result
    assert not await job_queue.redis.sismember(keys.UNFINISHED_JOBS, record.job_id)
    # A chat job waits for its front end to confirm delivery, exactly once.
    assert await job_queue.redis.sismember(keys.UNDELIVERED_JOBS, record.job_id)
    assert await job_queue.store.claim_delivery(record.job_id, lease_s=30)
    assert not await job_queue.store.claim_delivery(record.job_id, lease_s=30)
    await job_queue.store.mark_delivered(record.job_id)
    assert not await job_queue.store.claim_delivery(record.job_id, lease_s=30)
    assert not await job_queue.store.undelivered()


async def test_cancel_while_running_stops_the_job_and_the_worker_goes_on(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    start_worker(queue_settings)
    record = await job_queue.submit(StoryRequest(story=LONG_STORY), TELEGRAM_USER)
    await collect(job_queue, record.job_id, until=lambda e: e.kind == "stage_started")

    await job_queue.cancel(record.job_id, TELEGRAM_USER)
    events = await collect(job_queue, record.job_id, timeout_s=30)

    assert events[-1].kind == "cancelled"
    assert not any(e.kind == "done" for e in events)
    cancelled = await job_queue.get(record.job_id)
    assert cancelled.status is JobStatus.CANCELLED
    assert not (queue_settings.storage_path / "jobs" / record.job_id / "film.mp4").exists()

    # The user's place is free and the worker takes the next story.
    second = await job_queue.submit(StoryRequest(story=SHORT_STORY), TELEGRAM_USER)
    assert (await collect(job_queue, second.job_id))[-1].kind == "done"


async def test_a_killed_worker_s_job_is_finished_by_the_next_one_from_its_checkpoint(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    first, job_id = await long_job_until(
        job_queue, queue_settings, start_worker, "stage_started", Stage.COMPOSE
    )

    first.kill_hard()
    start_worker(queue_settings)
    events = await collect(job_queue, job_id)

    assert [e.kind for e in events].count("done") == 1
    assert any(e.kind == "queued" and "continue" in e.message for e in events)
    result = events[-1].result
    assert result is not None
    # Everything made before the crash came from the job folder, not from a second render.
    assert {Stage.PREPROCESS, Stage.SCENES, Stage.SHOTS, Stage.NARRATION, Stage.VISUALS} <= set(
        result.cached_stages
    )
    done = await job_queue.get(job_id)
    assert done.status is JobStatus.DONE
    assert done.attempts == 2
    assert probe(queue_settings.storage_path / result.files.video).duration_s > 30


async def test_a_stopping_worker_hands_its_job_back_and_it_resumes(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    first, job_id = await long_job_until(
        job_queue, queue_settings, start_worker, "stage_finished", Stage.NARRATION
    )

    assert first.stop() == 0
    requeued = await job_queue.get(job_id)
    assert requeued.status is JobStatus.QUEUED
    start_worker(queue_settings)
    events = await collect(job_queue, job_id)

    assert events[-1].kind == "done"
    assert any("restarting" in e.message for e in events)
    assert Stage.NARRATION in (events[-1].result.cached_stages if events[-1].result else [])


async def test_a_job_past_its_time_limit_fails_with_a_clear_reason(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    start_worker(queue_settings.model_copy(update={"job_timeout_s": 2}))
    record = await job_queue.submit(StoryRequest(story=LONG_STORY), TELEGRAM_USER)

    events = await collect(job_queue, record.job_id)

    assert events[-1].kind == "failed"
    assert events[-1].message == "The film took longer than 2 seconds and was stopped."
    failed = await job_queue.get(record.job_id)
    assert failed.status is JobStatus.FAILED
    assert failed.error == events[-1].message


async def test_a_worker_tells_the_doctor_what_it_holds_until_it_stops(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    worker = start_worker(queue_settings)
    name = next(
        n.decode()
        for n in await job_queue.redis.hkeys(keys.WORKERS)
        if n.endswith(b"-%d" % worker.pid)
    )

    checks = await asyncio.to_thread(lambda: {c.name: c for c in run_checks(queue_settings)})

    assert checks["workers"].detail == f"1 alive: {name} (no models (offline backends))"
    worker.stop()
    assert not await job_queue.redis.hexists(keys.WORKER_MODELS, name)
