"""Quotas checked when a story is submitted: per user, per server, and for the whole queue.

The check and the reservation happen in one Lua script, so a flood of simultaneous submissions
cannot slip past a limit between reading a counter and raising it. The queue cap counts every
unfinished job (waiting or running), reserved here before arq has even seen it.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from redis.asyncio import Redis

from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import ShotGraphError
from shotgraph.queue import keys
from shotgraph.queue.records import JobRecord, Owner


class QuotaExceeded(ShotGraphError):
    """A limit refused the job; `retry_after_s` says when trying again can work (None: after
    the user's running job ends)."""

    def __init__(self, message: str, retry_after_s: int | None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


# KEYS: user's active set, user's day counter, server's day counter, the unfinished jobs.
# ARGV: job id, max active, max per user-day, max per server-day, max queued, counter TTL,
#       1 when the job has a server, the job's weight (1 for a film; a retake counts the
#       share of the film's shots it renders again).
# Returns 0 when admitted (and reserves), else the number of the limit that refused it.
_ADMIT = """
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 1 end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[3]) then return 2 end
local has_server = ARGV[7] == '1'
if has_server and tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[4]) then
  return 3
end
if redis.call('SCARD', KEYS[4]) >= tonumber(ARGV[5]) then return 4 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('INCRBYFLOAT', KEYS[2], ARGV[8])
redis.call('EXPIRE', KEYS[2], ARGV[6])
if has_server then
  redis.call('INCRBYFLOAT', KEYS[3], ARGV[8])
  redis.call('EXPIRE', KEYS[3], ARGV[6])
end
return 0
"""

# KEYS: the user's day counter, the server's, the Discord member's in that server, the user's
# day counter of jobs that did not count. ARGV: counter TTL, the run's weight.
# Gives back the run's weight from each counter it took (never below zero) and notes one job
# as not counted.
_GIVE_BACK = """
local weight = tonumber(ARGV[2])
for i = 1, 3 do
  local held = tonumber(redis.call('GET', KEYS[i]) or '0')
  if held > 0 then redis.call('INCRBYFLOAT', KEYS[i], -math.min(held, weight)) end
end
redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[1])
return 1
"""

# A key never written, for a counter a job did not take a place in.
_NO_KEY = f"{keys.PREFIX}:quota:none"

# A full queue frees up as films finish; a few minutes is a fair first guess.
_QUEUE_FULL_RETRY_S = 300


class QuotaUsage(BaseModel):
    """Where a user stands against their limits, for `/quota` and the help text."""

    active: int
    max_active: int
    today: float
    """Films that count today: made, drawn before a cancel, or still in the works; a retake
    counts the share of its film's shots it rendered again."""
    max_per_day: int
    resets_in_s: int
    not_counted: int = 0
    """Today's jobs that ended without counting: cancelled before drawing, refused, failed."""


class Limits:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self._admit = redis.register_script(_ADMIT)
        self._give_back = redis.register_script(_GIVE_BACK)

    async def admit(
        self, job_id: str, owner: Owner, now: dt.datetime | None = None, weight: float = 1.0
    ) -> None:
        """Reserve a place for the job under every limit, or raise QuotaExceeded. `weight` is
        what it counts against the daily limits: 1 for a film, less for a retake."""
        now = now or dt.datetime.now(dt.UTC)
        day = now.strftime("%Y-%m-%d")
        until_midnight = seconds_to_midnight(now)
        s = self.settings
        refused = await self._admit(
            keys=[
                keys.owner_active(owner.platform, owner.user_id),
                keys.user_day(owner.platform, owner.user_id, day),
                keys.server_day(owner.platform, owner.server_id or "-", day),
                keys.UNFINISHED_JOBS,
            ],
            args=[
                job_id,
                s.max_active_jobs_per_user,
                s.max_jobs_per_user_per_day,
                s.max_jobs_per_server_per_day,
                s.max_queued_jobs,
                until_midnight + 3600,
                1 if owner.server_id else 0,
                repr(round(weight, 3)),
            ],
        )
        if refused:
            raise self._refusal(int(refused), until_midnight)

    async def usage(self, owner: Owner, now: dt.datetime | None = None) -> QuotaUsage:
        now = now or dt.datetime.now(dt.UTC)
        day = now.strftime("%Y-%m-%d")
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.scard(keys.owner_active(owner.platform, owner.user_id))
            pipe.get(keys.user_day(owner.platform, owner.user_id, day))
            pipe.get(keys.user_day_free(owner.platform, owner.user_id, day))
            active, today, free = await pipe.execute()
        return QuotaUsage(
            active=active,
            max_active=self.settings.max_active_jobs_per_user,
            today=round(float(today or 0), 2),
            max_per_day=self.settings.max_jobs_per_user_per_day,
            resets_in_s=seconds_to_midnight(now),
            not_counted=int(free or 0),
        )

    async def give_back(self, record: JobRecord) -> None:
        """Uncount a run that ended without a film worth counting: its weight (1 for a film, a
        retake's share) from every daily counter it took a place in, on the UTC day it was
        counted."""
        owner = record.owner
        counted_at = record.quota_at or record.created_at
        day = dt.datetime.fromtimestamp(counted_at, dt.UTC).strftime("%Y-%m-%d")
        server = owner.server_id or "-"
        # The bot's per-member server quota counts whole films only (retakes take none).
        member_day = (
            keys.discord_user_day(server, owner.user_id, day)
            if owner.platform == "discord" and owner.server_id and record.quota_weight == 1
            else _NO_KEY
        )
        await self._give_back(
            keys=[
                keys.user_day(owner.platform, owner.user_id, day),
                keys.server_day(owner.platform, server, day) if owner.server_id else _NO_KEY,
                member_day,
                keys.user_day_free(owner.platform, owner.user_id, day),
            ],
            args=[seconds_to_midnight(dt.datetime.now(dt.UTC)) + 86_400, repr(record.quota_weight)],
        )

    async def release(self, job_id: str, owner: Owner) -> None:
        """Give back the places of a job that never made it into the queue."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.srem(keys.owner_active(owner.platform, owner.user_id), job_id)
            pipe.srem(keys.UNFINISHED_JOBS, job_id)
            await pipe.execute()

    def _refusal(self, code: int, until_midnight: int) -> QuotaExceeded:
        s = self.settings
        # Whole minutes, rounded up: a wait is never shorter than said.
        wait = spell_seconds((until_midnight + 59) // 60 * 60)
        if code == 1:
            films = "film" if s.max_active_jobs_per_user == 1 else "films"
            return QuotaExceeded(
                f"You already have {s.max_active_jobs_per_user} {films} in the works; "
                "wait for one to finish or cancel one, then send this story again.",
                None,
            )
        if code == 2:
            return QuotaExceeded(
                f"You have made {s.max_jobs_per_user_per_day} films today, the daily limit; "
                f"you can send a new story in {wait} (at midnight UTC).",
                until_midnight,
            )
        if code == 3:
            return QuotaExceeded(
                f"This server has made {s.max_jobs_per_server_per_day} films today, its daily "
                f"limit; new stories are accepted again in {wait} (at midnight UTC).",
                until_midnight,
            )
        return QuotaExceeded(
            f"The queue is full ({s.max_queued_jobs} films waiting); "
            "please try again in a few minutes.",
            _QUEUE_FULL_RETRY_S,
        )


def seconds_to_midnight(now: dt.datetime) -> int:
    tomorrow = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((tomorrow - now).total_seconds()))
