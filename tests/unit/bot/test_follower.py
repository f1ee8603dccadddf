"""The follower against a real Redis: throttled edits, the last view, delivery exactly once,
and re-attaching after a restart. The job's events are written as the worker writes them."""

from __future__ import annotations

import asyncio

from shotgraph.bot.follower import DeliveryRefused, JobFollower
from shotgraph.bot.progress import ProgressView
from shotgraph.models import JobResult, Stage, StageEvent, StoryRequest
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner, Platform
from tests.helpers.results import job_result

STORY = "Mara ran up the green hill at dawn with her red kite."
OWNER = Owner(platform="telegram", user_id="7", chat_id="7")


class RecordingChat:
    """A ChatSurface that keeps what it was asked to show and deliver, as a chat would."""

    platform: Platform = "telegram"

    def __init__(
        self, deliver_delay_s: float = 0.0, show_delay_s: float = 0.0, failures: int = 0
    ) -> None:
        self.shown: list[ProgressView] = []
        self.delivered: list[str] = []
        self.deliver_delay_s = deliver_delay_s
        self.show_delay_s = show_delay_s
        self.failures = failures
        """How many uploads fail before one gets through, as a flaky platform does."""
        self.attempts = 0

    async def show(self, record: JobRecord, view: ProgressView) -> None:
        await asyncio.sleep(self.show_delay_s)
        self.shown.append(view)

    async def deliver(self, record: JobRecord, result: JobResult) -> None:
        await asyncio.sleep(self.deliver_delay_s)
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionError("the platform did not answer")
        self.delivered.append(result.job_id)


async def finish(queue: JobQueue, record: JobRecord) -> None:
    """What the worker does at the end of a job."""
    result = job_result(record.job_id)
    assert await queue.store.finish(record, JobStatus.DONE, result=result)
    await queue.publish(record.job_id, StageEvent(kind="done", result=result))


async def test_a_burst_of_events_costs_few_edits_and_the_last_view_is_shown(
    job_queue: JobQueue,
) -> None:
    chat = RecordingChat()
    follower = JobFollower(job_queue, chat, edit_interval_s=0.2)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    task = follower.follow(record)
    await job_queue.publish(record.job_id, StageEvent(kind="stage_started", stage=Stage.VISUALS))
    for step in range(1, 101):
        event = StageEvent(kind="stage_progress", stage=Stage.VISUALS, fraction=step / 100)
        await job_queue.publish(record.job_id, event)
    await finish(job_queue, record)
    await asyncio.wait_for(task, 10)

    assert 2 <= len(chat.shown) <= 10
    assert chat.shown[-1].status is JobStatus.DONE
    assert chat.delivered == [record.job_id]


async def test_an_end_that_arrives_while_a_view_is_being_shown_still_gets_shown(
    job_queue: JobQueue,
) -> None:
    chat = RecordingChat(show_delay_s=0.3)
    follower = JobFollower(job_queue, chat, edit_interval_s=0.1)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    task = follower.follow(record)
    await asyncio.sleep(0.1)  # the queued view is on its way to the chat
    await finish(job_queue, record)
    await asyncio.wait_for(task, 10)

    assert [view.status for view in chat.shown] == [JobStatus.QUEUED, JobStatus.DONE]
    assert (await job_queue.get(record.job_id)).delivered


async def test_two_bot_processes_deliver_a_film_once(job_queue: JobQueue) -> None:
    chats = [RecordingChat(deliver_delay_s=0.2), RecordingChat(deliver_delay_s=0.2)]
    followers = [JobFollower(job_queue, chat, edit_interval_s=0.05) for chat in chats]
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    tasks = [follower.follow(record) for follower in followers]
    await finish(job_queue, record)
    await asyncio.wait_for(asyncio.gather(*tasks), 10)

    assert sorted(len(chat.delivered) for chat in chats) == [0, 1]


async def test_after_a_restart_the_undelivered_film_is_delivered_once(job_queue: JobQueue) -> None:
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    other_platform = await job_queue.submit(
        StoryRequest(story=STORY), Owner(platform="discord", user_id="9", chat_id="1")
    )
    await finish(job_queue, record)  # finished while no bot was running

    chat = RecordingChat()
    follower = JobFollower(job_queue, chat, edit_interval_s=0.05)
    assert await follower.resume() == [record.job_id]
    await asyncio.sleep(0.3)
    assert chat.delivered == [record.job_id]
    assert chat.shown[-1].status is JobStatus.DONE

    again = JobFollower(job_queue, RecordingChat(), edit_interval_s=0.05)
    assert await again.resume() == []  # delivered: nothing left for a second restart
    await follower.close()
    assert (await job_queue.get(other_platform.job_id)).status is JobStatus.QUEUED


async def test_a_failed_job_shows_its_reason_and_delivers_nothing(job_queue: JobQueue) -> None:
    chat = RecordingChat()
    follower = JobFollower(job_queue, chat, edit_interval_s=0.05)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    task = follower.follow(record)
    assert await job_queue.store.finish(record, JobStatus.FAILED, error="too dark")
    await job_queue.publish(record.job_id, StageEvent(kind="failed", message="too dark"))
    await asyncio.wait_for(task, 10)

    assert chat.shown[-1].error == "too dark"
    assert chat.shown[-1].can_retry
    assert chat.delivered == []
    assert not await job_queue.store.undelivered()


async def test_following_a_job_twice_runs_one_task(job_queue: JobQueue) -> None:
    follower = JobFollower(job_queue, RecordingChat(), edit_interval_s=0.05)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    tasks = {follower.follow(record), follower.follow(record)}
    assert len(tasks) == 1
    await follower.close()


async def test_a_failed_upload_is_tried_again(job_queue: JobQueue) -> None:
    chat = RecordingChat(failures=2)
    follower = JobFollower(job_queue, chat, edit_interval_s=0.05, delivery_backoff_s=0.01)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    task = follower.follow(record)
    await finish(job_queue, record)
    await asyncio.wait_for(task, 10)

    assert chat.attempts == 3
    assert chat.delivered == [record.job_id]
    assert (await job_queue.get(record.job_id)).delivered


async def test_a_film_that_never_gets_through_is_left_for_the_next_start(
    job_queue: JobQueue,
) -> None:
    down = RecordingChat(failures=99)
    follower = JobFollower(job_queue, down, edit_interval_s=0.05, delivery_backoff_s=0.01)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    task = follower.follow(record)
    await finish(job_queue, record)
    await asyncio.wait_for(task, 10)
    assert down.attempts == 3
    assert not (await job_queue.get(record.job_id)).delivered

    back = RecordingChat()
    restarted = JobFollower(job_queue, back, edit_interval_s=0.05)
    assert await restarted.resume() == [record.job_id]
    await asyncio.sleep(0.3)
    assert back.delivered == [record.job_id]
    await restarted.close()


class BrokenOnceChat(RecordingChat):
    """A surface with a bug that bites once: the first progress view raises."""

    async def show(self, record: JobRecord, view: ProgressView) -> None:
        if not self.attempts:
            self.attempts += 1
            raise KeyError("a bug in the adapter")
        await super().show(record, view)


async def test_an_unexpected_error_does_not_stop_following_the_job(job_queue: JobQueue) -> None:
    chat = BrokenOnceChat()
    follower = JobFollower(job_queue, chat, edit_interval_s=0.05, refollow_s=0.05)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    task = follower.follow(record)
    await asyncio.sleep(0.2)
    await finish(job_queue, record)
    await asyncio.wait_for(task, 10)

    assert chat.shown[-1].status is JobStatus.DONE
    assert chat.delivered == [record.job_id]


class RefusingChat(RecordingChat):
    """A chat that blocked the bot: every upload is refused for good."""

    async def deliver(self, record: JobRecord, result: JobResult) -> None:
        self.attempts += 1
        raise DeliveryRefused("Forbidden: bot was blocked by the user")


async def test_a_permanent_refusal_ends_delivery_without_retries_or_a_next_start(
    job_queue: JobQueue,
) -> None:
    chat = RefusingChat()
    follower = JobFollower(job_queue, chat, edit_interval_s=0.05, delivery_backoff_s=0.01)
    record = await job_queue.submit(StoryRequest(story=STORY), OWNER)
    task = follower.follow(record)
    await finish(job_queue, record)
    await asyncio.wait_for(task, 10)

    assert chat.attempts == 1
    assert not await job_queue.store.undelivered()
    restarted = JobFollower(job_queue, RecordingChat(), edit_interval_s=0.05)
    assert await restarted.resume() == []
