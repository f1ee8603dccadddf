"""The gateway moving under a running job: Discord's RECONNECT, RESUME and INVALID_SESSION,
against the real discord.py, a real Redis and a real worker."""

from __future__ import annotations

import time

import pytest

from tests.e2e.discord.conftest import Scene, film_uploads
from tests.fakes.discord_api import Resume

pytestmark = pytest.mark.slow


async def test_a_reconnect_mid_job_resumes_the_session_and_the_film_arrives_once(
    scene: Scene,
) -> None:
    scene.worker()
    await scene.bot()
    interaction = await scene.story()
    progress = await scene.progress(interaction, "Rendering")
    session = scene.fake.gateway_sessions[0]

    asked_at = time.monotonic()
    last_sent = await scene.fake.reconnect()
    # Sent before the bot can be back (it shares this event loop): it waits for the RESUME.
    missed = await scene.command("quota")
    await scene.fake.wait_for(lambda: scene.fake.resumes)
    after = await scene.command("queue")

    assert scene.fake.resumes == [
        Resume(session.id, last_sent, "/resume-gateway", True, ["INTERACTION_CREATE"])
    ]
    assert len(scene.fake.identified) == 1, "the bot identified again instead of resuming"
    # The missed /quota went out before RESUMED, the later /queue after it.
    assert [event["t"] for event in session.events[-3:]] == [
        "INTERACTION_CREATE",
        "RESUMED",
        "INTERACTION_CREATE",
    ]
    assert "films are used" in await scene.fake.private_reply(missed)
    assert await scene.fake.private_reply(after)
    message = await scene.film_in(interaction)
    assert message.embed["title"] == "🎬 The Kite"
    edits = scene.fake.requests_to("PATCH", f"/messages/{progress.id}")
    assert [edit for edit in edits if edit.at > asked_at], "progress stopped at the reconnect"
    assert len(film_uploads(scene.fake)) == 1
    assert all(r.status < 400 for r in scene.fake.requests)


async def test_a_refused_resume_makes_the_bot_identify_anew_and_carry_on(scene: Scene) -> None:
    scene.worker()
    await scene.bot()
    interaction = await scene.story()
    await scene.progress(interaction, "Rendering")

    await scene.fake.reconnect(resumable=False)
    await scene.fake.wait_ready(sessions=2)  # discord.py waits 5 s before identifying again
    reply = await scene.fake.private_reply(await scene.command("quota"))

    assert [resume.accepted for resume in scene.fake.resumes] == [False]
    assert len(scene.fake.identified) == 2
    assert "films are used" in reply
    message = await scene.film_in(interaction)
    assert message.embed["title"] == "🎬 The Kite"
    assert len(film_uploads(scene.fake)) == 1
