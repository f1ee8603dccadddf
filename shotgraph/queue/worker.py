"""`shotgraph worker`: the arq worker that turns queued stories into films.

Each job runs in a pipeline child process (see pipeline_process.py) that keeps its models warm
between jobs. Our job record, not arq, is the source of truth: the job function writes the
record and a heartbeat, relays progress to the job's stream, and announces the end once. A
sweeper in every worker hands back to the queue any job whose worker stopped beating, and the
stages' caches let the next worker carry on from the last finished shot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from arq import func
from arq.worker import Retry

from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import BackendUnavailable
from shotgraph.models import JobResult, StageEvent, Storyboard
from shotgraph.pipeline.artefacts import JobFolder, jobs_with_scratch
from shotgraph.pipeline.gpu.devices import slot_settings
from shotgraph.pipeline.gpu.manager import WORKER_REPORTS
from shotgraph.queue import keys
from shotgraph.queue.client import RENDER_JOB, JobQueue, redis_settings
from shotgraph.queue.outages import REDIS_DOWN, OutageProofWorker, until_redis_answers
from shotgraph.queue.pipeline_process import (
    JobPipeline,
    PipelineDied,
    PipelineFailed,
    PipelineProcess,
    PipelineStopped,
    remove_dead_temp_folders,
)
from shotgraph.queue.records import JobRecord, JobStatus
from shotgraph.storage import open_storage, work_root
from shotgraph.storage.disk import DiskFull, check_disk, worker_disks
from shotgraph.storage.retention import prune_jobs

log = logging.getLogger(__name__)

PipelineFactory = Callable[[Settings], JobPipeline]

# What a user is told when a job failed for a reason that is ours, not theirs.
INTERNAL_FAILURE = "Something went wrong inside the worker; the details are in its log."
# arq retries a job cancelled by a shutdown or re-queued by the sweeper; after this many
# tries it gives up.
MAX_TRIES = 5
GAVE_UP = f"The film could not be made in {MAX_TRIES} tries; the details are in the worker's log."
# How long after its record a job may still be on its way into arq's queue.
_ENQUEUE_GRACE_S = 60.0
# A worker silent for this many heartbeat lifetimes is dead: it leaves the registry.
_DEAD_WORKER_TTLS = 3
# The hashes that hold a field per worker: a worker leaves them all when it stops or dies.
_WORKER_REGISTRIES = (keys.WORKERS, keys.WORKER_MODELS, keys.WORKER_DISK_LOW)
# How long one sweeper holds a job while re-queueing it, so that two never both do.
_REQUEUE_LOCK_S = 10.0


class JobRunner:
    """Runs jobs on this worker and keeps the records, heartbeats and streams honest."""

    def __init__(self, queue: JobQueue, pipelines: list[JobPipeline], worker_id: str) -> None:
        self.queue = queue
        self.settings = queue.settings
        self.worker_id = worker_id
        self._idle: asyncio.Queue[JobPipeline] = asyncio.Queue()
        self._pipelines = pipelines
        for pipeline in pipelines:
            self._idle.put_nowait(pipeline)
        self._background: list[asyncio.Task[None]] = []
        # After Redis was away every heartbeat may have expired: the sweeper waits one
        # heartbeat lifetime past the last failure, so live workers beat before it judges them.
        self._sweep_after = 0.0

    async def start(self) -> None:
        """Load the models (in each pipeline process), then take over jobs of dead workers."""
        for folder in remove_dead_temp_folders():
            log.info("removed %s, left by a worker that is gone", folder)
        # A store that cannot be written stops the worker here, not every job at its end.
        await asyncio.to_thread(open_storage(self.settings).prepare)
        for pipeline in self._pipelines:
            try:
                await pipeline.start()
            except PipelineFailed as failure:
                reason = failure.user_message or str(failure)
                raise BackendUnavailable(f"The worker cannot start: {reason}") from failure
        loaded = [pipeline.models for pipeline in self._pipelines if pipeline.models is not None]
        reports = WORKER_REPORTS.dump_json(loaded)
        await self.queue.redis.hset(keys.WORKER_MODELS, self.worker_id, reports)
        await self._beat_worker()
        await self._sweep_scratch()
        await self.sweep()
        self._background = [
            asyncio.create_task(self._every(self.settings.sweep_interval_s, self.sweep)),
            asyncio.create_task(self._every(self.settings.job_heartbeat_s, self._beat_worker)),
        ]
        if self.settings.storage_prune_interval_s > 0:
            self._background.append(
                asyncio.create_task(self._every(self.settings.storage_prune_interval_s, self.prune))
            )

    async def close(self) -> None:
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        for pipeline in self._pipelines:
            await pipeline.close()
        # With Redis away, the sweepers of the others strike this worker off later.
        with contextlib.suppress(*REDIS_DOWN):
            for registry in _WORKER_REGISTRIES:
                await self.queue.redis.hdel(registry, self.worker_id)

    async def render(self, job_id: str) -> str:
        """The arq job: run one story through the pipeline. Returns the job's final status."""
        store = self.queue.store
        record = await store.get(job_id)
        if record is None:
            log.warning("job %s: no record (expired?); nothing to do", job_id)
            return "missing"
        if record.status.finished or record.status is JobStatus.AWAITING_APPROVAL:
            return record.status.value  # cancelled while queued, or finished by an earlier run
        if record.cancel_requested:
            return await self._end(record, JobStatus.CANCELLED, "Cancelled.")
        # The heartbeat goes first: the sweeper takes a running job without one for orphaned.
        await self._beat_job(job_id)
        await store.update(
            job_id, status=JobStatus.RUNNING, started_at=time.time(), attempts=record.attempts + 1
        )
        await self._announce_positions()
        beat = asyncio.create_task(
            self._every(self.settings.job_heartbeat_s, self._beat_job, job_id)
        )
        try:
            async with self._borrow() as pipeline:
                return await self._run(record, pipeline)
        except BaseException:
            # Handed back to the queue (a crash, a shutdown): the pipeline is done with the job,
            # and what it left half-made goes. A job that ended had it removed by _end.
            JobFolder(work_root(self.settings), job_id).clear_scratch()
            raise
        finally:
            beat.cancel()
            await asyncio.shield(self.queue.redis.delete(keys.heartbeat(job_id)))

    async def _run(self, record: JobRecord, pipeline: JobPipeline) -> str:
        job_id = record.job_id
        try:
            async with asyncio.timeout(self.settings.job_timeout_s):
                if record.wants_storyboard:
                    board = await pipeline.storyboard(job_id, record.request, self._relay(job_id))
                    return await self._await_approval(record, board)
                result = await pipeline.run(job_id, record.request, self._relay(job_id))
        except TimeoutError:
            await pipeline.stop(0)
            limit = _spell_minutes(self.settings.job_timeout_s)
            return await self._end(
                record, JobStatus.FAILED, f"The film took longer than {limit} and was stopped."
            )
        except PipelineDied as death:
            return await self._after_crash(record, death)
        except PipelineFailed as failure:
            log.warning("job %s failed: %s", job_id, failure)
            reason = failure.user_message or INTERNAL_FAILURE
            return await self._end(record, JobStatus.FAILED, reason)
        except PipelineStopped:
            return await self._end(record, JobStatus.CANCELLED, "Cancelled.")
        except asyncio.CancelledError:
            await asyncio.shield(self._interrupted(record, pipeline))
            raise
        return await self._end(
            record, JobStatus.DONE, result=result, versions=[*record.versions, result]
        )

    async def _await_approval(self, record: JobRecord, board: Storyboard) -> str:
        """Park the job at its storyboard: no slot is held while a person looks at it."""
        await self.queue.store.update(
            record.job_id,
            status=JobStatus.AWAITING_APPROVAL,
            storyboard=board,
            awaiting_since=time.time(),
        )
        await self.queue.publish(
            record.job_id,
            StageEvent(
                kind="storyboard",
                storyboard=board,
                message="The storyboard is ready: approve it to render the film.",
            ),
        )
        return JobStatus.AWAITING_APPROVAL.value

    async def _after_crash(self, record: JobRecord, death: PipelineDied) -> str:
        """The pipeline process died under the job: try it again from its stages on disk,
        in its old place in the queue, unless it has used up its tries."""
        fresh = await self.queue.store.get(record.job_id)
        if fresh is None or fresh.attempts >= MAX_TRIES or fresh.cancel_requested:
            log.warning("job %s: %s; not trying again", record.job_id, death)
            if fresh is not None and fresh.cancel_requested:
                return await self._end(record, JobStatus.CANCELLED, "Cancelled.")
            return await self._end(record, JobStatus.FAILED, GAVE_UP)
        log.warning("job %s: %s; re-queueing it", record.job_id, death)
        await self._back_in_queue(
            record.job_id,
            "The worker's pipeline stopped; the film will continue where it left off.",
        )
        # arq counts the try and leaves the job's score, its place in the queue, as it was.
        raise Retry

    async def _interrupted(self, record: JobRecord, pipeline: JobPipeline) -> None:
        """arq cancelled the job: a user's cancel (abort), or this worker shutting down."""
        fresh = await self.queue.store.get(record.job_id)
        cancelled = fresh is not None and fresh.cancel_requested
        grace_s = self.settings.cancel_grace_s if cancelled else self.settings.shutdown_grace_s
        result = await pipeline.stop(grace_s)
        if result is not None:
            # It finished before it could stop: the film is made, and the job is done.
            await self._end(
                record, JobStatus.DONE, result=result, versions=[*record.versions, result]
            )
            return
        if cancelled:
            await self._end(record, JobStatus.CANCELLED, "Cancelled.")
            return
        # Shutdown: the running stage reached a checkpoint; arq puts the job back in the
        # queue, and the next run starts from what is already on disk.
        await self._back_in_queue(
            record.job_id, "The worker is restarting; the film will continue where it stopped."
        )

    async def _back_in_queue(self, job_id: str, message: str) -> None:
        """Mark the job queued again and tell its followers why, and where it stands. Before
        arq can hand the job to a worker: that worker's run marks it running."""
        await self.queue.store.update(job_id, status=JobStatus.QUEUED)
        await self._announce_requeue(job_id, message)

    async def _announce_requeue(self, job_id: str, message: str) -> None:
        position = await self.queue.position(job_id)
        await self.queue.publish(
            job_id, StageEvent(kind="queued", message=message, position=position)
        )

    async def _end(
        self,
        record: JobRecord,
        status: JobStatus,
        message: str | None = None,
        result: JobResult | None = None,
        **fields: Any,
    ) -> str:
        """Finish the record and announce the end, unless another run already did. Both wait
        for Redis if it is away: a finished film must not end up unannounced."""
        # The pipeline is done with the job: what it left half-made goes before the end is told.
        JobFolder(work_root(self.settings), record.job_id).clear_scratch()
        finished = await until_redis_answers(
            lambda: self.queue.finish(record, status, error=message, result=result, **fields),
            f"record job {record.job_id} as {status.value}",
        )
        if finished:
            # The finished statuses share their names with the events that announce them.
            event = StageEvent(kind=status.value, message=message or "", result=result)
            await until_redis_answers(
                lambda: self.queue.publish(record.job_id, event),
                f"announce job {record.job_id} {status.value}",
            )
        return status.value

    async def sweep(self) -> list[str]:
        """Put back in the queue every running job whose worker stopped beating, end the
        queued jobs arq gave up on (too many tries), which it never tells us about, and strike
        dead workers off the registry."""
        if time.monotonic() < self._sweep_after:
            return []
        await self._forget_dead_workers()
        taken: list[str] = []
        redis = self.queue.redis
        for record in await self.queue.store.unfinished():
            if self._storyboard_expired(record):
                waited = spell_seconds(self.settings.storyboard_ttl_s)
                await self._end(
                    record,
                    JobStatus.CANCELLED,
                    f"The storyboard waited {waited} without approval and expired; "
                    "send the story again to film it.",
                )
                continue
            if record.status is JobStatus.QUEUED and await self._lost_by_arq(record):
                log.warning("job %s: arq no longer has it; failing it", record.job_id)
                await self._end(record, JobStatus.FAILED, GAVE_UP)
                continue
            if record.status is JobStatus.QUEUED:
                await self._release_stale_claim(record)
                continue
            if record.status is not JobStatus.RUNNING:
                continue
            if await redis.exists(keys.heartbeat(record.job_id)):
                continue
            if await self._requeue(record):
                taken.append(record.job_id)
        return taken

    async def _forget_dead_workers(self) -> None:
        redis = self.queue.redis
        beats = await redis.hgetall(keys.WORKERS)
        ttl_s = self.settings.job_heartbeat_ttl_s * _DEAD_WORKER_TTLS
        alive = set(alive_workers(beats, ttl_s))
        reported = await redis.hkeys(keys.WORKER_MODELS)
        dead = {name.decode() for name in [*beats, *reported]} - alive - {self.worker_id}
        if dead:
            log.info("workers %s stopped beating; forgetting them", ", ".join(sorted(dead)))
            async with redis.pipeline(transaction=True) as pipe:
                for registry in _WORKER_REGISTRIES:
                    pipe.hdel(registry, *dead)
                await pipe.execute()

    async def _sweep_scratch(self) -> None:
        """Remove what killed runs left in job folders, unless a live worker runs that job."""
        for job_id in jobs_with_scratch(work_root(self.settings)):
            if not await self.queue.redis.exists(keys.heartbeat(job_id)):
                JobFolder(work_root(self.settings), job_id).clear_scratch()

    async def _release_stale_claim(self, record: JobRecord) -> None:
        """A queued job that arq holds as in progress while no run of it beats: a worker took
        it and died (killed after handing it back, or Redis lost mid-claim). Without this the
        job would wait for arq's in-progress key to expire, hours later."""
        job_id, redis = record.job_id, self.queue.redis
        left_ms = await redis.pttl(keys.arq_in_progress(job_id))
        if left_ms <= 0:
            return
        held_s = arq_in_progress_s(self.settings) - left_ms / 1000
        # A live worker beats within moments of taking a job; give it two heartbeat lifetimes.
        if held_s < 2 * self.settings.job_heartbeat_ttl_s:
            return
        if await redis.exists(keys.heartbeat(job_id)):
            return
        log.warning("job %s: taken by a worker that is gone; releasing it", job_id)
        await redis.delete(keys.arq_in_progress(job_id))

    def _storyboard_expired(self, record: JobRecord) -> bool:
        waiting = record.status is JobStatus.AWAITING_APPROVAL and record.awaiting_since
        return bool(waiting) and (
            time.time() - (record.awaiting_since or 0) > self.settings.storyboard_ttl_s
        )

    async def _lost_by_arq(self, record: JobRecord) -> bool:
        # A job is recorded a moment before arq has it: only an older one can be lost.
        if time.time() - record.created_at < _ENQUEUE_GRACE_S:
            return False
        redis = self.queue.redis
        async with redis.pipeline(transaction=False) as pipe:
            pipe.exists(keys.arq_job(record.job_id))
            pipe.zscore(self.settings.queue_name, record.job_id)
            has_job, score = await pipe.execute()
        return not has_job and score is None

    async def _requeue(self, record: JobRecord) -> bool:
        """Re-queue a running job whose worker died, once even with several sweepers: each
        takes the job's lock and looks again before acting."""
        job_id, redis = record.job_id, self.queue.redis
        lock = keys.requeue_lock(job_id)
        if not await redis.set(
            lock, self.worker_id.encode(), nx=True, px=int(_REQUEUE_LOCK_S * 1000)
        ):
            return False
        try:
            fresh = await self.queue.store.get(job_id)
            if fresh is None or fresh.status is not JobStatus.RUNNING:
                return False
            if await redis.exists(keys.heartbeat(job_id)):
                return False
            log.warning("job %s: its worker stopped beating; re-queueing it", job_id)
            await self._put_back(fresh)
            return True
        finally:
            await redis.delete(lock)

    async def _put_back(self, record: JobRecord) -> None:
        job_id, redis = record.job_id, self.queue.redis
        await self.queue.store.update(job_id, status=JobStatus.QUEUED)
        # arq would wait for the dead worker's in-progress key to expire (the longest job
        # timeout plus 10 s); removing it lets the next free worker start the job now.
        async with redis.pipeline(transaction=True) as pipe:
            pipe.delete(keys.arq_in_progress(job_id))
            pipe.exists(keys.arq_job(job_id))
            _, arq_has_job = await pipe.execute()
        if arq_has_job:
            # A running job keeps its score in arq's queue: its original place. Only a job
            # missing from the queue gets one again.
            await redis.zadd(self.settings.queue_name, {job_id: self.queue.score(record)}, nx=True)
        else:
            await self.queue.enqueue(record)
        await self._announce_requeue(
            job_id, "Its worker stopped; the film will continue where it left off."
        )

    async def _announce_positions(self) -> None:
        for job_id in await self.queue.waiting_ids():
            await self.queue.publish(job_id, await self.queue.queued_event(job_id))

    def _relay(self, job_id: str) -> Callable[[StageEvent], Any]:
        async def relay(event: StageEvent) -> None:
            try:
                await self.queue.publish(job_id, event)
            except REDIS_DOWN:
                # Progress is superseded by the next event; the job goes on without Redis.
                log.debug("job %s: Redis away; dropped a %s event", job_id, event.kind)

        return relay

    @contextlib.asynccontextmanager
    async def _borrow(self) -> AsyncIterator[JobPipeline]:
        pipeline = await self._idle.get()
        try:
            yield pipeline
        finally:
            self._idle.put_nowait(pipeline)

    async def _beat_job(self, job_id: str) -> None:
        ttl_ms = int(self.settings.job_heartbeat_ttl_s * 1000)
        await self.queue.redis.set(keys.heartbeat(job_id), self.worker_id.encode(), px=ttl_ms)

    async def prune(self) -> None:
        """Delete what retention let expire (see storage/retention.py)."""
        report = await prune_jobs(open_storage(self.settings), self.queue.store, self.settings)
        if report.deleted_files:
            log.info(
                "pruned %d files (%d bytes); films expired: %s",
                report.deleted_files,
                report.deleted_bytes,
                ", ".join(report.films_expired) or "none",
            )

    async def _beat_worker(self) -> None:
        await self.queue.redis.hset(keys.WORKERS, self.worker_id, str(time.time()))
        # Intake refuses new films while every live worker is short of disk (disk.py).
        try:
            check_disk(worker_disks(self.settings), self.settings.min_free_disk_gb)
        except DiskFull as low:
            await self.queue.redis.hset(keys.WORKER_DISK_LOW, self.worker_id, str(low))
        else:
            await self.queue.redis.hdel(keys.WORKER_DISK_LOW, self.worker_id)

    async def _every(self, interval_s: float, action: Callable[..., Any], *args: Any) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                await action(*args)
            except REDIS_DOWN as error:
                self._sweep_after = time.monotonic() + self.settings.job_heartbeat_ttl_s
                log.warning("Redis is unreachable (%s); will try again", error)
            except Exception:  # a periodic chore must outlive one failed round
                log.exception("periodic %s failed", getattr(action, "__name__", action))


async def render_story(ctx: dict[str, Any], job_id: str) -> str:
    runner: JobRunner = ctx["runner"]
    return await runner.render(job_id)


def worker_settings(
    settings: Settings, pipeline_factory: PipelineFactory = PipelineProcess
) -> dict[str, Any]:
    """arq's worker settings from ours (PLATFORM-FACTS: arq's defaults suit short web jobs)."""

    async def on_startup(ctx: dict[str, Any]) -> None:
        queue = JobQueue(ctx["redis"], settings)
        pipelines = [
            pipeline_factory(slot_settings(settings, slot)) for slot in range(settings.job_slots)
        ]
        runner = JobRunner(queue, pipelines, f"{socket.gethostname()}-{os.getpid()}")
        await runner.start()
        ctx["runner"] = runner

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        runner: JobRunner | None = ctx.get("runner")
        if runner is not None:
            await runner.close()

    return {
        "functions": [func(render_story, name=RENDER_JOB, max_tries=MAX_TRIES)],
        "redis_settings": redis_settings(settings),
        "queue_name": settings.queue_name,
        "max_jobs": settings.job_slots,
        "job_timeout": arq_job_timeout_s(settings),
        "keep_result": settings.job_keep_result_s,
        "allow_abort_jobs": True,
        # arq's 0.5 s poll would be most of a bot's wait before "started"; Redis shrugs at 10/s.
        "poll_delay": 0.1,
        "health_check_interval": 60,
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
    }


def arq_job_timeout_s(settings: Settings) -> float:
    """arq's timeout of a job: our own timeout stops the pipeline first; arq's is a backstop."""
    return settings.job_timeout_s + settings.shutdown_grace_s + 60


def arq_in_progress_s(settings: Settings) -> float:
    """How long arq's in-progress key of a job lives when it is set: arq's job timeout + 10 s."""
    return arq_job_timeout_s(settings) + 10


def run(settings: Settings) -> None:
    """Run a worker until SIGINT or SIGTERM; a Redis outage only pauses it."""
    OutageProofWorker(**worker_settings(settings)).run()


def alive_workers(beats: dict[bytes, bytes], ttl_s: float) -> list[str]:
    """The workers (from the WORKERS hash) whose last beat is recent enough to trust."""
    fresh_after = time.time() - ttl_s
    return sorted(name.decode() for name, beat in beats.items() if float(beat) >= fresh_after)


def _spell_minutes(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes >= 120:
        return f"{minutes // 60} hours"
    return f"{max(minutes, 1)} minutes" if seconds >= 60 else f"{seconds:.0f} seconds"
