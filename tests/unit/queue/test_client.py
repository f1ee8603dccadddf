"""The queue client against a real Redis, without a worker: submit, positions, cancel, limits."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest

from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.queue import keys
from shotgraph.queue.client import JobNotFound, JobQueue, NothingToCancel, StoryTooLong
from shotgraph.queue.limits import QuotaExceeded
from shotgraph.queue.records import JobStatus, Owner
from shotgraph.queue.worker import GAVE_UP, JobRunner

STORY = "The Lantern\n\nMara walked to the harbour at dusk. The sea was calm and grey."


def owner(user: str = "1", server: str | None = None) -> Owner:
    return Owner(platform="telegram", user_id=user, chat_id=user, server_id=server)


async def test_submit_records_queues_and_announces(job_queue: JobQueue) -> None:
    record = await job_queue.submit(StoryRequest(story=STORY), owner(), progress_ref="msg-7")

    stored = await job_queue.get(record.job_id)
    assert stored.status is JobStatus.QUEUED
    assert stored.title == "The Lantern"
    assert stored.progress_ref == "msg-7"
    assert await job_queue.redis.zscore(job_queue.settings.queue_name, record.job_id)
    assert await job_queue.redis.sismember(keys.UNFINISHED_JOBS, record.job_id)
    events = [event async for _, event in _first(job_queue, record.job_id, 1)]
    assert events[0].kind == "queued"
    assert events[0].position == 1


async def test_positions_follow_the_queue_order(job_queue: JobQueue) -> None:
    jobs = []
    for n in range(3):
        jobs.append(await job_queue.submit(StoryRequest(story=STORY), owner(str(n))))
        # arq scores by the millisecond: two stories in the same one share a place.
        await asyncio.sleep(0.002)
    assert [await job_queue.position(job.job_id) for job in jobs] == [1, 2, 3]

    await job_queue.cancel(jobs[0].job_id, owner("0"))

    assert await job_queue.position(jobs[0].job_id) is None
    assert [await job_queue.position(job.job_id) for job in jobs[1:]] == [1, 2]
    assert [record.job_id for record in await job_queue.waiting()] == [
        jobs[1].job_id,
        jobs[2].job_id,
    ]


async def test_cancel_while_queued_removes_the_job_at_once(job_queue: JobQueue) -> None:
    record = await job_queue.submit(StoryRequest(story=STORY), owner())

    cancelled = await job_queue.cancel(record.job_id, owner())

    assert cancelled.status is JobStatus.CANCELLED
    assert not await job_queue.redis.zscore(job_queue.settings.queue_name, record.job_id)
    assert not await job_queue.redis.exists(keys.arq_job(record.job_id))
    kinds = [event.kind async for _, event in _first(job_queue, record.job_id, 2)]
    assert kinds == ["queued", "cancelled"]
    with pytest.raises(NothingToCancel, match="already cancelled"):
        await job_queue.cancel(record.job_id, owner())
    # Its place is free again: the same user can send the next story.
    await job_queue.submit(StoryRequest(story=STORY), owner())


async def test_only_the_owner_or_an_admin_sees_or_cancels_a_job(job_queue: JobQueue) -> None:
    record = await job_queue.submit(StoryRequest(story=STORY), owner("1"))

    with pytest.raises(JobNotFound):
        await job_queue.job_for(record.job_id, owner("2"))
    with pytest.raises(JobNotFound):
        await job_queue.cancel(record.job_id, owner("2"))
    assert (await job_queue.get(record.job_id)).status is JobStatus.QUEUED

    job_queue.settings.admin_users = ["telegram:99"]
    cancelled = await job_queue.cancel(record.job_id, owner("99"))
    assert cancelled.status is JobStatus.CANCELLED


@pytest.mark.parametrize("job_id", ["nope", "../../etc/passwd", "a/b", "", "x" * 200])
async def test_unknown_or_malformed_ids_are_not_found(job_queue: JobQueue, job_id: str) -> None:
    with pytest.raises(JobNotFound):
        await job_queue.get(job_id)


async def test_one_active_job_per_user(job_queue: JobQueue) -> None:
    await job_queue.submit(StoryRequest(story=STORY), owner("1"))

    with pytest.raises(QuotaExceeded, match="already have 1 film in the works") as refused:
        await job_queue.submit(StoryRequest(story=STORY), owner("1"))
    assert refused.value.retry_after_s is None
    await job_queue.submit(StoryRequest(story=STORY), owner("2"))  # others are not affected


async def test_daily_limits_per_user_and_per_server(job_queue: JobQueue) -> None:
    settings = job_queue.settings
    settings.max_active_jobs_per_user = 10
    settings.max_jobs_per_user_per_day = 2
    settings.max_jobs_per_server_per_day = 3
    for _ in range(2):
        await job_queue.submit(StoryRequest(story=STORY), owner("1", server="guild"))
    with pytest.raises(QuotaExceeded, match="made 2 films today") as refused:
        await job_queue.submit(StoryRequest(story=STORY), owner("1", server="guild"))
    assert 0 < (refused.value.retry_after_s or 0) <= 86_400

    await job_queue.submit(StoryRequest(story=STORY), owner("2", server="guild"))
    with pytest.raises(QuotaExceeded, match="This server has made 3 films today"):
        await job_queue.submit(StoryRequest(story=STORY), owner("3", server="guild"))
    await job_queue.submit(StoryRequest(story=STORY), owner("3", server="other"))


async def test_a_flood_of_submissions_admits_exactly_the_queue_cap(job_queue: JobQueue) -> None:
    job_queue.settings.max_queued_jobs = 5
    results = await asyncio.gather(
        *(job_queue.submit(StoryRequest(story=STORY), owner(str(n))) for n in range(20)),
        return_exceptions=True,
    )
    admitted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    assert len(admitted) == 5
    assert len(refused) == 15
    assert "queue is full" in str(refused[0])
    assert await job_queue.redis.zcard(job_queue.settings.queue_name) == 5


async def test_a_story_over_the_byte_limit_is_refused_before_anything_is_kept(
    job_queue: JobQueue,
) -> None:
    job_queue.settings.max_story_bytes = 1_000
    with pytest.raises(StoryTooLong, match="the limit is 1 KB"):
        await job_queue.submit(StoryRequest(story="word " * 400), owner())
    assert await job_queue.redis.zcard(job_queue.settings.queue_name) == 0
    assert not await job_queue.redis.smembers(keys.UNFINISHED_JOBS)


async def _first(queue: JobQueue, job_id: str, count: int) -> AsyncIterator[tuple[str, StageEvent]]:
    seen = 0
    async for item in queue.watch(job_id):
        yield item
        seen += 1
        if seen == count:
            return


async def test_the_sweeper_ends_a_queued_job_arq_gave_up_on(job_queue: JobQueue) -> None:
    fresh = await job_queue.submit(StoryRequest(story=STORY), owner("1"))
    lost = await job_queue.submit(StoryRequest(story=STORY), owner("2"))
    # What arq leaves after its last try: no job key, nothing in the queue.
    await job_queue.redis.delete(keys.arq_job(lost.job_id))
    await job_queue.redis.zrem(job_queue.settings.queue_name, lost.job_id)
    await job_queue.store.update(lost.job_id, created_at=lost.created_at - 3600)

    await JobRunner(job_queue, [], "test-worker").sweep()

    failed = await job_queue.get(lost.job_id)
    assert failed.status is JobStatus.FAILED
    assert failed.error == GAVE_UP
    kinds = [event.kind async for _, event in _first(job_queue, lost.job_id, 2)]
    assert kinds == ["queued", "failed"]
    assert (await job_queue.get(fresh.job_id)).status is JobStatus.QUEUED
    # The user's place is free again.
    await job_queue.submit(StoryRequest(story=STORY), owner("2"))


async def test_only_films_that_were_made_or_drawn_count_toward_the_day(
    job_queue: JobQueue,
) -> None:
    settings = job_queue.settings
    settings.max_active_jobs_per_user = 10
    user = owner("1", server="guild")

    async def ended(status: JobStatus, *stages: Stage) -> None:
        record = await job_queue.submit(StoryRequest(story=STORY), user)
        for stage in stages:
            await job_queue.publish(record.job_id, StageEvent(kind="stage_started", stage=stage))
        assert await job_queue.finish(record, status)
        assert not await job_queue.finish(record, status), "a job settles once"

    await ended(JobStatus.CANCELLED, Stage.PREPROCESS, Stage.NARRATION)  # before drawing
    await ended(JobStatus.FAILED, Stage.SAFETY)  # refused
    await ended(JobStatus.FAILED, Stage.VISUALS)  # our failure
    usage = await job_queue.limits.usage(user)
    assert (usage.today, usage.not_counted) == (0, 3)

    await ended(JobStatus.DONE, Stage.VISUALS)
    await ended(JobStatus.CANCELLED, Stage.VISUALS)  # the drawing had started: it counts
    usage = await job_queue.limits.usage(user)
    assert (usage.today, usage.not_counted) == (2, 3)
    day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    server_count = await job_queue.redis.get(keys.server_day("telegram", "guild", day))
    assert int(server_count) == 2


async def test_a_waiting_film_is_told_its_wait_from_recent_run_times(job_queue: JobQueue) -> None:
    settings = job_queue.settings
    settings.max_active_jobs_per_user = 10
    first = await job_queue.submit(StoryRequest(story=STORY), owner("1"))
    assert (await job_queue.queued_event(first.job_id)).message == "", "nothing measured yet"

    # Three films took 60, 100 and 80 s; one worker with one slot is up.
    await job_queue.redis.lpush(keys.RECENT_RUN_SECONDS, 60.0, 100.0, 80.0)
    await job_queue.redis.hset(keys.WORKERS, "w1", str(time.time()))
    second = await job_queue.submit(StoryRequest(story=STORY), owner("2"))
    third = await job_queue.submit(StoryRequest(story=STORY), owner("3"))

    assert await job_queue.wait_estimate(1) == 0.0  # the free slot takes it at once
    assert await job_queue.wait_estimate(2) == pytest.approx(40.0)  # half a film ahead
    assert (await job_queue.queued_event(third.job_id)).message == "About 2 min to wait."
    assert (await job_queue.queued_event(second.job_id)).position == 2


async def test_a_discord_member_gets_the_server_s_own_daily_place_back_too(
    job_queue: JobQueue,
) -> None:
    member = Owner(platform="discord", user_id="7", chat_id="9", server_id="guild")
    day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    server_quota = keys.discord_user_day("guild", "7", day)
    await job_queue.redis.set(server_quota, 1)  # what the bot's take_quota counted
    record = await job_queue.submit(StoryRequest(story=STORY), member)

    await job_queue.cancel(record.job_id, member)

    assert int(await job_queue.redis.get(server_quota)) == 0
    usage = await job_queue.limits.usage(member)
    assert (usage.today, usage.not_counted) == (0, 1)
