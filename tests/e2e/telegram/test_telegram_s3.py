"""The Telegram bot on a small box and a worker on a "GPU pod" that share only Redis and an S3
bucket (a real SeaweedFS): the film reaches the chat from the bucket, and once retention has
deleted it the bot says the film expired."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.storage import open_storage
from shotgraph.storage.retention import prune_jobs
from tests.e2e.telegram.conftest import StartBot, with_settings
from tests.fakes.telegram_api import FakeTelegramApi
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite."


async def test_a_film_from_the_bucket_reaches_the_chat_then_expires(
    telegram_api: FakeTelegramApi,
    telegram_settings: Settings,
    s3_overrides: dict[str, object],
    start_worker: Callable[[Settings], WorkerProcess],
    start_bot: StartBot,
    tmp_path: Path,
) -> None:
    settings = with_settings(telegram_settings, **s3_overrides)
    start_worker(with_settings(settings, scratch_path=tmp_path / "gpu-pod"))
    await start_bot(**{**s3_overrides, "scratch_path": tmp_path / "small-box"})

    await telegram_api.send_text('/story --title "The Kite" ' + STORY)
    video = await telegram_api.wait_for_call("sendVideo", timeout_s=90)
    with av.open(io.BytesIO(video.file("video").data)) as film:
        assert film.duration is not None
        assert film.duration > 2 * av.time_base
    assert video.params.get("thumbnail")  # fetched from the bucket too
    assert not settings.storage_path.exists()  # nothing went through a shared folder
    reseed = next(b for b in video.keyboard if b["text"] == "New seed")
    job_id = reseed["callback_data"].split(":")[1]

    expiring = settings.model_copy(update={"film_retention_days": 0, "artefact_retention_hours": 0})
    queue = await JobQueue.connect(expiring)
    try:
        report = await prune_jobs(open_storage(expiring), queue.store, expiring)
    finally:
        await queue.close()
    assert report.films_expired == [job_id]

    expired = "This film has expired: films are kept for 30 days after they are made."
    await telegram_api.press_button(video, "Subtitles")
    alert = await telegram_api.wait_for_call(
        "answerCallbackQuery", lambda call: "text" in call.params
    )
    assert alert.params["text"] == expired
    reply = await telegram_api.reply_to(telegram_api.send_text(f"/subtitles {job_id}"))
    assert reply == expired
    status = await telegram_api.reply_to(telegram_api.send_text("/status"))
    assert "🎬 The Kite · done · just now (the film has expired)" in status
