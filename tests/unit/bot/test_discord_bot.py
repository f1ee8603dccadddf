"""The Discord adapter's own pieces: the progress embed, its buttons, the message reference."""

from __future__ import annotations

import re
import time

from shotgraph.bot.delivery import Delivery
from shotgraph.bot.discord_bot import (
    BUTTON_TEMPLATE,
    DM_UPLOAD_LIMIT,
    UPLOAD_BODY_ROOM,
    ProgressRef,
    progress_buttons,
    progress_embed,
    result_buttons,
    result_embed,
)
from shotgraph.bot.finished import film_filename
from shotgraph.bot.progress import ProgressTracker, ProgressView
from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.queue.records import JobRecord, Owner
from tests.helpers.results import job_result

JOB_ID = "0123456789abcdef"
RECORD = JobRecord(
    job_id=JOB_ID,
    owner=Owner(platform="discord", user_id="1", chat_id="2", server_id="3"),
    request=StoryRequest(story="Mara ran up the hill at dawn with her kite."),
    title="The Kite",
)


def view_after(*events: StageEvent) -> ProgressView:
    tracker = ProgressTracker(RECORD)
    for event in events:
        tracker.apply(event)
    return tracker.view()


def custom_ids(view: ProgressView) -> list[str]:
    return [getattr(item, "custom_id", "") for item in progress_buttons(view).children]


async def test_a_running_job_shows_its_stages_and_can_be_cancelled() -> None:
    view = view_after(
        StageEvent(kind="stage_started", stage=Stage.PREPROCESS),
        StageEvent(kind="stage_finished", stage=Stage.PREPROCESS, duration_s=2),
        StageEvent(kind="stage_progress", stage=Stage.SCENES, fraction=0.5),
    )

    embed = progress_embed(view)

    assert embed.title == "🎬 The Kite"
    stages = embed.fields[0].value or ""
    assert stages.count("✅") == 1
    assert "▓▓▓▓▓░░░░░ 50%" in stages
    assert embed.footer.text == f"job {JOB_ID}"
    assert custom_ids(view) == [f"story:cancel:{JOB_ID}"]


async def test_a_failed_job_offers_try_again_a_refused_one_an_edit_and_a_done_one_nothing() -> None:
    failed = view_after(StageEvent(kind="failed", message="The worker gave up."))
    refused = view_after(
        StageEvent(kind="stage_started", stage=Stage.SAFETY),
        StageEvent(kind="failed", message="This story can't be filmed: it was flagged for S9."),
    )
    done = view_after(StageEvent(kind="done", result=job_result(JOB_ID, title="The Kite")))

    assert (progress_embed(failed).description or "").startswith("Failed: The worker gave up")
    assert custom_ids(failed) == [f"story:retry:{JOB_ID}"]
    assert custom_ids(refused) == [f"story:edit:{JOB_ID}"]
    assert "❌ Safety check: This story" in (progress_embed(refused).fields[0].value or "")
    assert custom_ids(done) == []
    assert "$" not in str(progress_embed(done).to_dict()), "no cost in the channel"


def test_the_finished_film_names_the_story_and_mentions_its_author() -> None:
    result = job_result(JOB_ID, title="Untitled story", scene_count=1, shot_count=6)
    embed = result_embed(RECORD, result, Delivery(kind="upload"), thumbnail=True)

    assert embed.title == "🎬 The Kite"
    lines = (embed.description or "").splitlines()
    assert lines[0] == "by <@1>"
    assert lines[1].endswith(", 1 scene, 6 shots")
    assert lines[2] == "storybook · landscape 16:9 · seed 0"
    assert embed.thumbnail.url == "attachment://thumbnail.jpg"
    labels = [item.item.label for item in result_buttons(RECORD, result).children]
    assert labels == ["New seed", "Vertical", "Subtitles", "Delete"]


def test_custom_ids_fit_discord_and_name_the_job() -> None:
    for action in ("cancel", "retry", "edit", "reseed", "reformat", "subtitles", "delete", "get"):
        custom_id = f"story:{action}:{JOB_ID}"
        match = re.fullmatch(BUTTON_TEMPLATE, custom_id)
        assert match is not None
        assert match["job_id"] == JOB_ID
        assert 1 <= len(custom_id) <= 100


def test_the_interaction_token_is_used_only_while_it_lives() -> None:
    ref = ProgressRef(
        application_id=1,
        interaction_token="t",
        token_valid_until=time.time() + 60,
        channel_id=2,
        message_id=3,
        author_id=4,
        upload_limit=10,
    )
    assert ref.token_usable()
    assert not ref.model_copy(update={"token_valid_until": time.time() - 1}).token_usable()
    assert not ref.model_copy(update={"interaction_token": None}).token_usable()


def test_the_film_file_is_named_after_its_title() -> None:
    assert film_filename("The Kite: Part 2!") == "The Kite_ Part 2_.mp4"
    assert film_filename("", ".srt") == "film.srt"


def test_each_route_has_its_own_upload_limit() -> None:
    """The interaction's limit holds for its webhook only; the channel gets the server's, a
    DM 10 MiB, and no request carries over 25 MiB whatever Nitro allows."""
    nitro, server = 500 * 1024 * 1024, 50 * 1024 * 1024
    live = ProgressRef(
        application_id=1,
        interaction_token="token",
        token_valid_until=time.time() + 60,
        channel_id=2,
        message_id=3,
        author_id=4,
        upload_limit=nitro,
        server_upload_limit=server,
    )
    expired = live.model_copy(update={"token_valid_until": time.time() - 1})

    assert live.route_limit() == UPLOAD_BODY_ROOM
    assert expired.route_limit() == UPLOAD_BODY_ROOM
    small_server = expired.model_copy(update={"server_upload_limit": 10 * 1024 * 1024})
    assert small_server.route_limit() == 10 * 1024 * 1024
    assert expired.model_copy(update={"in_dm": True}).route_limit() == DM_UPLOAD_LIMIT
    assert live.model_copy(update={"upload_limit": 8 * 1024 * 1024}).route_limit() == 8 << 20
