"""Everything the chat bots share: taking a story, queueing it, following it, the texts.

An adapter (Telegram, Discord) turns its platform's updates into calls here and implements a
`ChatSurface` to show progress and deliver films; nothing in this module knows either
platform. A third platform needs only a third adapter.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path

from shotgraph.bot.finished import FilmAction
from shotgraph.bot.follower import ChatSurface, JobFollower
from shotgraph.bot.progress import STAGE_LABELS, plural
from shotgraph.bot.story_input import (
    CAPTIONS_HELP,
    StoryInput,
    check_document,
    story_from_document,
)
from shotgraph.bot.storyboard import edit_help
from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import InvalidStory, ShotGraphError
from shotgraph.models import AspectRatio, Captions, StoryboardMode, StoryRequest
from shotgraph.pipeline.speech.edge_voices import voices_for_language
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue, NothingToCancel
from shotgraph.queue.limits import QuotaUsage
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from shotgraph.queue.storyboard import NotAwaitingApproval, NothingToRetake, Storyboards
from shotgraph.sizes import spell_bytes
from shotgraph.storage import local_copy, open_storage
from shotgraph.storage.retention import JOBS_PREFIX, FilmExpired, expired_sentence

log = logging.getLogger(__name__)

# The story the greeting shows and its "Try an example story" button films.
EXAMPLE_STORY = (
    "Mara ran up the green hill at dawn. The wind lifted her red kite high over the "
    "village, and she laughed as it pulled at the string."
)

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
        self,
        story: StoryInput,
        owner: Owner,
        captions: Captions | None = None,
        storyboard: StoryboardMode | None = None,
    ) -> JobRecord:
        """Check and queue a story; raises a ShotGraphError whose text is the reply.

        Captions: the story's own choice, else the chat's or server's (`captions`), else
        CHAT_CAPTIONS: burned in by default, since chat apps' players hide soft subtitles.
        `storyboard` is the chat's or server's choice; unset, the settings' default."""
        request = story.to_request(self.settings.max_story_bytes)
        update: dict[str, object] = {"storyboard": storyboard or self.settings.storyboard_default}
        if request.captions is None:
            update["captions"] = captions or self.settings.chat_captions
        request = request.model_copy(update=update)
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
        """A finished film's file (`video`, `subtitles`, ...) on this machine, or one sentence
        saying why not."""
        record = await self.queue.job_for(job_id, user)
        if record.result is None:
            raise InvalidStory(f'"{record.title}" is {record.status.value}: it has no film yet.')
        path = None
        if record.film_expired_at is None:
            key = getattr(record.result.files, which)
            path = await asyncio.to_thread(
                local_copy, open_storage(self.settings), key, self.settings
            )
        if path is None and record.film_deleted:
            raise FilmExpired(f'"{record.title}" was deleted.')
        if path is None:
            raise FilmExpired(expired_sentence(self.settings))
        return record, path

    async def delete_film(self, job_id: str, user: Owner) -> JobRecord:
        """Remove a film and everything kept for it; the author or a moderator asks. The
        record stays (so /status can say so), marked as having no film any more."""
        record = await self.queue.job_for(job_id, user)
        if not record.status.finished:
            raise InvalidStory(f'"{record.title}" is still in the works: cancel it instead.')
        store = open_storage(self.settings)
        kept = await asyncio.to_thread(store.list, f"{JOBS_PREFIX}{job_id}/")
        await asyncio.to_thread(store.delete, [stored.key for stored in kept])
        await self.queue.store.mark_film_expired(job_id)
        await self.queue.store.update(job_id, film_deleted=True)
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

    def greeting(self, send: str = "Send /story and") -> str:
        """The first thing a newcomer reads: three lines and one example, no manual.
        `send` is how the platform's users start a story ("Use /story with" on Discord)."""
        return (
            "Hi! I turn a short story into a narrated film with pictures, music and captions.\n"
            f"{send} your story: a few sentences are enough, and it takes a minute or two.\n"
            "Tap a button below to try one, or to read how it works.\n\n"
            f"For example:\n/story {EXAMPLE_STORY}"
        )

    def help_text(self, how_to_send: list[str], usage: QuotaUsage | None = None) -> str:
        """The full reference: what the bot does, how to send a story (the platform's own
        words), the commands, and the limits in force, as numbers."""
        s = self.settings
        lines = [
            "I turn a written story into a short narrated film with pictures, music and captions.",
            "",
            *how_to_send,
            "",
            "Under a finished film: New seed (same story, new look), Vertical / Landscape "
            "(the other format), Subtitles (the .srt file), Delete.",
            "/status your films (and a button to get each again), /queue what is being made, "
            "/cancel the film in the works, /quota what you have left today, /voices the "
            "voices for a language.",
            "",
            "When the storyboard is on, each film stops at its storyboard first: "
            f"render it, or change a shot first. {edit_help()} After a film, /retake N "
            "renders shot N again (with new words if you give them) as the film's next version.",
            "",
            f"Limits: stories up to {spell_bytes(s.max_story_bytes)}; "
            f"{plural(s.max_active_jobs_per_user, 'film')} in the works at once (a second "
            f"story waits behind the first); {plural(s.max_jobs_per_user_per_day, 'film')} a "
            "day. Cancelled before drawing, refused or failed films do not count; a retake "
            "counts as the share of its film's shots it renders again.",
            f"Captions: {CAPTIONS_HELP}; burned unless you or your chat's settings say otherwise.",
        ]
        if usage is not None:
            lines += ["", quota_text(usage)]
        return "\n".join(lines)


def changed_request(request: StoryRequest, action: FilmAction) -> StoryRequest:
    """The request a New seed or Vertical / Landscape button queues: a new film, so the
    first film's shot edits and retakes (made for its pictures) are left behind."""
    if action is FilmAction.RESEED:
        seed = request.seed
        while seed == request.seed:
            seed = secrets.randbelow(2**31)
        return request.model_copy(update={"seed": seed, "shot_edits": {}})
    if action is FilmAction.REFORMAT:
        other = (
            AspectRatio.LANDSCAPE
            if request.aspect is AspectRatio.PORTRAIT
            else AspectRatio.PORTRAIT
        )
        return request.model_copy(update={"aspect": other, "shot_edits": {}})
    raise ValueError(f"{action} does not make a new film")


def quota_text(usage: QuotaUsage) -> str:
    """What counted today, what did not and why, and what is left."""
    left = max(usage.max_per_day - usage.today, 0)
    counted = f"Today {usage.today:g} of your {usage.max_per_day} films are used"
    if usage.active:
        counted += f" ({usage.active} of them still in the works)"
    lines = [
        f"{counted}; {left:g} left. A film counts once it is made, or once its pictures are "
        "being drawn when you cancel it; a retake counts as the share of its film's shots it "
        "renders again.",
    ]
    if usage.not_counted:
        lines.append(
            f"Not counted: {plural(usage.not_counted, 'film')} cancelled before drawing, "
            "refused by the safety check, or failed on our side."
        )
    lines.append(
        f"The count resets in {spell_seconds(usage.resets_in_s)} (midnight UTC). "
        f"In the works now: {usage.active} of {usage.max_active}."
    )
    return "\n".join(lines)


def job_line(record: JobRecord, now: float | None = None) -> str:
    """One film in a list: title, where it is, how long ago it was asked for."""
    now = time.time() if now is None else now
    age = spell_age(now - record.created_at)
    line = f"🎬 {record.title} · {record.status.value} · {age}"
    if record.status is JobStatus.FAILED and record.error:
        line += f" ({record.error})"
    if record.film_deleted:
        line += " (deleted)"
    elif record.film_expired_at is not None:
        line += " (the film has expired)"
    return line


def spell_age(seconds: float) -> str:
    """`just now`, `5 min ago`, `3 h ago`, `2 days ago`."""
    if seconds < 60:
        return "just now"
    if seconds < 86_400:
        return f"{spell_seconds(seconds // 60 * 60)} ago"
    return f"{plural(int(seconds // 86_400), 'day')} ago"


async def queue_lines(queue: JobQueue, here: Callable[[JobRecord], bool]) -> list[str]:
    """Films being made, with their stage, then the waiting ones with their wait. Titles and
    authors only of films from `here` (this chat or server): the queue is shared."""
    lines = []
    waiting_place = 0
    for record in await queue.in_the_works():
        who = (
            f"{record.title} · {record.owner.display_name or 'someone'}"
            if here(record)
            else "a film from elsewhere"
        )
        if record.status is JobStatus.RUNNING:
            stage = await queue.stage_of(record.job_id)
            doing = STAGE_LABELS[stage] if stage is not None else "starting"
            lines.append(f"▶️ {who} · {doing}")
        else:
            waiting_place += 1
            wait = await queue.wait_estimate(waiting_place)
            about = f" · about {spell_seconds(wait)}" if wait is not None else ""
            lines.append(f"{waiting_place}. {who}{about}")
    return lines


def voices_text(language: str) -> str:
    """The narrator voices for a language, to pick with --voice."""
    voices = voices_for_language(language)
    if not voices:
        return (
            f"I have no voice list for {language!r}; the narrator is picked from the story's "
            "language. Try /voices en, es, fr, de, it, pt, ja, zh, ..."
        )
    names = "\n".join(
        f"{voice.name} ({'girl' if voice.child else voice.gender})" for voice in voices
    )
    return f"Voices for {language} (use one with --voice NAME):\n{names}"


def reply_for(error: Exception) -> str:
    """What to tell the user about an error: its own sentence if it is theirs, else ours."""
    if isinstance(error, ShotGraphError):
        return str(error)
    log.error("unexpected error in a bot handler", exc_info=error)
    return SOMETHING_WENT_WRONG
