"""Our job records: a Redis hash per job and the indexes that find jobs again.

arq knows a job only while it is queued or running and may run it twice; the record is the
source of truth that outlives both. A front end that restarts walks the unfinished and
undelivered indexes to re-attach to its progress messages and deliver each film exactly once.
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from pydantic_core import to_json
from redis.asyncio import Redis

from shotgraph.models import JobResult, Storyboard, StoryRequest
from shotgraph.queue import keys

Platform = Literal["telegram", "discord", "api", "cli"]
# Ids from the platforms become parts of Redis keys: keep them to a safe alphabet.
SafeId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@-]{1,64}$")]


class Owner(BaseModel):
    """Who asked for a job, and where its progress and film go."""

    platform: Platform
    user_id: SafeId
    chat_id: SafeId | None = None
    server_id: SafeId | None = None
    display_name: Annotated[str, Field(max_length=100)] = ""
    thread_id: SafeId | None = None
    """The forum topic the story came from (Telegram's `message_thread_id`): replies go there."""

    @property
    def key(self) -> str:
        """`platform:user`, the form ADMIN_USERS uses."""
        return f"{self.platform}:{self.user_id}"

    def same_user(self, other: Owner) -> bool:
        return self.platform == other.platform and self.user_id == other.user_id


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    AWAITING_APPROVAL = "awaiting_approval"
    """The storyboard is ready and waits for a person; no worker holds the job meanwhile."""
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


# Platforms whose front end delivers the film into a chat, and so must confirm delivery.
_DELIVERING_PLATFORMS = frozenset({"telegram", "discord"})


class JobRecord(BaseModel):
    """Everything a front end needs to show, resume and deliver one job."""

    job_id: str
    owner: Owner
    request: StoryRequest
    title: str
    status: JobStatus = JobStatus.QUEUED
    created_at: float = Field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    attempts: int = 0
    cancel_requested: bool = False
    progress_ref: str | None = None
    """The front end's handle on its progress message (opaque to the queue)."""
    delivered: bool = False
    error: str | None = None
    result: JobResult | None = None
    approved: bool = False
    """The storyboard was approved (or never asked for): the next run renders the film."""
    storyboard: Storyboard | None = None
    """The latest storyboard, once the storyboard phase has made one."""
    awaiting_since: float | None = None
    """When the storyboard started waiting for approval (it expires STORYBOARD_TTL_S later)."""
    versions: list[JobResult] = Field(default_factory=list)
    """Every film this job made, oldest first: v1, then each retake."""
    film_expired_at: float | None = None
    """When retention deleted the film (see storage/retention.py); the record stays."""
    quota_weight: float = 1.0
    """What this run counts toward the day: 1 for a film, a retake's share of its shots."""
    quota_at: float | None = None
    """When this run was counted (a retake's own time); None: when the job was made."""
    film_deleted: bool = False
    """Its author or a moderator deleted the film (film_expired_at is set too)."""

    @property
    def wants_storyboard(self) -> bool:
        """The next run stops at the storyboard for a person to approve."""
        return self.request.storyboard == "ask" and not self.approved


def _encode(value: Any) -> bytes:
    return to_json(value)


# Lua: move a job to a finished status only once, whoever (two workers, a cancel) gets there
# first. KEYS: job hash; ARGV: field/value pairs to set. Returns 1 if this call finished it.
_FINISH_ONCE = """
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if status == '"done"' or status == '"failed"' or status == '"cancelled"' then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""

# Lua: set fields of a record only while it exists (a lapsed record must not come back as a
# stub). KEYS: job hash; ARGV: field/value pairs.
_SET_IF_RECORDED = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
"""


class JobStore:
    """Reads and writes job records; every write goes through here."""

    def __init__(self, redis: Redis, record_ttl_s: int) -> None:
        self.redis = redis
        self.record_ttl_s = record_ttl_s
        self._finish_once = redis.register_script(_FINISH_ONCE)
        self._set_if_recorded = redis.register_script(_SET_IF_RECORDED)

    async def create(self, record: JobRecord) -> None:
        owner = record.owner
        owner_jobs = keys.owner_jobs(owner.platform, owner.user_id)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.job(record.job_id), mapping=self._fields(record.model_dump()))
            pipe.sadd(keys.UNFINISHED_JOBS, record.job_id)
            pipe.zadd(owner_jobs, {record.job_id: time.time()})
            # The list outlives its newest record by no more than the records themselves do.
            pipe.expire(owner_jobs, self.record_ttl_s)
            await pipe.execute()

    async def get(self, job_id: str) -> JobRecord | None:
        raw = await self.redis.hgetall(keys.job(job_id))
        if not raw:
            return None
        return JobRecord.model_validate(
            {field.decode(): json.loads(value) for field, value in raw.items()}
        )

    async def many(self, job_ids: list[str]) -> list[JobRecord]:
        records = [await self.get(job_id) for job_id in job_ids]
        return [record for record in records if record is not None]

    async def update(self, job_id: str, **fields: Any) -> None:
        await self.redis.hset(keys.job(job_id), mapping=self._fields(fields))

    async def finish(self, record: JobRecord, status: JobStatus, **fields: Any) -> bool:
        """Mark the job finished (done, failed or cancelled) unless it already is.

        Returns True for the one caller that finished it: only that caller announces the end,
        so a job run twice still ends once.
        """
        values = self._fields({"status": status, "finished_at": time.time(), **fields})
        args = [item for pair in values.items() for item in pair]
        if not await self._finish_once(keys=[keys.job(record.job_id)], args=args):
            return False
        owner = record.owner
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.srem(keys.UNFINISHED_JOBS, record.job_id)
            pipe.srem(keys.owner_active(owner.platform, owner.user_id), record.job_id)
            if owner.platform in _DELIVERING_PLATFORMS:
                pipe.sadd(keys.UNDELIVERED_JOBS, record.job_id)
            pipe.expire(keys.job(record.job_id), self.record_ttl_s)
            pipe.expire(keys.owner_jobs(owner.platform, owner.user_id), self.record_ttl_s)
            await pipe.execute()
        return True

    async def reopen(self, record: JobRecord, **fields: Any) -> None:
        """Put a finished job back in the works (a retake): unfinished, undelivered, kept."""
        owner = record.owner
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.job(record.job_id), mapping=self._fields(fields))
            pipe.persist(keys.job(record.job_id))
            pipe.sadd(keys.UNFINISHED_JOBS, record.job_id)
            pipe.srem(keys.UNDELIVERED_JOBS, record.job_id)
            pipe.sadd(keys.owner_active(owner.platform, owner.user_id), record.job_id)
            await pipe.execute()

    async def claim_post(self, job_id: str, what: str) -> bool:
        """True once per job and `what` (a storyboard sheet, a version): the one caller that
        may post it, so a restarted front end never posts it twice."""
        claimed = await self.redis.set(
            keys.posted(job_id, what), b"1", nx=True, ex=self.record_ttl_s
        )
        return bool(claimed)

    async def release_post(self, job_id: str, what: str) -> None:
        """Give up a claimed post that failed, so the next attempt may make it."""
        await self.redis.delete(keys.posted(job_id, what))

    async def mark_film_expired(self, job_id: str) -> None:
        """Say in the record that its film is gone; a record that expired itself stays gone."""
        await self._set_if_recorded(
            keys=[keys.job(job_id)], args=["film_expired_at", _encode(time.time())]
        )

    async def unfinished(self) -> list[JobRecord]:
        return await self.many(sorted(_decode_all(await self.redis.smembers(keys.UNFINISHED_JOBS))))

    async def undelivered(self) -> list[JobRecord]:
        ids = _decode_all(await self.redis.smembers(keys.UNDELIVERED_JOBS))
        return await self.many(sorted(ids))

    async def of_owner(self, owner: Owner, limit: int) -> list[JobRecord]:
        """The user's latest jobs, newest first."""
        key = keys.owner_jobs(owner.platform, owner.user_id)
        ids = _decode_all(await self.redis.zrevrange(key, 0, limit - 1))
        return await self.many(ids)

    async def claim_delivery(self, job_id: str, lease_s: float) -> bool:
        """Take the right to deliver a finished job's film for `lease_s` seconds.

        False if it was delivered already or another front-end process is delivering it; a
        front end that crashes mid-upload loses the lease, and a later one delivers instead.
        """
        record = await self.get(job_id)
        if record is None or record.delivered:
            return False
        claimed = await self.redis.set(
            keys.delivery_lease(job_id), b"1", nx=True, px=int(lease_s * 1000)
        )
        return bool(claimed)

    async def release_delivery(self, job_id: str) -> None:
        """Give up a claimed delivery that failed, so another attempt may claim it at once."""
        await self.redis.delete(keys.delivery_lease(job_id))

    async def mark_delivered(self, job_id: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.job(job_id), mapping=self._fields({"delivered": True}))
            pipe.srem(keys.UNDELIVERED_JOBS, job_id)
            pipe.delete(keys.delivery_lease(job_id))
            await pipe.execute()

    @staticmethod
    def _fields(values: dict[str, Any]) -> dict[str, bytes]:
        return {name: _encode(value) for name, value in values.items()}


def _decode_all(values: set[bytes] | list[bytes]) -> list[str]:
    return [value.decode() for value in values]
