"""`/story` end to end: discord.py against the fake Discord, a real Redis and a real worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from tests.e2e.discord.conftest import StartBot
from tests.fakes.discord_api import (
    DEFERRED_CHANNEL_MESSAGE,
    FakeDiscord,
    FakeGuild,
    FakeMessage,
    FakeUser,
)
from tests.helpers.media import probe
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

SHORT_STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
StartWorker = Callable[[Settings], WorkerProcess]


async def only_job_of(queue: JobQueue, user: FakeUser) -> JobRecord:
    jobs = await queue.list_jobs(Owner(platform="discord", user_id=user.id))
    assert len(jobs) == 1, jobs
    return jobs[0]


def has_film(message: FakeMessage | None) -> bool:
    return message is not None and any(name.endswith(".mp4") for name, _ in message.attachments)


async def test_a_story_in_text_becomes_a_film_posted_in_the_channel(
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    start_worker: StartWorker,
    job_queue: JobQueue,
    tmp_path: Path,
) -> None:
    start_worker(discord_settings)
    await start_bot(discord_settings)
    ann = fake_discord.user("ann")

    interaction = await fake_discord.slash(
        guild, guild.channels[0], ann, "story", {"text": SHORT_STORY, "format": "9:16"}
    )
    message = await fake_discord.wait_for(
        lambda: has_film(found := fake_discord.original(interaction)) and found, timeout_s=90
    )

    # Deferred at once (the fake refuses callbacks after 3 s), publicly.
    assert interaction.callbacks[0]["type"] == DEFERRED_CHANNEL_MESSAGE
    assert not message.ephemeral
    # Progress edits in order: queued or running first, stages ticking off, then done.
    descriptions = [state["embeds"][0]["description"] for state in message.history]
    assert descriptions[-1].startswith("Done")
    ticks = [
        next(
            f["value"] for f in state["embeds"][0].get("fields", []) if f["name"] == "Stages"
        ).count("✅")
        for state in message.history
        if any(f["name"] == "Stages" for f in state["embeds"][0].get("fields", []))
    ]
    assert ticks == sorted(ticks)
    assert ticks[-1] == 8
    record = await only_job_of(job_queue, ann)
    assert any(f"story:cancel:{record.job_id}" in state["custom_ids"] for state in message.history)
    assert message.custom_ids() == []
    # The film: an MP4 that libav reads, vertical as asked; title, length and cost shown.
    name, data = next((n, d) for n, d in message.attachments if n.endswith(".mp4"))
    film = tmp_path / name
    film.write_bytes(data)
    video = probe(film).stream("video")
    assert (video.codec, video.width < video.height) == ("h264", True)
    fields = {f["name"]: f["value"] for f in message.embed["fields"]}
    assert {"Length", "LLM cost"} <= fields.keys()
    assert "The Kite" in message.embed["title"]
    assert record.status is JobStatus.DONE
    assert record.delivered
    assert all(r.status < 400 for r in fake_discord.requests)
