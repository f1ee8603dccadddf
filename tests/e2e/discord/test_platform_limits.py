"""What Discord refuses that a lenient fake would let through: messages over 2,000
characters, uploads over the limit of the route that carries them, files fetched before their
size is known, refusals that no retry gets past, and a second bot process on the same token.
No worker runs: jobs are ended in Redis as a worker would end them."""

from __future__ import annotations

import asyncio

from shotgraph.models import StoryRequest
from shotgraph.queue.records import JobRecord, Owner
from tests.e2e.discord.conftest import Scene, film_uploads
from tests.fakes.discord_api import CONTENT_LIMIT, FakeInteraction, Recorded
from tests.helpers.finished_jobs import fail, finish_with_film

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite over the sea."


async def queued_job(scene: Scene, **where: object) -> tuple[FakeInteraction, JobRecord]:
    """A `/story` the bot has queued and is following."""
    interaction = await scene.story(**where)
    await scene.progress(interaction, "In the queue")
    return interaction, await scene.only_job_of(scene.ann)


async def test_a_long_queue_is_listed_within_discords_2000_characters(scene: Scene) -> None:
    await scene.bot()
    for n in range(40):  # the queue holds up to 100: far more than one message shows whole
        owner = Owner(
            platform="discord",
            user_id=f"9{n}",
            chat_id=scene.channel.id,
            server_id=scene.guild.id,
            display_name=f"writer {n}",
        )
        title = f"The long and winding saga of the lantern keeper, part {n}"
        await scene.queue.submit(StoryRequest(story=STORY, title=title), owner)

    listed = await scene.fake.private_reply(await scene.command("queue"))

    assert len(listed) <= CONTENT_LIMIT
    assert listed.startswith("1. The long and winding saga of the lantern keeper, part ")
    assert listed.splitlines()[-1].startswith("… and ")
    assert listed.endswith(" more")


async def test_a_story_file_over_the_limit_is_refused_before_it_is_downloaded(
    scene: Scene,
) -> None:
    await scene.bot(max_story_bytes=1000)
    huge = scene.fake.add_attachment("saga.txt", b"Mara ran. " * 10, size=500 * 1024 * 1024)

    interaction = await scene.command("story", {}, attachment=huge)

    assert "saga.txt is 524 MB; the limit is 1 KB" in await scene.fake.private_reply(interaction)
    assert scene.fake.cdn_reads == []


async def test_a_channel_upload_is_planned_for_the_servers_limit_not_the_users_nitro(
    scene: Scene,
) -> None:
    """After the interaction's 15 minutes the film goes through the channel message, which
    takes only the server's limit, although the interaction said the Nitro user's."""
    server_limit = scene.guild.upload_limit  # 10 MiB, unboosted
    scene.ann.nitro_upload_limit = 500 * 1024 * 1024
    await scene.bot(discord_interaction_token_s=0.3)
    _, record = await queued_job(scene)
    await asyncio.sleep(0.5)  # the bot's clock says the interaction token is spent

    await finish_with_film(scene.queue, scene.settings, record, playable_s=3.0)
    uploads = await scene.fake.wait_for(lambda: film_uploads(scene.fake), timeout_s=60)

    assert [r.status for r in uploads] == [200]
    assert uploads[0].path.startswith(f"/channels/{scene.channel.id}/")
    assert all(len(data) <= server_limit for _, data in uploads[0].files)


async def test_closed_dms_end_the_delivery_at_the_first_refusal(scene: Scene) -> None:
    closed = scene.guild.channels[1]
    closed.bot_may_post = False
    scene.fake.closed_dms.add(scene.ann.id)
    await scene.bot(discord_interaction_token_s=0.3)
    _, record = await queued_job(scene, channel=closed)
    await asyncio.sleep(0.5)

    def dm_refusals() -> list[Recorded]:
        dm = scene.fake.dm_channels.get(scene.ann.id)
        in_dm = [r for r in scene.fake.requests if r.path.startswith(f"/channels/{dm}/")]
        return [r for r in in_dm if r.status == 403]

    await finish_with_film(scene.queue, scene.settings, record)
    await scene.fake.wait_for(dm_refusals, timeout_s=30)
    await asyncio.sleep(1.0)

    assert len(dm_refusals()) == 1, "met once, then never asked again"
    assert await scene.queue.store.undelivered() == []


async def test_two_bot_processes_queue_one_film_for_one_press_of_try_again(
    scene: Scene,
) -> None:
    await scene.bot(max_active_jobs_per_user=5)
    story, record = await queued_job(scene)
    await fail(scene.queue, record)
    failed = await scene.progress(story, "Failed")
    await scene.bot(max_active_jobs_per_user=5)  # a second process, same token

    again = await scene.fake.click(scene.guild, scene.ann, failed, f"story:retry:{record.job_id}")
    await scene.fake.wait_for(lambda: scene.fake.original(again), timeout_s=10)
    await asyncio.sleep(1.0)

    jobs = await scene.queue.list_jobs(record.owner)
    assert len(jobs) == 2
    assert len(again.callbacks) == 1
    assert scene.fake.original(again).embeds


async def test_synced_commands_keep_within_discords_limits(scene: Scene) -> None:
    """The fake refuses commands over Discord's name and description limits (400, 50035)."""
    await scene.bot()

    syncs = scene.fake.requests_to("PUT", "/commands")
    assert syncs
    assert all(r.status == 200 for r in syncs)


async def test_a_deleted_channel_sends_the_film_to_the_authors_dms(scene: Scene) -> None:
    await scene.bot(discord_interaction_token_s=0.3)
    _, record = await queued_job(scene)
    await asyncio.sleep(0.5)
    scene.fake.delete_channel(scene.channel)

    await finish_with_film(scene.queue, scene.settings, record)
    uploads = await scene.fake.wait_for(
        lambda: [r for r in film_uploads(scene.fake) if r.status == 200], timeout_s=30
    )

    dm = scene.fake.dm_channels[scene.ann.id]
    assert uploads[0].path.startswith(f"/channels/{dm}/")
    assert [r for r in scene.fake.requests if r.status == 404 and scene.channel.id in r.path]


async def test_a_deleted_progress_message_does_not_stop_the_film_reaching_the_author(
    scene: Scene,
) -> None:
    await scene.bot()
    interaction, record = await queued_job(scene)
    original = scene.fake.original(interaction)
    assert original is not None
    del scene.fake.messages[original.id]  # the author deleted it

    await finish_with_film(scene.queue, scene.settings, record)
    uploads = await scene.fake.wait_for(
        lambda: [r for r in film_uploads(scene.fake) if r.status == 200], timeout_s=30
    )

    assert uploads[0].path.startswith(f"/channels/{scene.fake.dm_channels[scene.ann.id]}/")
