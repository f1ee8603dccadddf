"""Everything the chat bots share: taking a story, queueing it, following it, the texts.

An adapter (Telegram, Discord) turns its platform's updates into calls here and implements a
`ChatSurface` to show progress and deliver films; nothing in this module knows either
platform. A third platform needs only a third adapter.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
from pathlib import Path

from shotgraph.bot.finished import FilmAction
from shotgraph.bot.follower import ChatSurface, JobFollower
from shotgraph.bot.story_input import OPTIONS_HELP, StoryInput, story_from_document
from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import InvalidStory, ShotGraphError
from shotgraph.models import AspectRatio, StoryRequest
from shotgraph.pipeline.artefacts import JobFolder
from shotgraph.queue.client import JobQueue, NothingToCancel
from shotgraph.queue.limits import QuotaUsage
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from shotgraph.sizes import spell_bytes

log = logging.getLogger(__name__)

# Said when something broke that the user cannot fix; the details are in the log.
SOMETHING_WENT_WRONG = "Something went wrong on our side; please try again in a little while."


class NothingToRetry(ShotGraphError):
    """Only a failed or cancelled job can be tried again."""


class BotCore:
    def __init__(
        self, settings: Settings, queue: JobQueue, surface: ChatSurface, edit_interval_s: float
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.follower = JobFollower(queue, surface, edit_interval_s)

    async def submit(self, story: StoryInput, owner: Owner) -> JobRecord:
        """Check and queue a story; raises a ShotGraphError whose text is the reply."""
        request = story.to_request(self.settings.max_story_bytes)
        return await self.queue.submit(request, owner)

    def story_from_document(self, data: bytes, filename: str) -> str:
        return story_from_document(data, filename, self.settings.max_story_bytes)

    async def retry(self, job_id: str, user: Owner) -> JobRecord:
        """Queue a failed or cancelled job's story again, for the same chat."""
        record = await self.queue.job_for(job_id, user)
        if not record.status.finished or record.status is JobStatus.DONE:
            raise NothingToRetry(f'"{record.title}" is {record.status.value}; nothing to retry.')
        return await self.queue.submit(record.request, record.owner)

    async def again(self, job_id: str, user: Owner, action: FilmAction) -> JobRecord:
        """Queue a finished film's story again with one thing changed: a new seed (a new
        look) or the other format. The new film belongs to the same author and chat."""
        record = await self.queue.job_for(job_id, user)
        return await self.queue.submit(changed_request(record.request, action), record.owner)

    async def edited(self, job_id: str, user: Owner, story: str) -> JobRecord:
        """Queue a refused story again, changed by its author, with its other options."""
        record = await self.queue.job_for(job_id, user)
        request = record.request.model_dump(exclude={"story"})
        story_input = StoryInput.model_validate({**request, "story": story})
        return await self.submit(story_input, record.owner)

    async def film_file(self, job_id: str, user: Owner, which: str) -> tuple[JobRecord, Path]:
        """A finished film's file (`video`, `subtitles`, ...) on disk, or one sentence why not."""
        record = await self.queue.job_for(job_id, user)
        if record.result is None:
            raise InvalidStory(f'"{record.title}" is {record.status.value}: it has no film yet.')
        path = self.settings.storage_path / getattr(record.result.files, which)
        if not path.exists():
            raise InvalidStory(f'"{record.title}" has been deleted.')
        return record, path

    async def delete_film(self, job_id: str, user: Owner) -> JobRecord:
        """Remove a film and everything made for it; the author or a moderator asks."""
        record = await self.queue.job_for(job_id, user)
        if not record.status.finished:
            raise InvalidStory(f'"{record.title}" is still in the works: cancel it instead.')
        await asyncio.to_thread(
            shutil.rmtree, JobFolder(self.settings.storage_path, job_id).path, True
        )
        log.info("job %s: film deleted by %s", job_id, user.key)
        return record

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
        ]
        if usage is not None:
            lines += ["", quota_text(usage)]
        return "\n".join(lines)


def changed_request(request: StoryRequest, action: FilmAction) -> StoryRequest:
    """The request a New seed or Vertical / Landscape button queues."""
    if action is FilmAction.RESEED:
        seed = request.seed
        while seed == request.seed:
            seed = secrets.randbelow(2**31)
        return request.model_copy(update={"seed": seed})
    if action is FilmAction.REFORMAT:
        other = (
            AspectRatio.LANDSCAPE
            if request.aspect is AspectRatio.PORTRAIT
            else AspectRatio.PORTRAIT
        )
        return request.model_copy(update={"aspect": other})
    raise ValueError(f"{action} does not make a new film")


def quota_text(usage: QuotaUsage) -> str:
    left = max(usage.max_per_day - usage.today, 0)
    return (
        f"Today you have made {usage.today} of {usage.max_per_day} films ({left} left; "
        f"the count resets in {spell_seconds(usage.resets_in_s)}, at midnight UTC). "
        f"In the works: {usage.active} of {usage.max_active}."
    )


def job_line(record: JobRecord) -> str:
    """One job in a list: id, title, status."""
    line = f"{record.job_id} · {record.title} · {record.status.value}"
    if record.status is JobStatus.FAILED and record.error:
        line += f" ({record.error})"
    return line


def reply_for(error: Exception) -> str:
    """What to tell the user about an error: its own sentence if it is theirs, else ours."""
    if isinstance(error, ShotGraphError):
        return str(error)
    log.error("unexpected error in a bot handler", exc_info=error)
    return SOMETHING_WENT_WRONG
