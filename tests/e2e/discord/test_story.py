"""`/story` end to end: discord.py against the fake Discord, a real Redis and a real worker."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from shotgraph.bot.discord_bot import NOT_YOURS
from shotgraph.models import Stage
from shotgraph.queue.records import JobStatus
from tests.e2e.discord.conftest import SHORT_STORY, Scene, film_uploads, has_film
from tests.fakes.discord_api import (
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL_FLAG,
    FakeInteraction,
    FakeMessage,
    FakeUser,
)
from tests.fakes.llm_server import FakeLlmServer
from tests.helpers.media import probe
from tests.helpers.watch_page import open_in_browser
from tests.integration.test_llm_render import STORY as OWL
from tests.integration.test_llm_render import script_the_owl

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
    progress = await scene.progress_message(interaction)
    message = await scene.film_in(interaction)

    # Deferred publicly within Discord's 3 s (the fake refuses later callbacks).
    callback = scene.fake.requests_to("POST", f"/interactions/{interaction.id}/")[0]
    assert callback.at - interaction.created_at < 3
    assert interaction.callbacks[0]["type"] == DEFERRED_CHANNEL_MESSAGE
    assert not message.ephemeral
    # Progress edits in order: stages ticking off one by one, then done; Cancel meanwhile.
    record = await scene.only_job_of(scene.ann)
    assert stage_ticks(progress) == sorted(stage_ticks(progress))
    assert stage_ticks(progress)[-1] == len(Stage)
    assert any(f"story:cancel:{record.job_id}" in state["custom_ids"] for state in progress.history)
    assert progress.history[-1]["embeds"][0]["description"].startswith("Done")
    # ... and then it makes way for the film's own message.
    await scene.fake.wait_for(lambda: scene.fake.original(interaction) is None)
    # The film arrives as a new message that pings its author.
    assert message.id in interaction.followup_ids
    assert message.content.startswith(f"<@{scene.ann.id}>")
    post = next(r for r in scene.fake.requests if r.method == "POST" and r.files)
    assert [str(user) for user in post.body["allowed_mentions"]["users"]] == [scene.ann.id]
    # Titled with the story's title, its author, length in correct English, how it was made.
    assert message.embed["title"] == "🎬 The Kite"
    lines = message.embed["description"].splitlines()
    assert lines[0] == f"by <@{scene.ann.id}>"
    assert re.fullmatch(r"\d+ s long, 1 scene, \d+ shots", lines[1])
    assert lines[2] == "storybook · vertical 9:16 · seed 0"
    assert "$" not in str(message.embed)
    assert "cost" not in str(message.embed).lower()
    assert message.embed["thumbnail"]["url"] == "attachment://thumbnail.jpg"
    assert [name for name, _ in message.attachments] == ["The Kite.mp4", "thumbnail.jpg"]
    assert message.custom_ids() == [
        *(
            f"story:{action}:{record.job_id}"
            for action in ("reseed", "reformat", "subtitles", "delete")
        ),
        f"sb:retake:{record.job_id}",  # retake a shot
    ]
    # The film: an MP4 that libav reads, vertical as asked.
    name, data = next((n, d) for n, d in message.attachments if n.endswith(".mp4"))
    (tmp_path / name).write_bytes(data)
    video = probe(tmp_path / name).stream("video")
    assert video.codec == "h264"
    assert video.width < video.height
    record = await scene.delivered_job_of(scene.ann)
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


async def test_only_me_keeps_the_progress_and_the_film_private(scene: Scene) -> None:
    await scene.bot()

    interaction = await scene.command("story", {"text": SHORT_STORY, "visibility": "only_me"})
    message = await scene.progress(interaction, "In the queue")

    assert interaction.callbacks[0]["data"]["flags"] & EPHEMERAL_FLAG
    assert message.ephemeral
    scene.worker()
    film = await scene.film_in(interaction)
    assert film.ephemeral
    assert not [m for m in scene.fake.messages.values() if not m.ephemeral]


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
    assert message.embed["title"] == "🎬 The Kite"
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

    interaction = await scene.story()
    progress = await scene.progress_message(interaction)
    message = await scene.film_in(interaction)

    through_webhook = scene.fake.requests_to("PATCH", "/webhooks/")
    through_channel = scene.fake.requests_to(
        "PATCH", f"/channels/{progress.channel_id}/messages/{progress.id}"
    )
    assert through_webhook
    assert through_channel
    assert max(r.at for r in through_webhook) < min(r.at for r in through_channel)
    posted = scene.fake.requests_to("POST", f"/channels/{message.channel_id}/messages")
    assert film_uploads(scene.fake) == posted
    assert posted[0].at > through_channel[-1].at
    await scene.fake.wait_for(
        lambda: scene.fake.requests_to("DELETE", f"/channels/{progress.channel_id}/messages/")
    )
    assert all(r.status < 400 for r in scene.fake.requests), "an expired token was used"


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
    assert dm.embed["title"] == "🎬 The Kite"
    assert len(film_uploads(scene.fake)) == 1


async def test_a_film_over_the_upload_limit_is_posted_as_a_signed_link(scene: Scene) -> None:
    small = scene.fake.add_guild("Tiny uploads", ["general"], upload_limit=2_000)
    scene.worker()
    await scene.bot()

    message = await scene.finished(await scene.story(guild=small))

    url = message.embed["url"]
    assert url.startswith(f"{scene.settings.api_public_url}/v/")
    assert not message.attachments, "neither the film nor its thumbnail fits 2 KB"
    assert not film_uploads(scene.fake)
    assert {"name": "Watch", "value": url, "inline": False} in message.embed["fields"]
    assert message.content.endswith(f" {url}")  # in the text, where Discord unfurls it
    # The link is the film's watch page, with the tags Discord's unfurler reads.
    page = await open_in_browser(scene.settings, url)
    assert f'<meta property="og:video" content="{url}/film.mp4">' in page
    assert '<meta property="og:video:type" content="video/mp4">' in page


async def test_a_server_whose_limit_fell_mid_job_gets_the_link_instead(scene: Scene) -> None:
    scene.worker()
    await scene.bot()

    interaction = await scene.story()
    await scene.progress(interaction, "Rendering")
    scene.guild.upload_limit = 2_000  # the server lost its boost: uploads now stop lower
    message = await scene.finished(interaction)

    assert [r.status for r in film_uploads(scene.fake)] == [413]
    assert "/v/" in message.embed["url"]
    assert message.content.endswith(" " + message.embed["url"])


async def test_an_unsafe_story_is_refused_and_offers_an_edit_in_a_modal(scene: Scene) -> None:
    scene.worker()
    await scene.bot()
    story = "At night the villain wrote down the steps to make a nerve agent in his cellar."

    message = await scene.progress(await scene.story(story), "Refused")

    stages = message.embed["fields"][0]["value"]
    assert "❌ Safety check: " in stages
    assert "flagged for" in stages
    assert "▶️" not in stages
    assert "░" not in stages
    record = await scene.only_job_of(scene.ann)
    assert message.custom_ids() == [f"story:edit:{record.job_id}"]
    # Edit story: the story in a modal; what the author sends back is filmed.
    edit = await scene.fake.click(scene.guild, scene.ann, message, f"story:edit:{record.job_id}")
    await scene.fake.wait_for(lambda: edit.callbacks)
    modal = edit.callbacks[0]["data"]
    assert modal["components"][0]["components"][0]["value"] == story
    changed = "At night the villain wrote a long letter to his sister in his cellar."
    submitted = await scene.fake.submit_modal(scene.guild, edit, {"Your story, changed": changed})
    retried = await scene.finished(submitted, timeout_s=90)
    jobs = await scene.queue.list_jobs(record.owner)
    assert [job.request.story for job in jobs] == [changed, story]
    assert retried.embed["footer"]["text"] == f"job {jobs[0].job_id}"
    # The refusal did not count toward the day.
    usage = await scene.queue.limits.usage(record.owner)
    assert usage.not_counted == 1


async def test_new_seed_vertical_subtitles_and_delete_on_the_finished_film(
    scene: Scene,
) -> None:
    scene.worker()
    await scene.bot(max_active_jobs_per_user=3)
    bob = scene.fake.user("bob")
    first = await scene.film_in(await scene.command("story", {"text": SHORT_STORY, "seed": 5}))
    record = await scene.only_job_of(scene.ann)
    assert record.request.seed == 5

    async def press(action: str, user: FakeUser | None = None) -> FakeInteraction:
        return await scene.fake.click(
            scene.guild, user or scene.ann, first, f"story:{action}:{record.job_id}"
        )

    reseeded = await scene.finished(await press("reseed"), 90, besides={first.id})
    vertical = await scene.finished(await press("reformat"), 90, besides={first.id, reseeded.id})
    third, second, _ = await scene.queue.list_jobs(record.owner)
    assert (second.request.story, third.request.story) == (SHORT_STORY, SHORT_STORY)
    assert second.request.seed != 5
    assert (third.request.aspect.value, third.request.seed) == ("9:16", 5)
    assert reseeded.embed["footer"]["text"] == f"job {second.job_id}"
    assert vertical.custom_ids()[1] == f"story:reformat:{third.job_id}"
    assert "vertical 9:16 · seed 5" in vertical.embed["description"]
    # Subtitles, privately, to anyone who asks.
    srt = await press("subtitles", bob)
    await scene.fake.wait_for(lambda: srt.callbacks)
    answer = srt.callbacks[0]
    assert answer["data"]["flags"] & EPHEMERAL_FLAG
    assert scene.fake.original(srt).attachments[0][0] == "The Kite.srt"
    # /status lists the films with a button to get each again.
    status = await scene.command("status")
    await scene.fake.wait_for(lambda: scene.fake.original(status))
    listing = scene.fake.original(status)
    assert listing is not None
    assert f"story:get:{record.job_id}" in listing.custom_ids()
    got = await scene.fake.click(scene.guild, scene.ann, listing, f"story:get:{record.job_id}")
    again = await scene.fake.wait_for(lambda: scene.fake.original(got))
    assert again.ephemeral
    assert has_film(again)
    assert again.embed["title"] == "🎬 The Kite"
    # Delete: not for others; the author removes the message and the film.
    assert await scene.fake.private_reply(await press("delete", bob)) == NOT_YOURS
    folder = scene.settings.storage_path / "jobs" / record.job_id
    assert folder.exists()
    assert "Deleted" in await scene.fake.private_reply(await press("delete"))
    assert first.id not in scene.fake.messages
    assert not folder.exists()
    gone = await scene.fake.click(scene.guild, scene.ann, listing, f"story:get:{record.job_id}")
    assert await scene.fake.private_reply(gone) == '"The Kite" was deleted.'


async def test_the_llm_cost_goes_to_the_author_alone(
    scene: Scene, llm_server: FakeLlmServer
) -> None:
    script_the_owl(llm_server)
    scene.worker(
        llm_provider="openai",
        llm_base_url=llm_server.url,
        safety_backend="llm",
        llm_timeout_s=10,
        llm_backoff_s=0.01,
    )
    await scene.bot()

    interaction = await scene.story(OWL)
    film = await scene.film_in(interaction)

    assert "$" not in str(film.embed)
    cost = await scene.fake.wait_for(
        lambda: next(
            (m for m in scene.fake.followups(interaction) if "LLM calls" in m.content), None
        )
    )
    assert cost.ephemeral
    assert re.fullmatch(r"The LLM calls for this film cost \$\d+\.\d{4}\.", cost.content)
