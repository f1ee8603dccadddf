"""Everything `/story` refuses is told to the user alone, in one clear sentence."""

from __future__ import annotations

import pytest

from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import Owner
from tests.e2e.discord.conftest import StartBot
from tests.fakes.discord_api import (
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeUser,
)

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
    fake_discord: FakeDiscord,
    guild: FakeGuild,
    discord_settings: Settings,
    start_bot: StartBot,
    job_queue: JobQueue,
    options: dict[str, str],
    attachment: tuple[str, bytes] | None,
    expected: str,
) -> None:
    await start_bot(discord_settings.model_copy(update={"max_story_bytes": 1000}))
    ann = fake_discord.user("ann")
    file = fake_discord.add_attachment(*attachment) if attachment else None

    interaction = await fake_discord.slash(
        guild, guild.channels[0], ann, "story", options, attachment=file
    )

    assert expected in await fake_discord.private_reply(interaction)
    assert not await job_queue.list_jobs(Owner(platform="discord", user_id=ann.id))
    assert not [m for m in fake_discord.messages.values() if not m.ephemeral]


async def test_moderators_settings_close_channels_limit_length_and_quota(
    fake_discord: FakeDiscord, guild: FakeGuild, discord_settings: Settings, start_bot: StartBot
) -> None:
    await start_bot(discord_settings)
    general, films = guild.channels
    mod, ann = fake_discord.user("mod", moderator=True), fake_discord.user("ann")

    async def command(
        user: FakeUser,
        channel: FakeChannel,
        name: str,
        options: dict[str, object],
        subcommand: str | None = None,
    ) -> str:
        interaction = await fake_discord.slash(guild, channel, user, name, options, subcommand)
        return await fake_discord.private_reply(interaction)

    refused = await command(ann, general, "shotgraph", {"daily_quota": 1}, "settings")
    assert "Only the server's moderators" in refused
    described = await command(
        mod,
        general,
        "shotgraph",
        {"channel": films, "daily_quota": 1, "max_story_length": 100},
        "settings",
    )
    assert f"<#{films.id}>" in described
    assert "Films per member per day: 1" in described

    assert "not used in this channel" in await command(ann, general, "story", {"text": STORY})
    assert "stories of up to 100" in await command(ann, films, "story", {"text": STORY * 2})
    first = await fake_discord.slash(guild, films, ann, "story", {"text": STORY})
    await fake_discord.wait_for(lambda: (m := fake_discord.original(first)) and m.embeds)
    assert "midnight UTC" in await command(ann, films, "story", {"text": STORY})
    assert "On this server: 1 of 1 today" in await command(ann, films, "quota", {})
