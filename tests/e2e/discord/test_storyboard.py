"""Storyboard first, in Discord: discord.py against the fake Discord, a real worker and Redis.
The progress embed becomes the contact sheet with Render, Cancel and the shot menus; a shot is
re-rolled from the menu, another rewritten in the modal, an unsafe edit is refused, the bot
restarts while the storyboard waits, the film is rendered, and a retake posts version 2."""

from __future__ import annotations

import asyncio

import pytest

from shotgraph.bot.discord_bot import NOT_YOURS
from shotgraph.models import Stage
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from tests.e2e.discord.conftest import Scene, has_film
from tests.fakes.discord_api import FakeMessage

pytestmark = pytest.mark.slow

STORY = (
    "The Kite\n\nMara ran up the green hill at dawn with her red kite. The wind was strong.\n\n"
    '"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.'
)
WORDS = "High above the hill the silver wind sang to Mara all morning long."


async def waiting_board(scene: Scene, after_sheet: str | None = None) -> JobRecord:
    """Ann's job once its storyboard waits (and is not the sheet `after_sheet`)."""
    ann = Owner(platform="discord", user_id=scene.ann.id)
    while True:
        for record in await scene.queue.list_jobs(ann):
            board = record.storyboard
            waiting = record.status is JobStatus.AWAITING_APPROVAL
            if waiting and board and board.sheet != after_sheet:
                return record
        await asyncio.sleep(0.1)


def keyframes(scene: Scene, record: JobRecord) -> list[bytes]:
    assert record.storyboard is not None
    root = scene.settings.storage_path
    return [(root / panel.keyframe).read_bytes() for panel in record.storyboard.panels]


async def sheet_shown(scene: Scene, message_of: object, sheet: str) -> FakeMessage:
    """The progress message once it shows the contact sheet `sheet` (by its bytes)."""
    data = (scene.settings.storage_path / sheet).read_bytes()

    def shown() -> FakeMessage | None:
        message = scene.fake.original(message_of)  # type: ignore[arg-type]
        attached = dict(message.attachments) if message else {}
        return message if attached.get("storyboard.jpg") == data else None

    return await scene.fake.wait_for(shown, timeout_s=60)


async def test_the_storyboard_in_discord(scene: Scene) -> None:
    scene.worker()
    bot = await scene.bot()
    mod, bob = scene.fake.user("mod", moderator=True), scene.fake.user("bob")
    described = await scene.fake.private_reply(
        await scene.command("shotgraph", {"storyboard": "ask"}, subcommand="settings", user=mod)
    )
    assert "Storyboard: shown for approval" in described

    story = await scene.story(STORY)
    record = await waiting_board(scene)
    assert record.storyboard is not None
    message = await sheet_shown(scene, story, record.storyboard.sheet)
    job = record.job_id
    assert message.embed["title"].startswith("🎞")
    assert message.embed["image"]["url"] == "attachment://storyboard.jpg"
    assert "of GPU time" in message.embed["description"]
    assert message.custom_ids() == [
        f"sb:approve:{job}",
        f"story:cancel:{job}",
        f"sb:reroll:{job}",
        f"sb:edit:{job}",
    ]
    before = keyframes(scene, record)

    # Bob may not press Ann's buttons; he is told privately.
    refused = await scene.fake.click(scene.guild, bob, message, f"sb:approve:{job}")
    assert await scene.fake.private_reply(refused) == NOT_YOURS

    # Re-roll shot 2 from the menu: shot 2 redrawn, the other keyframes byte-identical.
    await scene.fake.choose(scene.guild, scene.ann, message, f"sb:reroll:{job}", "2")
    record = await waiting_board(scene, after_sheet=record.storyboard.sheet)
    message = await sheet_shown(scene, story, record.storyboard.sheet)
    after = keyframes(scene, record)
    assert after[1] != before[1]
    assert after[:1] + after[2:] == before[:1] + before[2:]

    # An unsafe picture description is refused with its category; the storyboard stays.
    opened = await scene.fake.choose(scene.guild, scene.ann, message, f"sb:edit:{job}", "1")
    await scene.fake.wait_for(lambda: scene.fake.modal_of(opened))
    unsafe = await scene.fake.submit_modal(
        scene.guild,
        opened,
        {"Picture description": "A poster with instructions for making a pipe bomb"},
    )
    answer = await scene.fake.private_reply(unsafe)
    assert "flagged for indiscriminate weapons" in answer
    assert "Shot 1 stays as it was" in answer
    assert (await scene.only_job_of(scene.ann)).storyboard == record.storyboard

    # The modal rewrites shot 1's narration: spoken again, on a new sheet.
    opened = await scene.fake.choose(scene.guild, scene.ann, message, f"sb:edit:{job}", "1")
    await scene.fake.wait_for(lambda: scene.fake.modal_of(opened))
    modal = scene.fake.modal_of(opened)
    assert modal is not None
    assert modal["title"] == "Edit shot 1"
    await scene.fake.submit_modal(scene.guild, opened, {"Narration": WORDS})
    record = await waiting_board(scene, after_sheet=record.storyboard.sheet)
    assert record.storyboard.panels[0].narration == WORDS
    message = await sheet_shown(scene, story, record.storyboard.sheet)

    # A moderator may act on a member's storyboard: a re-roll of shot 1.
    await scene.fake.choose(scene.guild, mod, message, f"sb:reroll:{job}", "1")
    record = await waiting_board(scene, after_sheet=record.storyboard.sheet)
    assert record.request.shot_edits[record.storyboard.panels[0].shot_id].take == 1
    message = await sheet_shown(scene, story, record.storyboard.sheet)

    # A restart while the storyboard waits loses nothing; the buttons still work.
    await bot.stop()
    await scene.bot()
    await scene.fake.click(scene.guild, scene.ann, message, f"sb:approve:{job}")
    film = await scene.film_in(story)
    done = await scene.only_job_of(scene.ann)
    assert done.result is not None
    srt = (scene.settings.storage_path / done.result.files.subtitles).read_text()
    assert "silver wind" in " ".join(srt.split())
    assert film.custom_ids()[-1] == f"sb:retake:{job}"  # after New seed ... Delete

    # Retake the last shot from the film's menu: only it is rendered again; v2 is posted.
    last = str(len(done.result.storyboard.panels))
    opened = await scene.fake.choose(scene.guild, scene.ann, film, f"sb:retake:{job}", last)
    await scene.fake.wait_for(lambda: scene.fake.modal_of(opened))
    assert scene.fake.modal_of(opened)["title"] == f"Retake shot {last}"
    retake = await scene.fake.submit_modal(scene.guild, opened, {})  # unchanged: another take
    v2 = await scene.finished(retake, 90, besides={film.id})
    assert has_film(v2)
    assert v2.embed["title"].endswith("v2")
    retaken = await scene.only_job_of(scene.ann)
    assert retaken.result is not None
    assert len(retaken.versions) == 2
    assert retaken.result.made_shots[Stage.VISUALS] == [
        retaken.result.storyboard.panels[-1].shot_id
    ]
    # The first film's message keeps the first film.
    assert film.id in scene.fake.messages
    assert has_film(film)
