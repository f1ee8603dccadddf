"""Stops that stop and crashes that resume: real workers, real films, real kills.

A cancel or a SIGTERM that lands while the film is being composed must end the job within the
grace time, with no film written, no ffmpeg left running and no scratch left on disk; a
pipeline process that dies mid-job must cost the job one try, not the job.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil
import pytest

from shotgraph.config import Settings
from shotgraph.models import Stage
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus
from tests.helpers.worker_process import WorkerProcess
from tests.integration.queue.test_worker import (
    TELEGRAM_USER,
    StartWorker,
    collect,
    long_job_until,
)

pytestmark = pytest.mark.slow


def processes_of(job_id: str) -> list[str]:
    """Command lines of every process still working on the job (ffmpeg names its files)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if job_id in cmdline:
            found.append(cmdline)
    return found


def pipeline_child(worker: WorkerProcess) -> psutil.Process:
    children = psutil.Process(worker.pid).children()
    return next(c for c in children if "spawn_main" in " ".join(c.cmdline()))


def assert_nothing_left(settings: Settings, job_id: str) -> None:
    folder = settings.storage_path / "jobs" / job_id
    assert not (folder / "film.mp4").exists()
    assert not (folder / "scratch").exists()
    assert not list(folder.glob("**/.*partial*"))
    assert processes_of(job_id) == []


async def compose_under_way(
    queue: JobQueue, settings: Settings, start: StartWorker
) -> tuple[WorkerProcess, str]:
    """A worker composing the long story's film, with frames already going to ffmpeg."""
    worker, job_id = await long_job_until(queue, settings, start, "stage_progress", Stage.COMPOSE)
    assert processes_of(job_id), "no ffmpeg is encoding the film"
    return worker, job_id


async def test_a_cancel_during_compose_stops_without_a_film(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    _, job_id = await compose_under_way(job_queue, queue_settings, start_worker)

    asked = time.monotonic()
    await job_queue.cancel(job_id, TELEGRAM_USER)
    events = await collect(job_queue, job_id, timeout_s=30)

    assert events[-1].kind == "cancelled"
    assert time.monotonic() - asked < queue_settings.cancel_grace_s
    assert (await job_queue.get(job_id)).status is JobStatus.CANCELLED
    assert_nothing_left(queue_settings, job_id)


async def test_a_sigterm_during_compose_hands_the_job_back_without_a_film(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    worker, job_id = await compose_under_way(job_queue, queue_settings, start_worker)

    asked = time.monotonic()
    assert worker.stop(timeout_s=queue_settings.shutdown_grace_s) == 0

    assert time.monotonic() - asked < queue_settings.shutdown_grace_s
    assert (await job_queue.get(job_id)).status is JobStatus.QUEUED
    assert_nothing_left(queue_settings, job_id)


async def test_a_dead_pipeline_process_costs_a_try_and_the_job_resumes(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    worker, job_id = await compose_under_way(job_queue, queue_settings, start_worker)

    os.kill(pipeline_child(worker).pid, signal.SIGKILL)  # as the kernel's OOM killer would
    events = await collect(job_queue, job_id)

    assert [e.kind for e in events].count("done") == 1
    assert any(e.kind == "queued" and "pipeline stopped" in e.message for e in events)
    result = events[-1].result
    assert result is not None
    assert {Stage.NARRATION, Stage.VISUALS, Stage.MUSIC} <= set(result.cached_stages)
    done = await job_queue.get(job_id)
    assert done.status is JobStatus.DONE
    assert done.attempts == 2
    assert not (Path(queue_settings.storage_path) / "jobs" / job_id / "scratch").exists()
