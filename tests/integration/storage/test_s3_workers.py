"""Workers on machines that share only Redis and an S3 bucket (a real SeaweedFS): a job whose
worker is killed -9 mid-job is finished by another from the stored artefacts, the API serves
the film (and Range requests) from the bucket, and retention leaves only the records."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from shotgraph.api.app import create_app
from shotgraph.api.links import DownloadLinks
from shotgraph.bot.delivery import plan_delivery
from shotgraph.config import Settings
from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobStatus, Owner
from shotgraph.storage import Storage, open_storage
from tests.helpers.media import probe
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
SHORT_STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
LONG_STORY = (ROOT / "examples/stories/the-fox-and-the-lantern.txt").read_text()
USER = Owner(platform="api", user_id="alice")
ALICE = {"Authorization": "Bearer alice-key"}

StartWorker = Callable[[Settings], WorkerProcess]


@pytest.fixture
def s3_settings(queue_settings: Settings, s3_overrides: dict[str, object]) -> Settings:
    return queue_settings.model_copy(
        update=Settings(_env_file=None, **s3_overrides).model_dump(include=set(s3_overrides))
    )


def on_machine(settings: Settings, scratch: Path) -> Settings:
    return settings.model_copy(update={"scratch_path": scratch})


async def finished(queue: JobQueue, job_id: str, timeout_s: float = 240) -> list[StageEvent]:
    seen: list[StageEvent] = []

    async def read() -> None:
        async for _, event in queue.watch(job_id):
            seen.append(event)
            if event.kind in ("done", "failed", "cancelled"):
                return

    await asyncio.wait_for(read(), timeout_s)
    return seen


async def wait_for_clips(store: Storage, job_id: str, count: int, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while len(clips(store, job_id)) < count:
        assert time.monotonic() < deadline, "the first worker published too few clips"
        await asyncio.sleep(0.2)


def clips(store: Storage, job_id: str) -> dict[str, float]:
    prefix = f"jobs/{job_id}/{Stage.VISUALS.value}/"
    return {stored.key: stored.modified for stored in store.list(prefix)}


async def test_a_job_killed_on_one_machine_finishes_on_another_from_the_store(
    s3_settings: Settings, job_queue: JobQueue, start_worker: StartWorker, tmp_path: Path
) -> None:
    store = open_storage(s3_settings)
    first = start_worker(on_machine(s3_settings, tmp_path / "machine-1"))
    record = await job_queue.submit(StoryRequest(story=LONG_STORY), USER)
    await wait_for_clips(store, record.job_id, 3)
    first.kill_hard()
    made_before = clips(store, record.job_id)

    start_worker(on_machine(s3_settings, tmp_path / "machine-2"))
    events = await finished(job_queue, record.job_id)

    assert events[-1].kind == "done", events[-1]
    result = events[-1].result
    assert result is not None
    after = clips(store, record.job_id)
    # Every clip stored before the kill is the same object: none was made again.
    assert {key: after[key] for key in made_before} == made_before
    assert {Stage.PREPROCESS, Stage.SCENES, Stage.SHOTS, Stage.NARRATION} <= set(
        result.cached_stages
    )
    assert (await job_queue.get(record.job_id)).attempts == 2
    assert not (tmp_path / "machine-2" / "jobs" / record.job_id).exists()

    await check_the_api_serves_it_from_the_store(s3_settings, store, record.job_id)


async def check_the_api_serves_it_from_the_store(
    settings: Settings, store: Storage, job_id: str
) -> None:
    app = create_app(settings)
    key = f"jobs/{job_id}/film.mp4"
    whole = b"".join(store.read(key))
    assert probe_bytes(whole).duration_s > 30
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            full = await http.get(f"/video/{job_id}", headers=ALICE)
            assert full.status_code == 200
            assert full.content == whole
            assert full.headers["accept-ranges"] == "bytes"

            part = await http.get(f"/video/{job_id}", headers={**ALICE, "Range": "bytes=100-1099"})
            assert part.status_code == 206
            assert part.content == whole[100:1100]
            assert part.headers["content-range"] == f"bytes 100-1099/{len(whole)}"

            tail = await http.get(f"/video/{job_id}", headers={**ALICE, "Range": "bytes=-10"})
            assert tail.status_code == 206
            assert tail.content == whole[-10:]

            past = await http.get(
                f"/video/{job_id}", headers={**ALICE, "Range": f"bytes={len(whole)}-"}
            )
            assert past.status_code == 416

            link = DownloadLinks(settings).url_for(job_id).split("/v/", 1)[1]
            shared = await http.get(f"/v/{link}", headers={"Range": "bytes=0-99"})
            assert shared.status_code == 206
            assert shared.content == whole[:100]

    # With presigned redirects the link sends the player to the bucket, Range and all.
    redirecting = settings.model_copy(update={"s3_presigned_redirect": True})
    app = create_app(redirecting)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            moved = await http.get(f"/v/{link}")
    assert moved.status_code == 307
    target = moved.headers["location"]
    expires = int(httpx.URL(target).params["X-Amz-Expires"])
    assert settings.link_ttl_s - 60 <= expires <= settings.link_ttl_s
    direct = await asyncio.to_thread(httpx.get, target, headers={"Range": "bytes=10-19"})
    assert direct.status_code == 206
    assert direct.content == whole[10:20]


def probe_bytes(data: bytes):
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
        file.write(data)
        file.flush()
        return probe(Path(file.name))


async def test_prune_with_zero_retention_leaves_the_records_and_says_expired(
    s3_settings: Settings, job_queue: JobQueue, start_worker: StartWorker, tmp_path: Path
) -> None:
    start_worker(on_machine(s3_settings, tmp_path / "machine-1"))
    record = await job_queue.submit(StoryRequest(story=SHORT_STORY), USER)
    events = await finished(job_queue, record.job_id, timeout_s=120)
    result = events[-1].result
    assert result is not None
    store = open_storage(s3_settings)
    assert store.stat(result.files.video) is not None

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("S3_", "STORAGE_"))},
        "REDIS_URL": s3_settings.redis_url,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": str(s3_settings.s3_bucket),
        "S3_PREFIX": s3_settings.s3_prefix,
        "S3_ENDPOINT_URL": str(s3_settings.s3_endpoint_url),
        "S3_ACCESS_KEY_ID": s3_settings.s3_access_key_id.get_secret_value(),  # type: ignore[union-attr]
        "S3_SECRET_ACCESS_KEY": s3_settings.s3_secret_access_key.get_secret_value(),  # type: ignore[union-attr]
        "FILM_RETENTION_DAYS": "0",
        "ARTEFACT_RETENTION_HOURS": "0",
        "COLUMNS": "200",
    }

    def storage(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "shotgraph", "storage", command],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )

    usage = await asyncio.to_thread(storage, "usage")
    assert usage.returncode == 0, usage.stderr
    for kind in ("film", "subtitles", "clips", "narration", "music"):
        assert kind in usage.stdout
    pruned = await asyncio.to_thread(storage, "prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "1 films expired" in pruned.stdout

    assert store.list(f"jobs/{record.job_id}/") == []
    kept = await job_queue.get(record.job_id)
    assert kept.status is JobStatus.DONE
    assert kept.result == result
    assert kept.film_expired_at is not None

    app = create_app(s3_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            answer = await http.get(f"/video/{record.job_id}", headers=ALICE)
            status = await http.get(f"/status/{record.job_id}", headers=ALICE)
            link = await http.get(f"/jobs/{record.job_id}/link", headers=ALICE)
    assert answer.status_code == 410
    assert answer.json()["detail"].startswith("This film has expired")
    assert link.status_code == 410
    assert status.json()["status"] == "done"  # the record is all there, and says so
    assert status.json()["film_expired_at"] == kept.film_expired_at

    # The bots' delivery says so too, whether or not the record was read first.
    for expired in (True, False):
        delivery = await plan_delivery(s3_settings, result, 50_000_000, expired)
        assert delivery.kind == "expired"
        assert delivery.note.startswith("This film has expired")
