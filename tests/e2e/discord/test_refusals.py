"""Everything `/story` refuses is told to the user alone, in one clear sentence."""

from __future__ import annotations

from typing import Any

import pytest

from shotgraph.queue.records import Owner
from tests.e2e.discord.conftest import Scene

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite over the sea."


@pytest.mark.parametrize(
    ("options", "attachment", "expected"),
    [
        ({"text": STORY}, ("story.txt", STORY.encode()), "not both"),
        ({"title": "Nothing"}, None, "Give the story as text"),
        ({}, ("story.pdf", b"%PDF-1.4 not a story"), "story.pdf is not a text file"),
        ({}, ("story.txt", b"\x00\x01\x02binary" * 10), "binary file"),
        ({}, ("story.md", b"word " * 400), "the limit is 1 KB"),
        ({"text": "Too short."}, None, "too short to film"),
    ],
)
async def test_a_bad_story_is_refused_privately(
    scene: Scene,
    options: dict[str, str],
    attachment: tuple[str, bytes] | None,
    expected: str,
) -> None:
    await scene.bot(max_story_bytes=1000)
    file = scene.fake.add_attachment(*attachment) if attachment else None

    interaction = await scene.command("story", options, attachment=file)

    assert expected in await scene.fake.private_reply(interaction)
    assert not await scene.queue.list_jobs(Owner(platform="discord", user_id=scene.ann.id))
    assert not [m for m in scene.fake.messages.values() if not m.ephemeral]


async def test_moderators_settings_close_channels_limit_length_and_quota(scene: Scene) -> None:
    await scene.bot()
    films = scene.guild.channels[1]
    mod = scene.fake.user("mod", moderator=True)

    async def reply(name: str, options: dict[str, Any], **where: Any) -> str:
        return await scene.fake.private_reply(await scene.command(name, options, **where))

    refused = await reply("shotgraph", {"daily_quota": 1}, subcommand="settings")
    assert "Only the server's moderators" in refused
    changed = {"channel": films, "daily_quota": 1, "max_story_length": 100}
    described = await reply("shotgraph", changed, subcommand="settings", user=mod)
    assert f"<#{films.id}>" in described
    assert "Films per member per day: 1" in described
    assert "Longest story: 100 characters" in described
    assert "Captions: burned (the bot's default)" in described
    # The numbers in force, not "the default": a setting left alone shows the bot's own.
    captions = await reply("shotgraph", {"captions": "soft"}, subcommand="settings", user=mod)
    assert "Captions: soft" in captions
    assert "Films per member per day: 1" in captions

    assert "not used in this channel" in await reply("story", {"text": STORY})
    assert "stories of up to 100" in await reply("story", {"text": STORY * 2}, channel=films)
    await scene.progress(await scene.story(STORY, channel=films), "In the queue")
    assert "midnight UTC" in await reply("story", {"text": STORY}, channel=films)
    assert "On this server: 1 of 1 today" in await reply("quota", {}, channel=films)


async def test_the_global_daily_limit_says_when_it_resets(scene: Scene) -> None:
    await scene.bot(max_jobs_per_user_per_day=1, max_active_jobs_per_user=5)
    await scene.progress(await scene.story(STORY), "In the queue")

    refusal = await scene.fake.private_reply(await scene.story(STORY))

    assert "daily limit" in refusal
    assert "midnight UTC" in refusal
