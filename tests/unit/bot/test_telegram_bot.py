"""The Telegram adapter's own small rules: what a command's text is, captions within
Telegram's limit, thumbnails Telegram will show, and refusing to start half-configured."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from shotgraph.bot.delivery import Delivery
from shotgraph.bot.telegram_bot import (
    CAPTION_LIMIT,
    THUMBNAIL_SIDE,
    TelegramBot,
    _after_command,
    _caption,
    _thumbnail,
)
from shotgraph.errors import BackendUnavailable
from shotgraph.models import StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, Owner
from tests.conftest import offline_settings
from tests.helpers.results import job_result


def test_the_text_after_a_command_keeps_its_line_breaks() -> None:
    text = '/story@shotgraph_bot --title "A"\nOnce upon a time.\n\nThe end.'
    assert _after_command(text) == '--title "A"\nOnce upon a time.\n\nThe end.'
    assert _after_command("/story") == ""
    assert _after_command("/story   ") == ""


def test_a_caption_stays_within_telegram_s_limit_and_shows_the_cost_only_in_private() -> None:
    record = JobRecord(
        job_id="abc123",
        owner=Owner(platform="telegram", user_id="1", chat_id="1", display_name="Ann"),
        request=StoryRequest(story="Mara ran.", seed=7),
        title="The Kite",
    )
    in_group = record.model_copy(
        update={"owner": record.owner.model_copy(update={"server_id": "-100"})}
    )
    result = job_result("abc123", title="Untitled story", scene_count=2, shot_count=1)
    short = _caption(record, result, Delivery(kind="upload"))
    group = _caption(in_group, result, Delivery(kind="upload"))
    long = _caption(record, result, Delivery(kind="upload", note="x" * 2000))

    assert short.splitlines()[:2] == ["🎬 The Kite", "by Ann"]
    assert short.splitlines()[2].endswith("long, 2 scenes, 1 shot")
    assert short.splitlines()[3] == "storybook · landscape 16:9 · seed 7"
    assert short.endswith("This film made no paid LLM calls.")
    assert "LLM" not in group
    assert len(long) == CAPTION_LIMIT
    assert long.endswith("…")


def test_the_thumbnail_is_a_small_jpeg_or_none(tmp_path: Path) -> None:
    frame = tmp_path / "thumbnail.jpg"
    Image.new("RGB", (1024, 576), "orange").save(frame)

    small = Image.open(io.BytesIO(_thumbnail(frame) or b""))

    assert small.format == "JPEG"
    assert small.size == (THUMBNAIL_SIDE, 180)
    assert _thumbnail(tmp_path / "missing.jpg") is None


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        (
            {"telegram_bot_token": "1:x", "telegram_webhook_url": "https://example.org/hook"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
    ],
)
async def test_the_bot_will_not_start_half_configured(
    job_queue: JobQueue, tmp_path: Path, overrides: dict[str, str], says: str
) -> None:
    with pytest.raises(BackendUnavailable, match=says):
        TelegramBot(offline_settings(tmp_path, **overrides), job_queue)
