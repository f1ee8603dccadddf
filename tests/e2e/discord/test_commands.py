"""Command sync on start, and the small commands: /queue, /quota, /cancel."""

from __future__ import annotations

from shotgraph.config import Settings
from tests.e2e.discord.conftest import StartBot
from tests.fakes.discord_api import FakeDiscord, FakeGuild

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite over the sea."
COMMANDS = {"story", "queue", "cancel", "quota", "shotgraph"}


async def test_commands_are_synced_globally_on_start(
    fake_discord: FakeDiscord, discord_settings: Settings, start_bot: StartBot
) -> None:
    await start_bot(discord_settings)

    assert {command["name"] for command in fake_discord.commands[None]} == COMMANDS
    story = next(c for c in fake_discord.commands[None] if c["name"] == "story")
    options = {option["name"]: option for option in story["options"]}
    assert list(options) == ["text", "file", "title", "style", "format", "visibility"]
    assert options["file"]["type"] == 11
    assert options["text"]["max_length"] == 6000
    group = next(c for c in fake_discord.commands[None] if c["name"] == "shotgraph")
    assert group["options"][0]["name"] == "settings"
    assert int(group["default_member_permissions"]) == 1 << 5  # manage server


async def test_a_test_server_gets_the_commands_at_once(
    fake_discord: FakeDiscord, guild: FakeGuild, discord_settings: Settings, start_bot: StartBot
) -> None:
    await start_bot(discord_settings.model_copy(update={"discord_test_guild_id": int(guild.id)}))

    assert {command["name"] for command in fake_discord.commands[guild.id]} == COMMANDS
    assert None not in fake_discord.commands


async def test_queue_lists_waiting_films_by_title_and_author_and_cancel_stops_mine(
    fake_discord: FakeDiscord, guild: FakeGuild, discord_settings: Settings, start_bot: StartBot
) -> None:
    await start_bot(discord_settings)
    channel = guild.channels[0]
    ann, bob = fake_discord.user("ann"), fake_discord.user("bob")
    assert "Nothing is waiting" in await fake_discord.private_reply(
        await fake_discord.slash(guild, channel, ann, "queue")
    )
    for user, title in ((ann, "Kite"), (bob, "Lantern")):
        started = await fake_discord.slash(
            guild, channel, user, "story", {"text": STORY, "title": title}
        )
        await fake_discord.wait_for(lambda i=started: (m := fake_discord.original(i)) and m.embeds)

    listed = await fake_discord.private_reply(
        await fake_discord.slash(guild, channel, bob, "queue")
    )
    assert listed.splitlines() == ["1. Kite · ann", "2. Lantern · bob"]

    cancelled = await fake_discord.slash(guild, channel, ann, "cancel")
    assert await fake_discord.private_reply(cancelled) == 'Cancelling "Kite".'
    listed = await fake_discord.private_reply(
        await fake_discord.slash(guild, channel, ann, "queue")
    )
    assert listed.splitlines() == ["1. Lantern · bob"]
    quota = await fake_discord.private_reply(await fake_discord.slash(guild, channel, ann, "quota"))
    assert "Today you have made 1 of 10 films" in quota
