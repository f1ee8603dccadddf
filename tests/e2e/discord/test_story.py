"""`/story` end to end: discord.py against the fake Discord, a real Redis and a real worker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from shotgraph.bot.discord_bot import NOT_YOURS
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
    Recorded,
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


def embed_says(message: FakeMessage | None, start: str) -> FakeMessage | None:
    if message is None or not message.embeds:
        return None
    return message if str(message.embed.get("description", "")).startswith(start) else None


def film_uploads(fake: FakeDiscord) -> list[Recorded]:
    return [r for r in fake.requests if any(name.endswith(".mp4") for name, _ in r.files)]


async def test_a_story_from_a_file_is_queued_with_the_file_s_text(
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    job_queue: JobQueue,
) -> None:
    await start_bot(discord_settings)
    ann = fake_discord.user("ann")
    text = "# The Lantern\n\nA fox found a lantern in the snow and carried it home to her cubs."
    file = fake_discord.add_attachment("lantern.md", text.encode(), "text/markdown")

    interaction = await fake_discord.slash(
        guild, guild.channels[0], ann, "story", {"title": "Fox Light"}, attachment=file
    )
    message = await fake_discord.wait_for(
        lambda: embed_says(fake_discord.original(interaction), "In the queue")
    )

    record = await only_job_of(job_queue, ann)
    assert record.request.story == text
    assert record.title == "Fox Light"
    assert record.owner.server_id == guild.id
    assert "Fox Light" in message.embed["title"]
    assert message.custom_ids() == [f"story:cancel:{record.job_id}"]


async def test_cancel_works_for_the_author_and_moderators_and_not_for_others(
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    job_queue: JobQueue,
) -> None:
    await start_bot(discord_settings)
    channel = guild.channels[0]
    ann, bob = fake_discord.user("ann"), fake_discord.user("bob")
    mod = fake_discord.user("mod", moderator=True)
    anns = await fake_discord.slash(guild, channel, ann, "story", {"text": SHORT_STORY})
    bobs = await fake_discord.slash(guild, channel, bob, "story", {"text": SHORT_STORY})
    anns_message = await fake_discord.wait_for(
        lambda: embed_says(fake_discord.original(anns), "In the queue")
    )
    bobs_message = await fake_discord.wait_for(
        lambda: embed_says(fake_discord.original(bobs), "In the queue")
    )
    ann_job, bob_job = await only_job_of(job_queue, ann), await only_job_of(job_queue, bob)
    await fake_discord.wait_for(lambda: anns_message.custom_ids() and bobs_message.custom_ids())

    refused = await fake_discord.click(guild, bob, anns_message, f"story:cancel:{ann_job.job_id}")
    assert await fake_discord.private_reply(refused) == NOT_YOURS
    assert (await job_queue.get(ann_job.job_id)).status is JobStatus.QUEUED

    own = await fake_discord.click(guild, ann, anns_message, f"story:cancel:{ann_job.job_id}")
    assert "Cancelling" in await fake_discord.private_reply(own)
    moderated = await fake_discord.click(guild, mod, bobs_message, f"story:cancel:{bob_job.job_id}")
    assert "Cancelling" in await fake_discord.private_reply(moderated)

    for message in (anns_message, bobs_message):
        await fake_discord.wait_for(
            lambda m=message: embed_says(m, "Cancelled") and not m.custom_ids()
        )
    assert (await job_queue.get(ann_job.job_id)).status is JobStatus.CANCELLED
    assert (await job_queue.get(bob_job.job_id)).status is JobStatus.CANCELLED


async def test_a_bot_restarted_mid_job_delivers_the_film_once(
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    start_worker: StartWorker,
    job_queue: JobQueue,
) -> None:
    first = await start_bot(discord_settings)
    ann = fake_discord.user("ann")
    interaction = await fake_discord.slash(
        guild, guild.channels[0], ann, "story", {"text": SHORT_STORY}
    )
    await fake_discord.wait_for(
        lambda: embed_says(fake_discord.original(interaction), "In the queue")
    )
    await first.stop()

    start_worker(discord_settings)  # the film is made while no bot runs
    record = await only_job_of(job_queue, ann)
    events = [event async for _, event in job_queue.watch(record.job_id)]
    assert events[-1].kind == "done"
    assert not film_uploads(fake_discord)

    await start_bot(discord_settings)
    message = await fake_discord.wait_for(
        lambda: has_film(found := fake_discord.original(interaction)) and found, timeout_s=60
    )
    assert message.embed["description"].startswith("Done")
    third = await start_bot(discord_settings)  # a later restart finds nothing left to do
    await asyncio.sleep(0.5)
    await third.stop()
    assert len(film_uploads(fake_discord)) == 1
    assert (await job_queue.get(record.job_id)).delivered


async def test_after_the_token_s_lifetime_edits_go_through_the_channel_message(
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    start_worker: StartWorker,
) -> None:
    fake_discord.token_lifetime_s = 1.0
    start_worker(discord_settings)
    await start_bot(discord_settings.model_copy(update={"discord_interaction_token_s": 0.5}))
    ann = fake_discord.user("ann")

    interaction = await fake_discord.slash(
        guild, guild.channels[0], ann, "story", {"text": SHORT_STORY}
    )
    message = await fake_discord.wait_for(
        lambda: has_film(found := fake_discord.original(interaction)) and found, timeout_s=60
    )

    through_webhook = fake_discord.requests_to("PATCH", "/webhooks/")
    through_channel = fake_discord.requests_to(
        "PATCH", f"/channels/{message.channel_id}/messages/{message.id}"
    )
    assert through_webhook
    assert through_channel
    assert max(r.at for r in through_webhook) < min(r.at for r in through_channel)
    assert film_uploads(fake_discord) == [through_channel[-1]]
    assert all(r.status == 200 for r in fake_discord.requests), "an expired token was used"


async def test_when_the_bot_cannot_post_in_the_channel_the_author_gets_a_dm(
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    start_worker: StartWorker,
) -> None:
    channel = guild.channels[1]
    channel.bot_may_post = False
    start_worker(discord_settings)
    await start_bot(discord_settings.model_copy(update={"discord_interaction_token_s": 0.3}))
    ann = fake_discord.user("ann")

    await fake_discord.slash(guild, channel, ann, "story", {"text": SHORT_STORY})
    dm = await fake_discord.wait_for(
        lambda: next(
            (
                m
                for m in fake_discord.messages.values()
                if m.channel_id == fake_discord.dm_channels.get(ann.id) and has_film(m)
            ),
            None,
        ),
        timeout_s=60,
    )
    assert dm.embed["description"].startswith("Done")
    assert len(film_uploads(fake_discord)) == 1


async def test_a_film_over_the_upload_limit_is_posted_as_a_signed_link(
    fake_discord: FakeDiscord,
    discord_settings: Settings,
    start_bot: StartBot,
    start_worker: StartWorker,
) -> None:
    small = fake_discord.add_guild("Tiny uploads", ["general"], upload_limit=2_000)
    start_worker(discord_settings)
    await start_bot(discord_settings)
    ann = fake_discord.user("ann")

    interaction = await fake_discord.slash(
        small, small.channels[0], ann, "story", {"text": SHORT_STORY}
    )
    message = await fake_discord.wait_for(
        lambda: (m := fake_discord.original(interaction)) and "url" in m.embed and m, timeout_s=60
    )

    assert "/v/" in message.embed["url"]
    assert message.embed["url"].startswith(discord_settings.api_public_url)
    assert not message.attachments
    assert not film_uploads(fake_discord)


async def test_an_unsafe_story_fails_with_its_category_and_can_be_tried_again(
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    start_worker: StartWorker,
    job_queue: JobQueue,
) -> None:
    start_worker(discord_settings)
    await start_bot(discord_settings)
    ann = fake_discord.user("ann")
    story = "At night the villain wrote down the steps to make a nerve agent in his cellar."

    interaction = await fake_discord.slash(guild, guild.channels[0], ann, "story", {"text": story})
    message = await fake_discord.wait_for(
        lambda: embed_says(fake_discord.original(interaction), "Failed"), timeout_s=60
    )

    assert "flagged for" in message.embed["description"]
    record = await only_job_of(job_queue, ann)
    assert message.custom_ids() == [f"story:retry:{record.job_id}"]
    again = await fake_discord.click(guild, ann, message, f"story:retry:{record.job_id}")
    retried = await fake_discord.wait_for(lambda: fake_discord.original(again))
    assert retried.embeds
    assert len(await job_queue.list_jobs(record.owner)) == 2
