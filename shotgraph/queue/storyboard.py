"""What people do with a storyboard and a finished film, from any front end: approve it,
re-roll one shot, edit one shot's words, and retake one shot of the finished film.

Each action changes the job's record and hands the same job id back to the queue: the next
run finds every artefact that did not change already made, so a re-roll redraws one keyframe
and a retake renders one shot and the composition again. Every edit passes the safety check
before it is accepted; a refused edit changes nothing.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import AsyncIterator

from shotgraph.errors import ShotGraphError, UnsafeContent
from shotgraph.models import CostReport, ShotEdit, StageEvent, Storyboard, StoryboardPanel
from shotgraph.pipeline.backends import build_moderator
from shotgraph.pipeline.moderation.protocol import Moderator
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner

# How long one action may hold a job (a moderation call included) before others may act.
_LOCK_MS = 30_000


class NotAwaitingApproval(ShotGraphError):
    """The job has no storyboard waiting: it is still drawing it, rendering, or finished."""


class NoSuchShot(ShotGraphError):
    """The storyboard has no panel of that number."""


class NothingToRetake(ShotGraphError):
    """Only a finished film can be retaken."""


class ChangeInProgress(ShotGraphError):
    """Another action on the same job is under way."""


class UnsafeEdit(UnsafeContent):
    """The safety check refused an edit; the shot keeps its old words."""


class Storyboards:
    """The storyboard and retake actions, shared by the bots and the API."""

    def __init__(self, queue: JobQueue, moderator: Moderator | None) -> None:
        self.queue = queue
        self.moderator = moderator

    @classmethod
    def from_queue(cls, queue: JobQueue) -> Storyboards:
        return cls(queue, build_moderator(queue.settings))

    async def approve(self, job_id: str, user: Owner) -> JobRecord:
        """Render the film from the storyboard as it stands."""
        async with self._exclusive(job_id):
            record = await self._waiting(job_id, user)
            record = await self._requeue(record, approved=True)
            await self.queue.publish(
                job_id,
                StageEvent(
                    kind="queued",
                    message="Storyboard approved: the film is queued.",
                    position=await self.queue.position(job_id),
                ),
            )
            return record

    async def reroll(self, job_id: str, user: Owner, number: int) -> JobRecord:
        """Draw shot `number` again with another seed; every other keyframe stays."""
        async with self._exclusive(job_id):
            record = await self._waiting(job_id, user)
            panel = _panel(record.storyboard, number)
            edit = _edit_of(record, panel)
            edits = {**record.request.shot_edits, panel.shot_id: edit.model_copy(
                update={"take": edit.take + 1}
            )}  # fmt: skip
            return await self._redraw(record, edits, f"Drawing shot {number} again.")

    async def edit(
        self,
        job_id: str,
        user: Owner,
        number: int,
        visual_prompt: str | None = None,
        narration: str | None = None,
    ) -> JobRecord:
        """Give shot `number` new words (its picture description, its narration, or both)."""
        async with self._exclusive(job_id):
            record = await self._waiting(job_id, user)
            panel = _panel(record.storyboard, number)
            edits = await self._edited(record, panel, visual_prompt, narration)
            return await self._redraw(record, edits, f"Redrawing shot {number} with your changes.")

    async def retake(
        self,
        job_id: str,
        user: Owner,
        number: int,
        visual_prompt: str | None = None,
        narration: str | None = None,
    ) -> JobRecord:
        """Render shot `number` of the finished film again (with new words when given, else
        as another take) and the composition; the film becomes the job's next version.

        It counts against the daily limits as the share of the film's shots it renders."""
        async with self._exclusive(job_id):
            record = await self.queue.job_for(job_id, user)
            if record.status is not JobStatus.DONE or record.result is None:
                raise NothingToRetake(
                    f'"{record.title}" is not a finished film, so it has no shot to retake.'
                )
            panel = _panel(record.result.storyboard, number)
            if visual_prompt is None and narration is None:
                edit = _edit_of(record, panel)
                edits = {
                    **record.request.shot_edits,
                    panel.shot_id: edit.model_copy(update={"take": edit.take + 1}),
                }
            else:
                edits = await self._edited(record, panel, visual_prompt, narration)
            weight = 1 / max(record.result.shot_count, 1)
            await self.queue.limits.admit(job_id, record.owner, weight=weight)
            request = record.request.model_copy(update={"shot_edits": edits})
            await self.queue.store.reopen(
                record,
                # What a retake that ends without a film gives back (JobQueue.finish).
                quota_weight=weight,
                quota_at=time.time(),
                status=JobStatus.QUEUED,
                request=request,
                approved=True,
                delivered=False,
                cancel_requested=False,
                error=None,
                # The new version gets a progress message of its own; the first one's stays.
                progress_ref=None,
            )
            fresh = await self.queue.get(job_id)
            await self.queue.enqueue(fresh)
            version = len(record.versions) + 1
            await self.queue.publish(
                job_id,
                StageEvent(
                    kind="queued",
                    message=f"Retaking shot {number}: version {version} is queued.",
                    position=await self.queue.position(job_id),
                ),
            )
            return fresh

    @contextlib.asynccontextmanager
    async def _exclusive(self, job_id: str) -> AsyncIterator[None]:
        """One change to a job at a time: a double press or two people at once would
        otherwise both read the same storyboard and queue the job twice."""
        key, token = keys.storyboard_lock(job_id), secrets.token_hex(8)
        if not await self.queue.redis.set(key, token, nx=True, px=_LOCK_MS):
            raise ChangeInProgress("Another change to this film is being made; try again.")
        try:
            yield
        finally:
            if await self.queue.redis.get(key) == token.encode():
                await self.queue.redis.delete(key)

    async def _waiting(self, job_id: str, user: Owner) -> JobRecord:
        record = await self.queue.job_for(job_id, user)
        if record.status is not JobStatus.AWAITING_APPROVAL or record.storyboard is None:
            state = {
                JobStatus.QUEUED: "it is approved and waiting to render"
                if record.approved
                else "its storyboard is being drawn",
                JobStatus.RUNNING: "it is being rendered"
                if record.approved
                else "its storyboard is being drawn",
            }.get(record.status, f"it has {record.status.value}")
            raise NotAwaitingApproval(f'"{record.title}" has no storyboard waiting: {state}.')
        return record

    async def _edited(
        self,
        record: JobRecord,
        panel: StoryboardPanel,
        visual_prompt: str | None,
        narration: str | None,
    ) -> dict[str, ShotEdit]:
        """The job's edits with this one laid over, once the safety check accepts its words."""
        visual_prompt = (visual_prompt or "").strip() or None
        narration = narration.strip() if narration is not None else None
        if visual_prompt is None and narration is None:
            raise ShotGraphError("An edit needs a picture description or a narration.")
        for words in (visual_prompt, narration):
            if words:
                await self._check(words, panel.number)
        edit = _edit_of(record, panel).model_copy(
            update={
                name: value
                for name, value in (("visual_prompt", visual_prompt), ("narration", narration))
                if value is not None
            }
        )
        try:
            edit = ShotEdit.model_validate(edit.model_dump())
        except ValueError as error:
            raise ShotGraphError(
                f"Shot {panel.number} can't take that edit: it is too long."
            ) from error
        return {**record.request.shot_edits, panel.shot_id: edit}

    async def _check(self, words: str, number: int) -> None:
        if self.moderator is None:
            return
        verdict = await self.moderator.check(words, CostReport())
        if not verdict.safe:
            raise UnsafeEdit(
                f"That edit can't be used: it was flagged for {verdict.describe()}. "
                f"Shot {number} stays as it was.",
                verdict.categories,
            )

    async def _redraw(self, record: JobRecord, edits: dict[str, ShotEdit], note: str) -> JobRecord:
        request = record.request.model_copy(update={"shot_edits": edits})
        updated = await self._requeue(record, request=request)
        await self.queue.publish(
            record.job_id,
            StageEvent(
                kind="queued", message=note, position=await self.queue.position(record.job_id)
            ),
        )
        return updated

    async def _requeue(self, record: JobRecord, **fields: object) -> JobRecord:
        await self.queue.store.update(
            record.job_id, status=JobStatus.QUEUED, awaiting_since=None, **fields
        )
        fresh = await self.queue.get(record.job_id)
        await self.queue.enqueue(fresh)
        return fresh


def _panel(board: Storyboard | None, number: int) -> StoryboardPanel:
    panel = board.panel(number) if board is not None else None
    if panel is None:
        count = len(board.panels) if board is not None else 0
        raise NoSuchShot(f"There is no shot {number}: the storyboard has shots 1 to {count}.")
    return panel


def _edit_of(record: JobRecord, panel: StoryboardPanel) -> ShotEdit:
    return record.request.shot_edits.get(panel.shot_id) or ShotEdit()
