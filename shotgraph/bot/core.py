"""Everything the chat bots share: taking a story, queueing it, following it, the texts.

An adapter (Telegram, Discord) turns its platform's updates into calls here and implements a
`ChatSurface` to show progress and deliver films; nothing in this module knows either
platform. A third platform needs only a third adapter.
"""

from __future__ import annotations

import logging

from shotgraph.bot.follower import ChatSurface, JobFollower
from shotgraph.bot.story_input import (
    OPTIONS_HELP,
    StoryInput,
    check_document,
    story_from_document,
)
from shotgraph.bot.storyboard import edit_help
from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import ShotGraphError
from shotgraph.models import StoryboardMode
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue, NothingToCancel
from shotgraph.queue.limits import QuotaUsage
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from shotgraph.queue.storyboard import NotAwaitingApproval, NothingToRetake, Storyboards
from shotgraph.sizes import spell_bytes

log = logging.getLogger(__name__)

# Said when something broke that the user cannot fix; the details are in the log.
SOMETHING_WENT_WRONG = "Something went wrong on our side; please try again in a little while."
# How long a Try again of one job is remembered, against double presses and twin processes.
RETRY_CLAIM_S = 86_400


class NothingToRetry(ShotGraphError):
    """Only a failed or cancelled job can be tried again."""


class BotCore:
    def __init__(
        self, settings: Settings, queue: JobQueue, surface: ChatSurface, edit_interval_s: float
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.follower = JobFollower(queue, surface, edit_interval_s)
        self.storyboards = Storyboards.from_queue(queue)

    async def submit(
        self, story: StoryInput, owner: Owner, storyboard: StoryboardMode | None = None
    ) -> JobRecord:
        """Check and queue a story; raises a ShotGraphError whose text is the reply.
        `storyboard` is the chat's or server's choice; unset, the settings' default."""
        request = story.to_request(self.settings.max_story_bytes).model_copy(
            update={"storyboard": storyboard or self.settings.storyboard_default}
        )
        return await self.queue.submit(request, owner)

    async def latest_storyboard(self, user: Owner) -> JobRecord:
        """The user's newest job whose storyboard waits for them (what /edit and /reroll
        act on)."""
        waiting = [j for j in await self.jobs(user) if j.status is JobStatus.AWAITING_APPROVAL]
        if not waiting:
            raise NotAwaitingApproval("You have no storyboard waiting for approval.")
        return waiting[0]

    async def latest_film(self, user: Owner) -> JobRecord:
        """The user's newest finished film (what /retake acts on)."""
        done = [j for j in await self.jobs(user) if j.status is JobStatus.DONE and j.result]
        if not done:
            raise NothingToRetake("You have no finished film to retake; /status lists yours.")
        return done[0]

    async def retake(
        self,
        job_id: str,
        user: Owner,
        number: int,
        visual_prompt: str | None = None,
        narration: str | None = None,
    ) -> JobRecord:
        """Retake one shot of a finished film and follow the new version into the chat."""
        record = await self.storyboards.retake(job_id, user, number, visual_prompt, narration)
        self.follow(record)
        return record

    def story_from_document(self, data: bytes, filename: str) -> str:
        return story_from_document(data, filename, self.settings.max_story_bytes)

    def check_document(self, filename: str, size: int | None) -> None:
        """Refuse a story file by its name and announced size, before downloading it."""
        check_document(filename, size, self.settings.max_story_bytes)

    async def retry(self, job_id: str, user: Owner) -> JobRecord:
        """Queue a failed or cancelled job's story again, for the same chat, once: a double
        press, or a second bot process that got the same press, queues no second copy."""
        record = await self.queue.job_for(job_id, user)
        if not record.status.finished or record.status is JobStatus.DONE:
            raise NothingToRetry(f'"{record.title}" is {record.status.value}; nothing to retry.')
        claim = keys.retried(job_id)
        if not await self.queue.redis.set(claim, "1", nx=True, ex=RETRY_CLAIM_S):
            raise NothingToRetry(f'"{record.title}" is already being tried again.')
        try:
            return await self.queue.submit(record.request, record.owner)
        except BaseException:  # refused (a limit reached): the user may press again later
            await self.queue.redis.delete(claim)
            raise

    async def cancel(self, job_id: str, user: Owner) -> JobRecord:
        return await self.queue.cancel(job_id, user)

    async def cancel_latest(self, user: Owner) -> JobRecord:
        """Cancel the user's newest job that is still queued or running."""
        active = [job for job in await self.jobs(user) if not job.status.finished]
        if not active:
            raise NothingToCancel("You have no film in the works to cancel.")
        return await self.queue.cancel(active[0].job_id, user)

    async def jobs(self, user: Owner, limit: int = 10) -> list[JobRecord]:
        return await self.queue.list_jobs(user, limit)

    async def quota(self, user: Owner) -> QuotaUsage:
        return await self.queue.limits.usage(user)

    def follow(self, record: JobRecord) -> None:
        self.follower.follow(record)

    async def resume(self) -> list[str]:
        return await self.follower.resume()

    async def close(self) -> None:
        await self.follower.close()

    def help_text(self, usage: QuotaUsage | None = None) -> str:
        """What the bot does, the limits, the options: the same words on every platform."""
        lines = [
            "I turn a written story into a short narrated film with music and subtitles.",
            "",
            "Send /story followed by your story, or /story alone and then the story, or a "
            f".txt or .md file. Stories up to {spell_bytes(self.settings.max_story_bytes)}; "
            "a few paragraphs make a film of a minute or two.",
            f"Options go before the story: {OPTIONS_HELP}.",
            '/story --vertical --title "The Kite" Mara ran up the hill at dawn...',
            "",
            "/status your films, /cancel the one in the works, /quota what you have left.",
            "",
            "When the storyboard is on, each film stops at its storyboard first: "
            f"render it, or change a shot first. {edit_help()} After a film, /retake N "
            "renders shot N again (with new words if you give them) as the film's next version.",
        ]
        if usage is not None:
            lines += ["", quota_text(usage)]
        return "\n".join(lines)


def quota_text(usage: QuotaUsage) -> str:
    left = max(usage.max_per_day - usage.today, 0)
    return (
        f"Today you have made {usage.today:g} of {usage.max_per_day} films ({left:g} left; "
        f"the count resets in {spell_seconds(usage.resets_in_s)}, at midnight UTC). "
        f"In the works: {usage.active} of {usage.max_active}. A retake counts as the share "
        "of its film's shots it renders again."
    )


def job_line(record: JobRecord) -> str:
    """One job in a list: id, title, status."""
    line = f"{record.job_id} · {record.title} · {record.status.value}"
    if record.status is JobStatus.FAILED and record.error:
        line += f" ({record.error})"
    if record.film_expired_at is not None:
        line += " (the film has expired)"
    return line


def reply_for(error: Exception) -> str:
    """What to tell the user about an error: its own sentence if it is theirs, else ours."""
    if isinstance(error, ShotGraphError):
        return str(error)
    log.error("unexpected error in a bot handler", exc_info=error)
    return SOMETHING_WENT_WRONG
