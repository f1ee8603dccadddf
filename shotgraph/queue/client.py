"""What front ends do with the queue: submit a story, ask where it is, cancel it, list jobs.

The bots and the API share this one client, so a limit, a refusal or a cancel behaves the same
from every platform.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import secrets
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import redis
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.constants import abort_jobs_ss

from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import ShotGraphError
from shotgraph.intake import split_title, too_big_message
from shotgraph.models import Stage, StageEvent, StoryRequest
from shotgraph.pipeline.artefacts import JOB_ID_PATTERN
from shotgraph.queue import events, keys
from shotgraph.queue.limits import Limits
from shotgraph.queue.records import JobRecord, JobStatus, JobStore, Owner
from shotgraph.storage.disk import DiskFull, check_disk, intake_disks

# The arq function name of a film job; the worker registers a function of this name.
RENDER_JOB = "render_story"
# How many recent films' run times the wait estimate is taken from.
RECENT_RUNS = 20
# The stage whose start makes a cancelled film count against the quota: from there on it
# has used the expensive (GPU) part of the pipeline.
COUNTS_FROM_STAGE = Stage.VISUALS
# Storyboard runs are short and a person waits for them: they jump the queue by this much.
# arq takes the lowest score (enqueue time in ms) first, so a storyboard queued now goes
# before every film queued in the past year, and storyboards keep their own first-come order.
# One queue and one GPU slot: a second slot would load the models twice on one card.
STORYBOARD_HEAD_START = dt.timedelta(days=365)
# How long `enqueue` waits for arq to let go of the previous run of the same id.
_ENQUEUE_TRIES = 100
_ENQUEUE_RETRY_S = 0.05
# How long arq keeps a queued job's payload (its default is a day past the job's score).
_ARQ_PAYLOAD_TTL = dt.timedelta(days=2)


class JobNotFound(ShotGraphError):
    """No such job, or not one this user may see (the two look the same on purpose)."""

    def __init__(self, job_id: str) -> None:
        # Only an id that could be one is named: a refusal never echoes arbitrary input.
        named = f" {job_id!r}" if JOB_ID_PATTERN.match(job_id) else ""
        super().__init__(f"There is no job{named} of yours.")


class NothingToCancel(ShotGraphError):
    """The job has already finished."""


class StoryTooLong(ShotGraphError):
    """The story is over the size limit."""


@contextmanager
def quick_redis(settings: Settings, timeout_s: float) -> Iterator[redis.Redis]:
    """A blocking client that gives up after `timeout_s`, for one-shot checks (doctor, health)."""
    client = redis.Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=timeout_s,
        socket_timeout=timeout_s,
        **_connection_options(settings),
    )
    try:
        yield client
    finally:
        client.close()


def redis_settings(settings: Settings) -> RedisSettings:
    """arq's connection settings: REDIS_URL (rediss:// for TLS, a password in it) and the CA
    bundle of a rediss:// server with a private certificate."""
    found = RedisSettings.from_dsn(settings.redis_url)
    options = _connection_options(settings)
    found.password = options.get("password", found.password)
    found.ssl_ca_certs = options.get("ssl_ca_certs", found.ssl_ca_certs)
    return found


def _connection_options(settings: Settings) -> dict[str, str]:
    """REDIS_PASSWORD when the URL has none, and the CA bundle of a rediss:// server."""
    options: dict[str, str] = {}
    url = urlsplit(settings.redis_url)
    if url.password is None and settings.redis_password is not None:
        options["password"] = settings.redis_password.get_secret_value()
    if url.scheme == "rediss" and settings.redis_tls_ca_file is not None:
        options["ssl_ca_certs"] = str(settings.redis_tls_ca_file)
    return options


async def connect(settings: Settings) -> ArqRedis:
    """One Redis pool for arq and our own keys."""
    return await create_pool(redis_settings(settings), default_queue_name=settings.queue_name)


class JobQueue:
    """The queue as front ends see it."""

    def __init__(self, redis: ArqRedis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.store = JobStore(redis, settings.event_ttl_s)
        self.limits = Limits(redis, settings)

    @classmethod
    async def connect(cls, settings: Settings) -> JobQueue:
        return cls(await connect(settings), settings)

    async def close(self) -> None:
        await self.redis.aclose()

    async def submit(
        self, request: StoryRequest, owner: Owner, progress_ref: str | None = None
    ) -> JobRecord:
        """Check the limits, record the job and queue it; the `queued` event says its place."""
        size = len(request.story.encode())
        if size > self.settings.max_story_bytes:
            raise StoryTooLong(too_big_message("The story", size, self.settings.max_story_bytes))
        await self.check_disk()
        job_id = secrets.token_hex(8)
        await self.limits.admit(job_id, owner)
        record = JobRecord(
            job_id=job_id,
            owner=owner,
            request=request,
            title=request.title or _title_from(request.story),
            progress_ref=progress_ref,
        )
        try:
            await self.store.create(record)
            await self.enqueue(record)
        except BaseException:
            await self.limits.release(job_id, owner)
            await self.finish(record, JobStatus.FAILED, error="could not be queued")
            raise
        await self.publish(job_id, await self.queued_event(job_id))
        return record

    async def finish(self, record: JobRecord, status: JobStatus, **fields: object) -> bool:
        """End the job once (see JobStore.finish) and settle its quota: a film counts when it
        is made, or when a cancel comes after its drawing started; a cancel before that, a
        refusal and a failure give the user's place back. A finished film's run time feeds
        the queue's wait estimates."""
        if not await self.store.finish(record, status, **fields):
            return False
        since = record.quota_at or record.created_at
        counted = status is JobStatus.DONE or (
            status is JobStatus.CANCELLED
            and await self.reached(record.job_id, COUNTS_FROM_STAGE, since)
        )
        if not counted:
            await self.limits.give_back(record)
        fresh = await self.store.get(record.job_id)
        if status is JobStatus.DONE and fresh is not None and fresh.started_at is not None:
            assert fresh.finished_at is not None
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.lpush(keys.RECENT_RUN_SECONDS, fresh.finished_at - fresh.started_at)
                pipe.ltrim(keys.RECENT_RUN_SECONDS, 0, RECENT_RUNS - 1)
                await pipe.execute()
        return True

    async def reached(self, job_id: str, stage: Stage, since: float = 0.0) -> bool:
        """Whether the job's stream says `stage` started (at or after `since`: a retake's
        run, not the film's first)."""
        return any(
            event.kind == "stage_started" and event.stage is stage and event.at >= since
            for _, event in await events.history(self.redis, job_id)
        )

    async def stage_of(self, job_id: str) -> Stage | None:
        """The stage a running job is in, from the newest event of its stream that names one."""
        for _, fields in await self.redis.xrevrange(keys.events(job_id), count=20):
            event = StageEvent.model_validate_json(fields[b"event"])
            if event.stage is not None:
                return event.stage
        return None

    async def queued_event(self, job_id: str) -> StageEvent:
        """The `queued` event for a waiting job: its place, and the wait that place means."""
        position = await self.position(job_id)
        wait = await self.wait_estimate(position) if position is not None else None
        message = f"About {spell_seconds(wait)} to wait." if wait is not None else ""
        return StageEvent(kind="queued", position=position, message=message)

    async def wait_estimate(self, position: int) -> float | None:
        """How long the film at `position` (1 = next) will wait before it starts, from how
        long recent films took and how many workers are taking films; None before any film
        was measured or while no worker is up."""
        raw = await self.redis.lrange(keys.RECENT_RUN_SECONDS, 0, -1)
        if not raw:
            return None
        typical = statistics.median(float(value) for value in raw)
        from shotgraph.queue.worker import alive_workers  # the worker module imports this one

        beats = await self.redis.hgetall(keys.WORKERS)
        workers = alive_workers(beats, self.settings.job_heartbeat_ttl_s)
        # A front end cannot see a worker's GPUs: WORKER_MAX_JOBS where set, else one each.
        slots = len(workers) * (self.settings.worker_max_jobs or 1)
        if slots == 0:
            return None
        running = len(await self.running_ids())
        ahead = position - max(slots - running, 0)
        if ahead <= 0:
            return 0.0
        # The films running now are half done on average; each round after takes a whole one.
        return typical * (math.ceil(ahead / slots) - 0.5)

    async def running_ids(self) -> list[str]:
        """Jobs a worker is running now."""
        unfinished = _decode(await self.redis.smembers(keys.UNFINISHED_JOBS))
        if not unfinished:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for job_id in unfinished:
                pipe.exists(keys.arq_in_progress(job_id))
            busy = await pipe.execute()
        return sorted(job_id for job_id, on in zip(unfinished, busy, strict=True) if on)

    async def in_the_works(self) -> list[JobRecord]:
        """Films being made (oldest first), then the waiting ones in the order they start."""
        running = sorted(await self.store.many(await self.running_ids()), key=_started)
        return running + await self.waiting()

    async def enqueue(self, record: JobRecord) -> None:
        """Hand the job to arq under its own id; a storyboard run goes ahead of every film.

        The same id is queued again after an approval or an edit. arq refuses an id while it
        still holds the previous run (a person can press a button in the moment between the
        storyboard's event and arq closing that run) or its result, so the result is dropped
        and the refusal waited out."""
        job_id = record.job_id
        for _ in range(_ENQUEUE_TRIES):
            await self.redis.delete(keys.arq_result(job_id))
            job = await self.redis.enqueue_job(
                RENDER_JOB,
                job_id,
                _job_id=job_id,
                _queue_name=self.settings.queue_name,
                _defer_by=-STORYBOARD_HEAD_START if record.wants_storyboard else None,
                _expires=_ARQ_PAYLOAD_TTL,
            )
            if job is not None:
                return
            await asyncio.sleep(_ENQUEUE_RETRY_S)
        raise RuntimeError(f"arq still holds job id {job_id}")

    def score(self, record: JobRecord) -> int:
        """The job's place in arq's queue (lower goes first), as `enqueue` gives it."""
        head_start = STORYBOARD_HEAD_START if record.wants_storyboard else dt.timedelta(0)
        return int((time.time() - head_start.total_seconds()) * 1000)

    async def check_disk(self) -> None:
        """Raise DiskFull when the local store, or every live worker's disk, is below
        MIN_FREE_DISK_GB: a film started now would fail at some write."""
        check_disk(intake_disks(self.settings), self.settings.min_free_disk_gb)
        low = {
            name.decode(): why.decode()
            for name, why in (await self.redis.hgetall(keys.WORKER_DISK_LOW)).items()
        }
        if not low:
            return
        from shotgraph.queue.worker import alive_workers  # the worker module imports this one

        alive = alive_workers(
            await self.redis.hgetall(keys.WORKERS), self.settings.job_heartbeat_ttl_s
        )
        if alive and all(name in low for name in alive):
            raise DiskFull(low[alive[0]])

    async def get(self, job_id: str) -> JobRecord:
        record = await self.store.get(job_id) if JOB_ID_PATTERN.match(job_id) else None
        if record is None:
            raise JobNotFound(job_id)
        return record

    async def job_for(self, job_id: str, user: Owner) -> JobRecord:
        """The job, if `user` owns it or is an admin; otherwise as if it did not exist."""
        record = await self.get(job_id)
        if not (record.owner.same_user(user) or self.is_admin(user)):
            raise JobNotFound(job_id)
        return record

    def is_admin(self, user: Owner) -> bool:
        return user.key in self.settings.admin_users

    async def position(self, job_id: str) -> int | None:
        """1 for the next job to start, 2 after it, ...; None when it is not waiting."""
        waiting = await self.waiting_ids()
        return waiting.index(job_id) + 1 if job_id in waiting else None

    async def waiting_ids(self) -> list[str]:
        """Queued job ids in the order they will start (running ones left out)."""
        ids = [raw.decode() for raw in await self.redis.zrange(self.settings.queue_name, 0, -1)]
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for job_id in ids:
                pipe.exists(keys.arq_in_progress(job_id))
            running = await pipe.execute()
        return [job_id for job_id, busy in zip(ids, running, strict=True) if not busy]

    async def waiting(self) -> list[JobRecord]:
        return await self.store.many(await self.waiting_ids())

    async def list_jobs(self, owner: Owner, limit: int = 20) -> list[JobRecord]:
        return await self.store.of_owner(owner, limit)

    async def cancel(self, job_id: str, user: Owner) -> JobRecord:
        """Cancel a queued job at once, or ask a running one to stop at its next checkpoint."""
        record = await self.job_for(job_id, user)
        if record.status.finished:
            raise NothingToCancel(f'"{record.title}" has already {record.status.value}.')
        await self.store.update(job_id, cancel_requested=True)
        in_progress = await self.redis.exists(keys.arq_in_progress(job_id))
        # A storyboard waiting for approval is in no queue: it ends at once.
        parked = record.status is JobStatus.AWAITING_APPROVAL
        if not in_progress and (parked or await self.redis.zrem(self.settings.queue_name, job_id)):
            await self.redis.delete(keys.arq_job(job_id))
            if await self.finish(record, JobStatus.CANCELLED, error="cancelled"):
                await self.publish(job_id, StageEvent(kind="cancelled", message="Cancelled."))
        else:
            # Running: arq's abort cancels the job's task, and the job stops its pipeline
            # process at the next checkpoint (see worker.py).
            await self.redis.zadd(abort_jobs_ss, {job_id: int(time.time() * 1000)})
        return await self.get(job_id)

    async def publish(self, job_id: str, event: StageEvent) -> str:
        return await events.publish(
            self.redis,
            job_id,
            event,
            maxlen=self.settings.event_stream_maxlen,
            ttl_s=self.settings.event_ttl_s,
        )

    def watch(
        self, job_id: str, after: str = events.STREAM_START
    ) -> AsyncIterator[tuple[str, StageEvent]]:
        """The job's events as they come, riding out Redis outages (see events.py)."""
        return events.watch_through_outages(self.redis, job_id, after)

    async def replay(self, job_id: str, after: str) -> AsyncIterator[tuple[str, StageEvent]]:
        """The job's events after `after`, for a reader handing back its last id: what is
        stored, if the job has finished, else on as they come; never waiting past the end."""
        record = await self.get(job_id)
        if record.status.finished:
            for found in await events.history(self.redis, job_id, after):
                yield found
            return
        start = await events.resume_point(self.redis, job_id, after)

        async def ended() -> bool:  # it finished after the look above, its end already read
            record = await self.store.get(job_id)
            return record is None or record.status.finished

        async for found in events.watch(self.redis, job_id, start, ended=ended):
            yield found


def _decode(values: set[bytes]) -> list[str]:
    return [value.decode() for value in values]


def _started(record: JobRecord) -> float:
    return record.started_at or record.created_at


def _title_from(story: str) -> str:
    """A working title for lists and progress messages: the story's heading, or first words."""
    heading, text = split_title(story)
    if heading:
        return heading
    words = text.split()
    return " ".join(words[:6]) + ("…" if len(words) > 6 else "")
