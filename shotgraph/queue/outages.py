"""Riding out a Redis outage: back off, wait for Redis to answer, carry on.

arq's worker leaves its poll loop (and the process, with exit code 1) on the first Redis error,
even a one-second restart; a worker must instead outlive the outage, keep its running job's
pipeline going, and write what it could not write once Redis is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from arq.connections import create_pool
from arq.worker import Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

# What redis-py raises while Redis is away or still loading its data (BusyLoadingError is a
# ConnectionError).
REDIS_UNREACHABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
# ... and a refused or reset socket that redis-py did not wrap, where nothing else could fail.
REDIS_DOWN: tuple[type[Exception], ...] = (*REDIS_UNREACHABLE, OSError)
# The first wait after a failure, and the longest one: a restart takes seconds, a failover
# tens of seconds, and a worker that asks every 10 s is back soon enough.
FIRST_BACKOFF_S = 0.25
LONGEST_BACKOFF_S = 10.0


def backoff_delays() -> Callable[[], float]:
    """The next wait each time it is called: doubling from FIRST_BACKOFF_S to LONGEST_BACKOFF_S."""
    delay = FIRST_BACKOFF_S / 2

    def next_delay() -> float:
        nonlocal delay
        delay = min(delay * 2, LONGEST_BACKOFF_S)
        return delay

    return next_delay


async def until_redis_answers(action: Callable[[], Awaitable[T]], what: str) -> T:
    """`action()`, tried again with back-off for as long as Redis is away. For writes that
    must not be lost (the end of a job), not for ones a later write replaces (progress)."""
    next_delay = backoff_delays()
    warned = False
    while True:
        try:
            result = await action()
        except REDIS_DOWN as error:
            if not warned:
                log.warning("Redis is unreachable (%s); will %s when it is back", error, what)
                warned = True
            await asyncio.sleep(next_delay())
            continue
        if warned:
            log.info("Redis is back; did %s", what)
        return result


class OutageProofWorker(Worker):
    """arq's worker, but a Redis error in its poll loop waits for Redis instead of ending it.

    Running jobs carry on meanwhile: their pipelines do not need Redis, and their own writes
    wait for it (see until_redis_answers)."""

    async def main(self) -> None:
        """arq's main, once Redis answers: a worker started while Redis is away waits for it
        (arq's own connection retries give up after a few seconds)."""
        if self._pool is None and self.redis_settings is not None:
            settings = self.redis_settings
            self._pool = await until_redis_answers(
                lambda: create_pool(
                    settings,
                    job_deserializer=self.job_deserializer,
                    job_serializer=self.job_serializer,
                    default_queue_name=self.queue_name,
                    expires_extra_ms=self.expires_extra_ms,
                ),
                "start the worker",
            )
        await super().main()

    async def close(self) -> None:
        """arq's close, but a job whose bookkeeping a SIGTERM interrupted (its result being
        written, in a shielded task that still completes) is no reason to exit with an error."""
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        self.tasks = {job: task for job, task in self.tasks.items() if not task.cancelled()}
        await super().close()

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_DOWN as error:
            log.warning("Redis is unreachable (%s); waiting for it", error)
            await self._wait_for_redis()
            log.info("Redis is back; taking jobs again")

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """arq takes a job slot before asking Redis whether the job is free; when Redis fails
        that question, give the slot back, or the worker would think itself full for good."""
        for job_id in job_ids:
            task_before = self.tasks.get(job_id.decode())
            counted_before = self.job_counter
            try:
                await super().start_jobs([job_id])
            except REDIS_DOWN:
                if self.tasks.get(job_id.decode()) is task_before and (
                    self.job_counter > counted_before
                ):
                    self.job_counter -= 1
                    self.sem.release()
                raise

    async def _wait_for_redis(self) -> None:
        next_delay = backoff_delays()
        while True:
            await asyncio.sleep(next_delay())
            try:
                await self.pool.ping()
            except REDIS_DOWN:
                continue
            return
