"""Following jobs for a chat: their events become message edits, their films a delivery.

One task per job reads the job's stream and keeps a ProgressTracker current; a painter shows
the latest view at most once per edit interval, so a burst of events costs one edit. When
the job ends the last view is always shown, and the film is delivered once: the delivery is
claimed in Redis first, and confirmed after the upload, so two bot processes, or a bot that
restarts mid-upload, never post a film twice and never lose one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from shotgraph.bot.progress import ProgressTracker, ProgressView
from shotgraph.models import JobResult, Storyboard
from shotgraph.queue import events
from shotgraph.queue.client import JobQueue
from shotgraph.queue.outages import until_redis_answers
from shotgraph.queue.records import JobRecord, JobStatus, Platform

log = logging.getLogger(__name__)

# A delivery taking longer than this is taken for dead; another bot process may try again.
DELIVERY_LEASE_S = 600.0
# Uploads tried before the film is left for the next start of the bot.
DELIVERY_ATTEMPTS = 3
# After unexpected errors in a row, the longest wait before the job is followed again.
_REFOLLOW_MAX_S = 60.0


class DeliveryRefused(Exception):
    """The chat refuses the film for good: the bot is blocked or kicked, the user's DMs are
    closed, the chat or channel is gone. Trying again, now or after a restart, cannot help,
    and repeated refusals count against the bot (PLATFORM-FACTS.md); delivery ends here."""


class ChatSurface(Protocol):
    """What a platform adapter does for the follower."""

    platform: Platform

    async def show(self, record: JobRecord, view: ProgressView) -> None:
        """Post or edit the job's progress message; the adapter stores the message reference
        with `JobFollower.remember_message`. Errors are the adapter's to log and swallow."""

    async def deliver(self, record: JobRecord, result: JobResult) -> None:
        """Post the finished film into the job's chat. Raise if it did not get there;
        `DeliveryRefused` when it never will."""

    async def show_storyboard(self, record: JobRecord, board: Storyboard) -> None:
        """Post the storyboard's contact sheet with its buttons. Raise if it did not get there."""


class JobFollower:
    def __init__(
        self,
        queue: JobQueue,
        surface: ChatSurface,
        edit_interval_s: float,
        delivery_backoff_s: float = 5.0,
        refollow_s: float = 1.0,
    ) -> None:
        self.queue = queue
        self.surface = surface
        self.edit_interval_s = edit_interval_s
        self.delivery_backoff_s = delivery_backoff_s
        self.refollow_s = refollow_s
        """The first wait before a job whose following broke is followed again; it doubles
        with each error in a row."""
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def follow(self, record: JobRecord) -> asyncio.Task[None]:
        """Start following a job (once: a second call returns the task already running)."""
        task = self._tasks.get(record.job_id)
        if task is None or task.done():
            task = asyncio.create_task(self._follow(record), name=f"follow-{record.job_id}")
            self._tasks[record.job_id] = task
            task.add_done_callback(lambda _: self._tasks.pop(record.job_id, None))
        return task

    async def resume(self) -> list[str]:
        """Re-attach to this platform's jobs after a restart: the unfinished ones, and the
        finished ones whose film or last message never reached the chat."""
        store = self.queue.store
        records = await store.unfinished() + await store.undelivered()
        mine = {r.job_id: r for r in records if r.owner.platform == self.surface.platform}
        for record in mine.values():
            self.follow(record)
        return sorted(mine)

    async def remember_message(self, record: JobRecord, progress_ref: str) -> JobRecord:
        """Store where the job's progress message is, so a restarted bot edits the same one."""
        await self.queue.store.update(record.job_id, progress_ref=progress_ref)
        return record.model_copy(update={"progress_ref": progress_ref})

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _follow(self, record: JobRecord) -> None:
        """Follow until the job is handed over. An unexpected error (a bug, Redis gone for a
        moment) is logged and the job followed again from its record, never dropped until
        the next restart; other jobs' followers are not touched."""
        pause = self.refollow_s
        while True:
            try:
                await self._follow_once(record)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("following job %s failed; again in %.0f s", record.job_id, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, _REFOLLOW_MAX_S)
            try:
                record = await self.queue.store.get(record.job_id) or record
            except Exception:
                log.warning("job %s: its record cannot be read yet", record.job_id, exc_info=True)

    async def _follow_once(self, record: JobRecord) -> None:
        tracker = ProgressTracker(record)
        if record.status.finished:
            for _, event in await events.history(self.queue.redis, record.job_id):
                tracker.apply(event)
            await self._show(record, tracker.view())
        else:
            await self._follow_live(record, tracker)
        await self._hand_over(record.job_id)

    async def _follow_live(self, record: JobRecord, tracker: ProgressTracker) -> None:
        changed, ended = asyncio.Event(), asyncio.Event()
        # A retaken film's stream holds its earlier run: follow it from where that one ended.
        start = await self._resume_point(record.job_id)

        async def read() -> None:
            async for event_id, event in self.queue.watch(record.job_id, start):
                tracker.apply(event)
                changed.set()
                if event.kind == "storyboard" and event.storyboard is not None:
                    await self._post_storyboard(record.job_id, event_id, event.storyboard)
            ended.set()
            changed.set()

        reader = asyncio.create_task(read())
        shown: ProgressView | None = None
        try:
            while True:
                await changed.wait()
                changed.clear()
                # Read before the view is taken: an end that arrives while it is being shown
                # must still get its own, last, view.
                last = ended.is_set()
                view = tracker.view()
                if view != shown:
                    await self._show(record, view)
                    shown = view
                if last:
                    break
                await asyncio.sleep(self.edit_interval_s)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def _resume_point(self, job_id: str) -> str:
        """The stream id after the job's last end (a retake starts after it), else the start."""
        history = await events.history(self.queue.redis, job_id)
        ends = [event_id for event_id, event in history if event.kind in events.TERMINAL_KINDS]
        return ends[-1] if ends else events.STREAM_START

    async def _post_storyboard(self, job_id: str, event_id: str, board: Storyboard) -> None:
        """Post each storyboard once, whoever reads its event (a restarted bot reads it again):
        the claim is on the event, so a storyboard edited back to an earlier one is posted too."""
        store = self.queue.store
        what = f"storyboard-{event_id}"
        if not await store.claim_post(job_id, what):
            return
        record = await store.get(job_id)
        if record is None or record.status.finished:
            return
        try:
            await self.surface.show_storyboard(record, board)
        except Exception:  # a later storyboard event, or a restart, gets another chance
            await store.release_post(job_id, what)
            log.warning("job %s: the storyboard could not be posted", job_id, exc_info=True)

    async def _show(self, record: JobRecord, view: ProgressView) -> None:
        # The adapter may have stored a new message reference since this record was read.
        fresh = await self.queue.store.get(record.job_id) or record
        await self.surface.show(fresh, view)

    async def _hand_over(self, job_id: str) -> None:
        """Deliver a finished film once; a failed or cancelled job only needs its last view."""
        store = self.queue.store
        record = await store.get(job_id)
        if record is None or record.delivered:
            return
        if record.status is not JobStatus.DONE or record.result is None:
            await store.mark_delivered(job_id)
            return
        if not await store.claim_delivery(job_id, DELIVERY_LEASE_S):
            return
        for attempt in range(1, DELIVERY_ATTEMPTS + 1):
            try:
                await self.surface.deliver(record, record.result)
            except DeliveryRefused as refusal:
                log.warning("job %s: the chat refuses the film for good: %s", job_id, refusal)
                await store.mark_delivered(job_id)
                return
            except Exception:  # the platform failed us; the next attempt may get through
                log.warning("job %s: delivery attempt %d failed", job_id, attempt, exc_info=True)
                if attempt == DELIVERY_ATTEMPTS:
                    # Let a restarted bot try again, without waiting for the lease to lapse.
                    await store.release_delivery(job_id)
                    return
                await asyncio.sleep(self.delivery_backoff_s * 2 ** (attempt - 1))
            else:
                # The film is in the chat: this must be written, or a restarted bot posts it again.
                await until_redis_answers(
                    lambda: store.mark_delivered(job_id), f"mark job {job_id} delivered"
                )
                return
