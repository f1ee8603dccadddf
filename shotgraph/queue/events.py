"""Progress events: a capped Redis stream per job, written by the worker, read by front ends.

A stream, not pub/sub: a bot that was down reads on from the last event it saw, and a new
reader replays the job from its start (PLATFORM-FACTS: arq has no progress of its own).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from redis.asyncio import Redis

from shotgraph.models import StageEvent
from shotgraph.queue import keys
from shotgraph.queue.outages import REDIS_DOWN, backoff_delays

log = logging.getLogger(__name__)

# Kinds after which a job's stream has nothing more to say.
TERMINAL_KINDS = frozenset({"done", "failed", "cancelled"})
# Stream ids start after this one: reading from it replays the whole job.
STREAM_START = "0-0"
# A stream id as a reader may hand one back (Last-Event-ID): milliseconds-sequence, each part
# small enough for Redis (at most 2**64 - 1), so a forged one is refused, not a Redis error.
EVENT_ID_PATTERN = r"^[0-9]{1,19}-[0-9]{1,19}$"


async def publish(redis: Redis, job_id: str, event: StageEvent, maxlen: int, ttl_s: int) -> str:
    """Append one event to the job's stream; returns its stream id."""
    stream = keys.events(job_id)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xadd(stream, {b"event": event.model_dump_json().encode()}, maxlen=maxlen)
        pipe.expire(stream, ttl_s)
        event_id, _ = await pipe.execute()
    return event_id.decode()


async def history(
    redis: Redis, job_id: str, after: str = STREAM_START
) -> list[tuple[str, StageEvent]]:
    """Every event the job's stream still holds after `after`, without waiting for more."""
    entries = await redis.xrange(keys.events(job_id), min=f"({after}")
    return [_parse(entry_id, fields) for entry_id, fields in entries]


async def resume_point(redis: Redis, job_id: str, after: str) -> str:
    """Where to read on from: `after`, or the stream's last id if `after` is past it (a
    reader would otherwise wait for ids that never come, after the job's last event)."""
    newest = await redis.xrevrange(keys.events(job_id), count=1)
    if not newest:
        return after
    last = newest[0][0].decode()
    return last if _order(after) > _order(last) else after


def _order(event_id: str) -> tuple[int, int]:
    milliseconds, _, sequence = event_id.partition("-")
    return int(milliseconds), int(sequence or 0)


async def watch(
    redis: Redis,
    job_id: str,
    after: str = STREAM_START,
    block_ms: int = 5_000,
    ended: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[tuple[str, StageEvent]]:
    """Yield (stream id, event) from after `after` as they arrive, ending after the last one.

    Keep the id of the last event handled: passing it back after a restart resumes exactly
    where the reader stopped. The caller stops early by leaving the loop. `ended`, asked each
    time `block_ms` pass with nothing new, ends the watch of a job whose end was already read.
    """
    stream = keys.events(job_id)
    last = after
    while True:
        answer = await redis.xread({stream: last}, block=block_ms, count=100)
        if not answer and ended is not None and await ended():
            return
        for _, entries in answer:
            for entry_id, fields in entries:
                event_id, event = _parse(entry_id, fields)
                last = event_id
                yield event_id, event
                if event.kind in TERMINAL_KINDS:
                    return


async def watch_through_outages(
    redis: Redis, job_id: str, after: str = STREAM_START
) -> AsyncIterator[tuple[str, StageEvent]]:
    """`watch`, resumed from the last event read whenever Redis goes away and comes back, with
    back-off meanwhile: for readers that must outlive an outage (a bot following a job)."""
    last = after
    next_delay = backoff_delays()
    while True:
        try:
            async for event_id, event in watch(redis, job_id, last):
                last = event_id
                next_delay = backoff_delays()
                yield event_id, event
            return
        except REDIS_DOWN as error:
            log.warning(
                "job %s: Redis is unreachable (%s); following on when it is back", job_id, error
            )
            await asyncio.sleep(next_delay())


def _parse(entry_id: bytes, fields: dict[bytes, bytes]) -> tuple[str, StageEvent]:
    return entry_id.decode(), StageEvent.model_validate_json(fields[b"event"])
