"""`/story` end to end: discord.py against the fake Discord, a real Redis and a real worker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from shotgraph.bot.discord_bot import NOT_YOURS
from shotgraph.models import Stage
from shotgraph.queue.records import JobStatus
from tests.e2e.discord.conftest import SHORT_STORY, Scene, film_uploads, has_film
from tests.fakes.discord_api import DEFERRED_CHANNEL_MESSAGE, EPHEMERAL_FLAG, FakeMessage, FakeUser
from tests.helpers.media import probe

pytestmark = pytest.mark.slow


def stage_ticks(message: FakeMessage) -> list[int]:
    """How many stages were ticked off in each state the message went through."""
    ticks = []
    for state in message.history:
        fields = {f["name"]: f["value"] for f in state["embeds"][0].get("fields", [])}
        if "Stages" in fields:
            ticks.append(fields["Stages"].count("✅"))
    return ticks


async def test_a_story_in_text_becomes_a_film_posted_in_the_channel(
    scene: Scene, tmp_path: Path
) -> None:
    scene.worker()
    await scene.bot()

    interaction = await scene.command("story", {"text": SHORT_STORY, "format": "9:16"})
    message = await scene.film_in(interaction)

    # Deferred publicly within Discord's 3 s (the fake refuses later callbacks).
    callback = scene.fake.requests_to("POST", f"/interactions/{interaction.id}/")[0]
    assert callback.at - interaction.created_at < 3
    assert interaction.callbacks[0]["type"] == DEFERRED_CHANNEL_MESSAGE
    assert not message.ephemeral
    # Progress edits in order: stages ticking off one by one, then done; Cancel meanwhile.
    record = await scene.only_job_of(scene.ann)
    assert stage_ticks(message) == sorted(stage_ticks(message))
    assert stage_ticks(message)[-1] == len(Stage)
    assert any(f"story:cancel:{record.job_id}" in state["custom_ids"] for state in message.history)
    assert message.custom_ids() == [f"sb:retake:{record.job_id}"]  # retake a shot
    assert message.history[-1]["embeds"][0]["description"].startswith("Done")
    # The film: an MP4 that libav reads, vertical as asked; title, length and cost shown.
    name, data = next((n, d) for n, d in message.attachments if n.endswith(".mp4"))
    (tmp_path / name).write_bytes(data)
    video = probe(tmp_path / name).stream("video")
    assert video.codec == "h264"
    assert video.width < video.height
    fields = {f["name"]: f["value"] for f in message.embed["fields"]}
    assert {"Length", "LLM cost"} <= fields.keys()
    assert "The Kite" in message.embed["title"]
    assert record.status is JobStatus.DONE
    assert record.delivered
    assert all(r.status < 400 for r in scene.fake.requests)


async def test_a_story_from_a_file_is_queued_with_the_file_s_text(scene: Scene) -> None:
    await scene.bot()
    text = "# The Lantern\n\nA fox found a lantern in the snow and carried it home to her cubs."
    file = scene.fake.add_attachment("lantern.md", text.encode(), "text/markdown")

    interaction = await scene.command("story", {"title": "Fox Light"}, attachment=file)
    message = await scene.progress(interaction, "In the queue")

    record = await scene.only_job_of(scene.ann)
    assert record.request.story == text
    assert record.title == "Fox Light"
    assert record.owner.server_id == scene.guild.id
    assert "Fox Light" in message.embed["title"]
    assert message.custom_ids() == [f"story:cancel:{record.job_id}"]


async def test_only_me_keeps_the_progress_private(scene: Scene) -> None:
    await scene.bot()

    interaction = await scene.command("story", {"text": SHORT_STORY, "visibility": "only_me"})
    message = await scene.progress(interaction, "In the queue")

    assert interaction.callbacks[0]["data"]["flags"] & EPHEMERAL_FLAG
    assert message.ephemeral


async def test_cancel_works_for_the_author_and_moderators_and_not_for_others(
    scene: Scene,
) -> None:
    await scene.bot()
    bob, mod = scene.fake.user("bob"), scene.fake.user("mod", moderator=True)
    anns_message = await scene.progress(await scene.story(), "In the queue")
    bobs_message = await scene.progress(await scene.story(user=bob), "In the queue")
    ann_job, bob_job = await scene.only_job_of(scene.ann), await scene.only_job_of(bob)

    async def press(user: FakeUser, message: FakeMessage, job_id: str) -> str:
        interaction = await scene.fake.click(scene.guild, user, message, f"story:cancel:{job_id}")
        return await scene.fake.private_reply(interaction)

    assert await press(bob, anns_message, ann_job.job_id) == NOT_YOURS
    assert (await scene.queue.get(ann_job.job_id)).status is JobStatus.QUEUED
    assert "Cancelling" in await press(scene.ann, anns_message, ann_job.job_id)
    assert "Cancelling" in await press(mod, bobs_message, bob_job.job_id)

    for message in (anns_message, bobs_message):
        await scene.fake.wait_for(
            lambda m=message: not m.custom_ids() and "Cancelled" in str(m.embed)
        )
    assert (await scene.queue.get(ann_job.job_id)).status is JobStatus.CANCELLED
    assert (await scene.queue.get(bob_job.job_id)).status is JobStatus.CANCELLED


async def test_a_bot_restarted_mid_job_delivers_the_film_once(scene: Scene) -> None:
    first = await scene.bot()
    interaction = await scene.story()
    await scene.progress(interaction, "In the queue")
    await first.stop()

    scene.worker()  # the film is made while no bot runs
    record = await scene.only_job_of(scene.ann)
    events = [event async for _, event in scene.queue.watch(record.job_id)]
    assert events[-1].kind == "done"
    assert not film_uploads(scene.fake)

    await scene.bot()
    message = await scene.film_in(interaction)
    assert message.embed["description"].startswith("Done")
    third = await scene.bot()  # a later restart finds nothing left to do
    await asyncio.sleep(0.5)
    await third.stop()
    assert len(film_uploads(scene.fake)) == 1
    assert (await scene.queue.get(record.job_id)).delivered


async def test_after_the_token_s_lifetime_edits_go_through_the_channel_message(
    scene: Scene,
) -> None:
    scene.fake.token_lifetime_s = 1.0
    scene.worker()
    await scene.bot(discord_interaction_token_s=0.5)

    message = await scene.film_in(await scene.story())

    through_webhook = scene.fake.requests_to("PATCH", "/webhooks/")
    through_channel = scene.fake.requests_to(
        "PATCH", f"/channels/{message.channel_id}/messages/{message.id}"
    )
    assert through_webhook
    assert through_channel
    assert max(r.at for r in through_webhook) < min(r.at for r in through_channel)
    assert film_uploads(scene.fake) == [through_channel[-1]]
    assert all(r.status == 200 for r in scene.fake.requests), "an expired token was used"


async def test_a_token_that_dies_early_is_called_once_and_never_again(scene: Scene) -> None:
    scene.fake.token_lifetime_s = 0.5  # Discord ended it before the bot's clock did
    scene.worker()
    await scene.bot()

    message = await scene.film_in(await scene.story())

    refused = [r for r in scene.fake.requests if r.status == 401]
    assert len(refused) == 1
    later = [r for r in scene.fake.requests if r.at > refused[0].at]
    assert later
    assert not [r for r in later if "/webhooks/" in r.path]
    assert film_uploads(scene.fake)[-1].path.startswith(f"/channels/{message.channel_id}/")


async def test_when_the_bot_cannot_post_in_the_channel_the_author_gets_a_dm(
    scene: Scene,
) -> None:
    closed = scene.guild.channels[1]
    closed.bot_may_post = False
    scene.worker()
    await scene.bot(discord_interaction_token_s=0.3)

    await scene.story(channel=closed)
    dm = await scene.fake.wait_for(
        lambda: next(
            (
                m
                for m in scene.fake.channel_messages(scene.fake.dm_channels.get(scene.ann.id, ""))
                if has_film(m)
            ),
            None,
        ),
        timeout_s=60,
    )
    assert dm.embed["description"].startswith("Done")
    assert len(film_uploads(scene.fake)) == 1


async def test_a_film_over_the_upload_limit_is_posted_as_a_signed_link(scene: Scene) -> None:
    small = scene.fake.add_guild("Tiny uploads", ["general"], upload_limit=2_000)
    scene.worker()
    await scene.bot()

    message = await scene.progress(await scene.story(guild=small), "Done")
    message = await scene.fake.wait_for(lambda: "url" in message.embed and message, timeout_s=30)

    assert message.embed["url"].startswith(f"{scene.settings.api_public_url}/v/")
    assert not message.attachments
    assert not film_uploads(scene.fake)


async def test_a_server_whose_limit_fell_mid_job_gets_the_link_instead(scene: Scene) -> None:
    scene.worker()
    await scene.bot()

    interaction = await scene.story()
    await scene.progress(interaction, "Rendering")
    scene.guild.upload_limit = 2_000  # the server lost its boost: uploads now stop lower
    message = await scene.fake.wait_for(
        lambda: (m := scene.fake.original(interaction)) and "url" in m.embed and m, timeout_s=60
    )

    assert [r.status for r in film_uploads(scene.fake)] == [413]
    assert "/v/" in message.embed["url"]


async def test_an_unsafe_story_fails_with_its_category_and_can_be_tried_again(
    scene: Scene,
) -> None:
    scene.worker()
    await scene.bot()
    story = "At night the villain wrote down the steps to make a nerve agent in his cellar."

    message = await scene.progress(await scene.story(story), "Failed")

    assert "flagged for" in message.embed["description"]
    record = await scene.only_job_of(scene.ann)
    assert message.custom_ids() == [f"story:retry:{record.job_id}"]
    again = await scene.fake.click(scene.guild, scene.ann, message, f"story:retry:{record.job_id}")
    # Acknowledged at once ("thinking"), then the new job's progress replaces it.
    retried = await scene.fake.wait_for(lambda: (m := scene.fake.original(again)) and m.embeds)
    assert retried
    assert len(await scene.queue.list_jobs(record.owner)) == 2
