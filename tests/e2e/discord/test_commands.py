"""Command sync on start, and the small commands: /queue, /quota, /cancel."""

from __future__ import annotations

from shotgraph.bot.core import EXAMPLE_STORY
from shotgraph.queue.records import Owner
from tests.e2e.discord.conftest import Scene

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite over the sea."
COMMANDS = {"story", "help", "voices", "status", "queue", "cancel", "quota", "shotgraph"}


async def test_commands_are_synced_globally_on_start(scene: Scene) -> None:
    await scene.bot()

    synced = {command["name"]: command for command in scene.fake.commands[None]}
    assert set(synced) == COMMANDS
    options = {option["name"]: option for option in synced["story"]["options"]}
    assert list(options) == [
        "text",
        "file",
        "title",
        "style",
        "format",
        "seed",
        "language",
        "voice",
        "captions",
        "visibility",
    ]
    assert options["file"]["type"] == 11  # an attachment
    assert options["text"]["max_length"] == 6000
    assert synced["shotgraph"]["options"][0]["name"] == "settings"
    assert int(synced["shotgraph"]["default_member_permissions"]) == 1 << 5  # manage server
    assert scene.fake.identified[0]["intents"] == 1  # guilds only: no privileged intents


async def test_a_test_server_gets_the_commands_at_once(scene: Scene) -> None:
    await scene.bot(discord_test_guild_id=int(scene.guild.id))

    assert {command["name"] for command in scene.fake.commands[scene.guild.id]} == COMMANDS
    assert None not in scene.fake.commands


async def test_queue_lists_waiting_films_by_title_and_author_and_cancel_stops_mine(
    scene: Scene,
) -> None:
    elsewhere = scene.fake.add_guild("Elsewhere", ["general"])
    await scene.bot()
    bob, cy = scene.fake.user("bob"), scene.fake.user("cy")

    async def reply(name: str, **where: object) -> str:
        return await scene.fake.private_reply(await scene.command(name, **where))

    assert "Nothing is being made" in await reply("queue")
    for user, title in ((scene.ann, "Kite"), (bob, "Lantern")):
        started = await scene.command("story", {"text": STORY, "title": title}, user=user)
        await scene.progress(started, "In the queue")
    await scene.progress(await scene.story(STORY, user=cy, guild=elsewhere), "In the queue")

    # Another server's film keeps its title and author to itself.
    assert (await reply("queue", user=bob)).splitlines() == [
        "1. Kite · ann",
        "2. Lantern · bob",
        "3. a film from elsewhere",
    ]
    assert await reply("cancel") == 'Cancelling "Kite".'
    assert (await reply("queue")).splitlines() == ["1. Lantern · bob", "2. a film from elsewhere"]
    # Cancelled before anything was drawn: it does not count, and /quota says so.
    quota = await reply("quota")
    assert "Today 0 of your 10 films are used" in quota
    assert "Not counted: 1 film cancelled before drawing" in quota


async def test_a_first_story_greets_privately_once_and_help_voices_status_answer(
    scene: Scene,
) -> None:
    await scene.bot(max_active_jobs_per_user=3)

    first = await scene.story(STORY)
    greeting = await scene.fake.wait_for(
        lambda: next((m for m in scene.fake.followups(first) if m.ephemeral), None)
    )
    # The progress reply was shown before the greeting, so the greeting could not replace it.
    progress = scene.fake.original(first)
    assert progress is not None
    assert progress.embed["description"].startswith("In the queue")
    intro, example = greeting.content.split("\n\n")
    assert len(intro.splitlines()) == 3
    assert "Use /story with your story" in intro
    assert example.startswith("For example:\n/story ")
    assert greeting.custom_ids() == ["shotgraph:example", "shotgraph:howto"]
    await scene.fake.private_reply(await scene.command("cancel"))
    later = await scene.story(STORY)
    await scene.progress(later, "In the queue")
    assert not [m for m in scene.fake.followups(later) if m.ephemeral], "greeted twice"

    # How it works is /help: the full reference, with the limits in force as numbers.
    howto = await scene.fake.click(scene.guild, scene.ann, greeting, "shotgraph:howto")
    reference = await scene.fake.private_reply(howto)
    assert reference == await scene.fake.private_reply(await scene.command("help"))
    assert "seed" in reference
    assert "3 films in the works at once" in reference
    assert "10 films a day" in reference
    voices = await scene.fake.private_reply(await scene.command("voices", {"language": "es"}))
    assert "es-ES-ElviraNeural" in voices
    status = await scene.fake.private_reply(await scene.command("status"))
    assert status.splitlines() == [
        "🎬 Mara ran up the green hill… · queued · just now",
        "🎬 Mara ran up the green hill… · cancelled · just now",
    ]
    # Try an example story films the greeting's example for whoever pressed it.
    example = await scene.fake.click(scene.guild, scene.ann, greeting, "shotgraph:example")
    await scene.progress(example, "In the queue")
    newest = (await scene.queue.list_jobs(Owner(platform="discord", user_id=scene.ann.id)))[0]
    assert newest.title == "The Red Kite"
    assert newest.request.story == EXAMPLE_STORY
