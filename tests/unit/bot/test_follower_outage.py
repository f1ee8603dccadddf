"""The follower through a Redis outage (a redis-server of the test's own, with an append-only
file, killed and started again): it follows on when Redis is back, and a film that reached the
chat is marked delivered, so it is never posted twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from shotgraph.bot.follower import JobFollower
from shotgraph.config import Settings
from shotgraph.models import StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord
from tests.helpers.redis_server import OwnRedis, until_answering
from tests.unit.bot.test_follower import OWNER, STORY, RecordingChat, finish


@pytest.fixture
async def queue(queue_settings: Settings, own_redis: OwnRedis) -> AsyncIterator[JobQueue]:
    own = await JobQueue.connect(queue_settings.model_copy(update={"redis_url": own_redis.url}))
    yield own
    await own.close()


async def finished_job(queue: JobQueue) -> JobRecord:
    record = await queue.submit(StoryRequest(story=STORY), OWNER)
    await finish(queue, record)
    return await queue.get(record.job_id)


async def test_a_job_followed_while_redis_is_away_is_delivered_once_it_is_back(
    queue: JobQueue, own_redis: OwnRedis
) -> None:
    done = await finished_job(queue)
    chat = RecordingChat()

    own_redis.kill()
    # As a restarted bot re-attaches to its jobs, into an outage.
    following = JobFollower(queue, chat, edit_interval_s=0.1).follow(done)
    await asyncio.sleep(1)
    own_redis.start()
    await until_answering(queue.redis)
    await asyncio.wait_for(following, 20)

    assert chat.delivered == [done.job_id]
    assert (await queue.get(done.job_id)).delivered


async def test_a_film_delivered_during_an_outage_is_marked_delivered_when_redis_is_back(
    queue: JobQueue, own_redis: OwnRedis
) -> None:
    done = await finished_job(queue)
    chat = RecordingChat(deliver_delay_s=1.0)
    following = JobFollower(queue, chat, edit_interval_s=0.1).follow(done)
    await asyncio.sleep(0.4)  # the last view is shown, the delivery claimed: uploading

    own_redis.kill()
    await asyncio.sleep(1.5)  # it reaches the chat while Redis is away
    own_redis.start()
    await until_answering(queue.redis)
    await asyncio.wait_for(following, 20)

    assert chat.delivered == [done.job_id]
    assert (await queue.get(done.job_id)).delivered
    assert not await queue.store.undelivered()
