"""Every Redis key ShotGraph writes, in one place (as arq keeps its own in `arq.constants`).

arq's keys (the queue sorted set, `arq:job:*`, `arq:in-progress:*`, ...) belong to arq; the
only ones we touch directly are named here too, taken from arq so they cannot drift.
"""

from __future__ import annotations

from arq.constants import in_progress_key_prefix, job_key_prefix, result_key_prefix

PREFIX = "shotgraph"

# Set of job ids that are queued or running (what the sweeper and restarted bots walk).
UNFINISHED_JOBS = f"{PREFIX}:jobs:unfinished"
# Set of job ids that finished but whose front end has not confirmed delivery yet.
UNDELIVERED_JOBS = f"{PREFIX}:jobs:undelivered"
# Hash of worker id -> last beat (unix seconds), for /health and `doctor`.
WORKERS = f"{PREFIX}:workers"
# Hash of worker id -> JSON list of what each of its pipelines loaded (models, GPU memory).
WORKER_MODELS = f"{PREFIX}:workers:models"
# List (newest first, capped): seconds each recent film took to run, for queue wait estimates.
RECENT_RUN_SECONDS = f"{PREFIX}:jobs:run-seconds"
# Hash of worker id -> why it is below MIN_FREE_DISK_GB (absent while it has room).
WORKER_DISK_LOW = f"{PREFIX}:workers:disk-low"


def job(job_id: str) -> str:
    """Hash: the job's record (owner, status, times, progress message, delivered, error)."""
    return f"{PREFIX}:job:{job_id}"


def events(job_id: str) -> str:
    """Stream: the job's progress events, oldest first."""
    return f"{PREFIX}:events:{job_id}"


def heartbeat(job_id: str) -> str:
    """String with a TTL: present while a live worker is running the job."""
    return f"{PREFIX}:heartbeat:{job_id}"


def requeue_lock(job_id: str) -> str:
    """String with a short TTL: one sweeper is re-queueing the job right now."""
    return f"{PREFIX}:requeueing:{job_id}"


def delivery_lease(job_id: str) -> str:
    """String with a TTL: a front end is uploading the job's film right now."""
    return f"{PREFIX}:delivering:{job_id}"


def retried(job_id: str) -> str:
    """String with a TTL: the job's story was queued again (Try again), so a double press or
    a second bot process does not queue it twice."""
    return f"{PREFIX}:retried:{job_id}"


def posted(job_id: str, what: str) -> str:
    """String with a TTL: a front end has posted this storyboard sheet or film version."""
    return f"{PREFIX}:posted:{job_id}:{what}"


def storyboard_lock(job_id: str) -> str:
    """String with a TTL: someone is approving, editing or retaking this job right now."""
    return f"{PREFIX}:storyboard-lock:{job_id}"


def owner_jobs(platform: str, user_id: str) -> str:
    """Sorted set (score: created time): every job of one user, newest last."""
    return f"{PREFIX}:owner:{platform}:{user_id}"


def owner_active(platform: str, user_id: str) -> str:
    """Set: the user's jobs that are queued or running (the active-jobs quota)."""
    return f"{PREFIX}:active:{platform}:{user_id}"


def user_day(platform: str, user_id: str, day: str) -> str:
    """Counter: jobs one user submitted on one UTC day."""
    return f"{PREFIX}:quota:user:{platform}:{user_id}:{day}"


def user_day_free(platform: str, user_id: str, day: str) -> str:
    """Counter: jobs of one user on one UTC day that ended without counting (cancelled before
    drawing, refused, or failed), so /quota can say what counted and what did not."""
    return f"{PREFIX}:quota:free:{platform}:{user_id}:{day}"


def server_day(platform: str, server_id: str, day: str) -> str:
    """Counter: jobs one server or group submitted on one UTC day."""
    return f"{PREFIX}:quota:server:{platform}:{server_id}:{day}"


def arq_job(job_id: str) -> str:
    return job_key_prefix + job_id


def arq_in_progress(job_id: str) -> str:
    return in_progress_key_prefix + job_id


def arq_result(job_id: str) -> str:
    return result_key_prefix + job_id


# Discord bot: per-server settings and daily quota (see shotgraph/bot/discord_settings.py)
def discord_server(guild_id: str) -> str:
    """String (JSON): one Discord server's bot settings, as its moderators set them."""
    return f"{PREFIX}:discord:server:{guild_id}"


def discord_user_day(guild_id: str, user_id: str, day: str) -> str:
    """Counter: films one member started in one Discord server on one UTC day."""
    return f"{PREFIX}:discord:quota:{guild_id}:{user_id}:{day}"


def discord_greeted(guild_id: str, user_id: str) -> str:
    """String: present once a member has been greeted in a server (their first /story)."""
    return f"{PREFIX}:discord:greeted:{guild_id}:{user_id}"


# Telegram bot
def telegram_awaiting_story(chat_id: int) -> str:
    """String (StoryInput JSON) with a TTL: the options of a bare /story in a DM, waiting for
    the story in the chat's next message; kept here so that a restarted bot still has them."""
    return f"{PREFIX}:telegram:awaiting:{chat_id}"


def telegram_chat_captions(chat_id: int) -> str:
    """String: how one Telegram chat wants its films' captions (burned, soft, off)."""
    return f"{PREFIX}:telegram:captions:{chat_id}"


def telegram_chat_storyboard(chat_id: int) -> str:
    """String, `ask` or `auto`: whether a chat's films stop at their storyboard (/storyboard)."""
    return f"{PREFIX}:telegram:storyboard:{chat_id}"


def gallery_films(server_id: str) -> str:
    """Sorted set (score: submitted time): a server's public films, for its gallery page."""
    return f"{PREFIX}:gallery:{server_id}"
