"""Discord's REST rate limits (429 with `retry_after`) on a job's edits and on its film,
against the real discord.py, a real Redis and a real worker."""

from __future__ import annotations

import pytest

from tests.e2e.discord.conftest import Scene, film_uploads

pytestmark = pytest.mark.slow

RETRY_AFTER_S = 0.3


async def test_a_rate_limited_progress_edit_is_sent_again_and_lands(scene: Scene) -> None:
    scene.fake.rate_limit_next("PATCH", "/webhooks/", RETRY_AFTER_S)
    scene.worker()
    await scene.bot()

    interaction = await scene.story()
    progress = await scene.progress_message(interaction)
    await scene.film_in(interaction)

    limited, retried = scene.fake.requests_to("PATCH", "/webhooks/")[:2]
    assert (limited.status, retried.status) == (429, 200)
    assert (retried.path, retried.body) == (limited.path, limited.body)
    assert retried.at - limited.at >= RETRY_AFTER_S
    assert progress.history[0]["embeds"] == retried.body["embeds"]
    assert [upload.status for upload in film_uploads(scene.fake)] == [200]
    assert (await scene.delivered_job_of(scene.ann)).delivered


@pytest.mark.parametrize(
    ("route", "token_s", "is_global"),
    [("/webhooks/", 15 * 60, False), ("/channels/", 0.3, True)],
    ids=["interaction-webhook-bucket", "channel-message-global"],
)
async def test_a_rate_limited_film_upload_is_sent_again_and_posted_once(
    scene: Scene, route: str, token_s: float, is_global: bool
) -> None:
    """Through the interaction's webhook (discord.py's webhook adapter) while the token lives,
    and through the channel (its HTTP client, global lock and all) after."""
    scene.fake.rate_limit_next("POST", route, RETRY_AFTER_S, upload=True, is_global=is_global)
    scene.worker()
    await scene.bot(discord_interaction_token_s=token_s)

    message = await scene.film_in(await scene.story())

    limited, retried = film_uploads(scene.fake)
    assert (limited.status, retried.status) == (429, 200)
    assert route in limited.path
    assert retried.path == limited.path
    assert retried.at - limited.at >= RETRY_AFTER_S
    assert retried.files == limited.files, "the retried upload did not carry the whole film"
    assert message.attachments == retried.files
    assert message.embed["title"] == "🎬 The Kite"
    assert (await scene.delivered_job_of(scene.ann)).delivered
