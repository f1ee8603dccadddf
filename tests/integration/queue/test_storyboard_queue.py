"""The storyboard gate on a real worker and Redis: the job parks at its storyboard without a
worker slot, re-rolls and edits redraw one shot, approval renders the same job, a retake makes
version 2 from one shot, and a storyboard left waiting expires."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from shotgraph.config import Settings
from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from shotgraph.queue.storyboard import (
    ChangeInProgress,
    NotAwaitingApproval,
    Storyboards,
    UnsafeEdit,
)
from tests.helpers.worker_process import WorkerProcess

pytestmark = pytest.mark.slow

STORY = (
    "The Kite\n\nMara ran up the green hill at dawn with her red kite. The wind was strong.\n\n"
    '"Hold the string tight," said Tom. Mara laughed and let the kite climb into the sky.\n\n'
    "That night the storm came to the village. Tom watched the rain from the window."
)
ALICE = Owner(platform="api", user_id="alice")
BOB = Owner(platform="api", user_id="bob")
UNSAFE = "A poster with instructions for making a pipe bomb"

StartWorker = Callable[[Settings], WorkerProcess]


async def next_event(
    queue: JobQueue, job_id: str, after: str, kinds: set[str], timeout_s: float = 90
) -> tuple[str, StageEvent]:
    """The first event of one of `kinds` after stream id `after`."""

    async def read() -> tuple[str, StageEvent]:
        async for event_id, event in queue.watch(job_id, after):
            if event.kind in kinds:
                return event_id, event
        raise AssertionError(f"job {job_id} ended before any of {kinds}")

    return await asyncio.wait_for(read(), timeout_s)


async def heartbeat_gone(queue: JobQueue, job_id: str, timeout_s: float = 5) -> None:
    deadline = time.monotonic() + timeout_s
    while await queue.redis.exists(keys.heartbeat(job_id)):
        assert time.monotonic() < deadline, "the parked job still has a heartbeat"
        await asyncio.sleep(0.05)


async def storyboard_of(queue: JobQueue, job_id: str, after: str = "0-0") -> tuple[str, JobRecord]:
    event_id, event = await next_event(queue, job_id, after, {"storyboard", "failed"})
    assert event.kind == "storyboard", event.message
    return event_id, await queue.get(job_id)


async def test_the_storyboard_waits_without_a_slot_and_the_edits_redraw_one_shot(
    queue_settings: Settings, job_queue: JobQueue, start_worker: StartWorker
) -> None:
    start_worker(queue_settings)
    boards = Storyboards.from_queue(job_queue)
    record = await job_queue.submit(StoryRequest(story=STORY, storyboard="ask"), ALICE)
    seen, parked = await storyboard_of(job_queue, record.job_id)

    assert parked.status is JobStatus.AWAITING_APPROVAL
    assert parked.storyboard is not None
    # The run that made the storyboard ends just after announcing it, and its heartbeat with it.
    await heartbeat_gone(job_queue, record.job_id)
    # The only slot is free: another user's film runs to the end meanwhile, while this job
    # stays parked.
    other = await job_queue.submit(StoryRequest(story="Tom sat by the sea at noon."), BOB)
    await next_event(job_queue, other.job_id, "0-0", {"done"})
    assert (await job_queue.get(record.job_id)).status is JobStatus.AWAITING_APPROVAL
    assert not await job_queue.redis.exists(keys.arq_in_progress(record.job_id))

    # A re-roll redraws shot 2 alone.
    first = parked.storyboard.panels
    await boards.reroll(record.job_id, ALICE, 2)
    seen, rerolled = await storyboard_of(job_queue, record.job_id, seen)
    assert rerolled.storyboard is not None
    second = rerolled.storyboard.panels
    assert second[1].keyframe != first[1].keyframe
    assert [p.keyframe for p in second[:1] + second[2:]] == [
        p.keyframe for p in first[:1] + first[2:]
    ]

    # An unsafe edit is refused with its category and changes nothing.
    with pytest.raises(UnsafeEdit) as refused:
        await boards.edit(record.job_id, ALICE, 1, visual_prompt=UNSAFE)
    assert refused.value.categories == ["S9"]
    assert "Shot 1 stays as it was" in str(refused.value)
    unchanged = await job_queue.get(record.job_id)
    assert unchanged.status is JobStatus.AWAITING_APPROVAL
    assert unchanged.request == rerolled.request

    # Someone else cannot approve it; its owner can, and the same job renders the film.
    with pytest.raises(Exception, match="no job"):
        await boards.approve(record.job_id, BOB)
    await boards.approve(record.job_id, ALICE)
    _, done = await next_event(job_queue, record.job_id, seen, {"done", "failed"})
    assert done.kind == "done", done.message
    finished = await job_queue.get(record.job_id)
    assert finished.status is JobStatus.DONE
    assert finished.result is not None
    assert finished.result.storyboard == rerolled.storyboard
    assert [v.files.video for v in finished.versions] == [finished.result.files.video]
    with pytest.raises(NotAwaitingApproval):
        await boards.approve(record.job_id, ALICE)


async def test_a_retake_renders_one_shot_and_makes_version_two(
    queue_settings: Settings, job_queue: JobQueue, start_worker: StartWorker
) -> None:
    start_worker(queue_settings)
    boards = Storyboards.from_queue(job_queue)
    record = await job_queue.submit(StoryRequest(story=STORY), ALICE)
    seen, _ = await next_event(job_queue, record.job_id, "0-0", {"done"})
    v1 = await job_queue.get(record.job_id)
    assert v1.result is not None
    assert v1.result.storyboard is not None
    # The first shot, with later shots in its scene: none of them is drawn from it again.
    retaken = v1.result.storyboard.panels[0]
    assert v1.result.storyboard.panels[1].shot_id.split("-")[0] == retaken.shot_id.split("-")[0]

    await boards.retake(record.job_id, ALICE, retaken.number, narration="The storm passed at dawn.")
    _, done = await next_event(job_queue, record.job_id, seen, {"done", "failed"})
    assert done.kind == "done", done.message

    v2 = await job_queue.get(record.job_id)
    assert v2.result is not None
    assert [v.files.video for v in v2.versions] == [v1.result.files.video, v2.result.files.video]
    assert v1.result.files.video != v2.result.files.video
    for version in v2.versions:
        assert (queue_settings.storage_path / version.files.video).stat().st_size > 0
    made = v2.result.made_shots
    assert made[Stage.NARRATION] == [retaken.shot_id]
    assert made[Stage.STORYBOARD] == [retaken.shot_id]
    assert made[Stage.VISUALS] == [retaken.shot_id]
    assert Stage.COMPOSE not in v2.result.cached_stages
    usage = await job_queue.limits.usage(ALICE)
    assert usage.today == pytest.approx(1 + 1 / v1.result.shot_count, abs=0.01)


async def test_storyboards_jump_the_queue_of_films(job_queue: JobQueue) -> None:
    film = await job_queue.submit(StoryRequest(story=STORY), ALICE)
    board = await job_queue.submit(StoryRequest(story=STORY, storyboard="ask"), BOB)

    assert await job_queue.waiting_ids() == [board.job_id, film.job_id]


async def test_a_storyboard_left_waiting_expires(
    queue_settings: Settings, job_queue: JobQueue, start_worker: StartWorker
) -> None:
    start_worker(queue_settings)
    record = await job_queue.submit(StoryRequest(story=STORY, storyboard="ask"), ALICE)
    seen, _ = await storyboard_of(job_queue, record.job_id)
    # The storyboard has waited a day and a minute.
    await job_queue.store.update(
        record.job_id, awaiting_since=time.time() - queue_settings.storyboard_ttl_s - 60
    )

    _, ended = await next_event(job_queue, record.job_id, seen, {"cancelled", "failed", "done"})

    assert ended.kind == "cancelled"
    assert "expired" in ended.message
    assert (await job_queue.limits.usage(ALICE)).active == 0


async def test_a_double_press_queues_once_and_a_waiting_storyboard_cancels_at_once(
    queue_settings: Settings, job_queue: JobQueue, start_worker: StartWorker
) -> None:
    start_worker(queue_settings)
    boards = Storyboards.from_queue(job_queue)
    first = await job_queue.submit(StoryRequest(story=STORY, storyboard="ask"), ALICE)
    second = await job_queue.submit(StoryRequest(story=STORY, storyboard="ask"), BOB)
    seen, _ = await storyboard_of(job_queue, first.job_id)
    await storyboard_of(job_queue, second.job_id)

    answers = await asyncio.gather(
        boards.approve(first.job_id, ALICE),
        boards.approve(first.job_id, ALICE),
        return_exceptions=True,
    )

    refused = [a for a in answers if isinstance(a, Exception)]
    assert len(refused) == 1
    assert isinstance(refused[0], (ChangeInProgress, NotAwaitingApproval))
    _, done = await next_event(job_queue, first.job_id, seen, {"done", "failed"})
    assert done.kind == "done", done.message

    cancelled = await job_queue.cancel(second.job_id, BOB)
    assert cancelled.status is JobStatus.CANCELLED
    assert (await job_queue.limits.usage(BOB)).active == 0


async def test_a_worker_restarted_while_the_storyboard_waits_renders_it_after_approval(
    queue_settings: Settings, job_queue: JobQueue, start_worker: StartWorker
) -> None:
    first = start_worker(queue_settings)
    record = await job_queue.submit(StoryRequest(story=STORY, storyboard="ask"), ALICE)
    seen, _ = await storyboard_of(job_queue, record.job_id)
    assert first.stop() == 0

    start_worker(queue_settings)
    await Storyboards.from_queue(job_queue).approve(record.job_id, ALICE)

    _, done = await next_event(job_queue, record.job_id, seen, {"done", "failed"})
    assert done.kind == "done", done.message
    finished = await job_queue.get(record.job_id)
    assert finished.result is not None
    assert Stage.STORYBOARD in finished.result.cached_stages
