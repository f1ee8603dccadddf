"""Retention on a real local store and real Redis records: films and artefacts expire on their
own clocks, unfinished jobs are never touched, records stay and say the film expired."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from shotgraph.models import StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from shotgraph.storage import open_storage
from shotgraph.storage.local import LocalStorage
from shotgraph.storage.retention import kind_of, prune, prune_jobs, usage
from tests.conftest import offline_settings

DAY = 86_400.0
FILES = {
    "film.mp4": 1000,
    "film.srt": 10,
    "plan.json": 20,
    "thumbnail.jpg": 30,
    "visuals/s01-01.abc.mp4": 500,
    "narration/s01-01.abc.wav": 200,
    "music/scene-000.abc.wav": 300,
    "shots/scene-000.json": 5,
}


def make_job(root: Path, job_id: str, age_s: float) -> None:
    written = time.time() - age_s
    for name, size in FILES.items():
        path = root / "jobs" / job_id / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
        os.utime(path, (written, written))


def test_usage_counts_bytes_per_kind(tmp_path: Path) -> None:
    make_job(tmp_path, "a", 0)
    make_job(tmp_path, "b", 0)
    found = usage(LocalStorage(tmp_path))
    assert found.jobs == 2
    assert found.bytes == {
        "film": 2000, "subtitles": 20, "plan": 40, "thumbnail": 60,
        "clips": 1000, "narration": 400, "music": 600, "shots": 10,
    }  # fmt: skip
    assert found.total_bytes == 2 * sum(FILES.values())
    assert kind_of("jobs/a/film.fit-1000.mp4") == "film"


def test_artefacts_go_before_films_and_unfinished_jobs_stay(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path, film_retention_days=30, artefact_retention_hours=72)
    root = settings.storage_path
    make_job(root, "fresh", 3600)  # an hour old: nothing goes
    make_job(root, "week", 7 * DAY)  # artefacts go, the film stays
    make_job(root, "old", 31 * DAY)  # everything goes
    make_job(root, "running", 31 * DAY)  # still unfinished: untouched
    store = open_storage(settings)

    report = prune(store, settings, unfinished=["running"])

    assert report.films_expired == ["old"]
    left = {stored.key for stored in store.list("jobs/")}
    assert {key for key in left if key.startswith("jobs/fresh/")} == {
        f"jobs/fresh/{name}" for name in FILES
    }
    assert {key for key in left if key.startswith("jobs/week/")} == {
        "jobs/week/film.mp4", "jobs/week/film.srt", "jobs/week/plan.json",
        "jobs/week/thumbnail.jpg",
    }  # fmt: skip
    assert not any(key.startswith("jobs/old/") for key in left)
    assert len([key for key in left if key.startswith("jobs/running/")]) == len(FILES)
    assert not (root / "jobs" / "old").exists()  # no empty folders left behind
    assert report.deleted_bytes == sum(FILES.values()) + 1005


@pytest.mark.usefixtures("redis_url")
async def test_prune_marks_expired_films_in_their_records(queue_settings, tmp_path: Path) -> None:
    settings = queue_settings.model_copy(
        update={"film_retention_days": 0, "artefact_retention_hours": 0}
    )
    queue = await JobQueue.connect(settings)
    try:
        owner = Owner(platform="api", user_id="alice")
        done = await queue.submit(StoryRequest(story="Mara ran up the hill at dawn."), owner)
        await queue.store.finish(done, JobStatus.DONE)
        other = Owner(platform="api", user_id="bob")
        waiting = await queue.submit(StoryRequest(story="Tom watched the rain fall."), other)
        for job_id in (done.job_id, waiting.job_id, "lapsed"):
            make_job(settings.storage_path, job_id, 10)

        report = await prune_jobs(open_storage(settings), queue.store, settings)

        assert sorted(report.films_expired) == sorted([done.job_id, "lapsed"])
        assert (await queue.get(done.job_id)).film_expired_at is not None
        assert (await queue.get(waiting.job_id)).film_expired_at is None
        assert await queue.store.get("lapsed") is None  # no stub record made for it
        assert len(open_storage(settings).list(f"jobs/{waiting.job_id}/")) == len(FILES)
    finally:
        await queue.close()
