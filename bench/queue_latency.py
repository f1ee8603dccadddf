"""How long the queue itself takes, measured on loopback with a worker whose pipeline does nothing.

Printed as `name=value` lines at the end:

submit_to_first_event_p95_ms
    From calling `JobQueue.submit` until a reader following the job's stream (as a bot does)
    holds its first event: the limits check, the record, the arq enqueue and the stream round
    trip. This is what a chat user waits for before the bot can say "queued, position N".

submit_to_start_p95_ms
    From submit until the worker's first stage event reaches the reader: arq's poll, our
    record update, the heartbeat and the relay from the pipeline.

finish_to_result_event_p95_ms
    From the pipeline handing back its result until the reader holds the `done` event: the
    record's finish, the stream write and the read.

The worker is arq's own Worker running our job function in this process, with a stand-in
pipeline in place of the spawned render process; Redis is REDIS_URL (database 14, emptied).
Run with `make bench`. Target: under 50 ms for the first and the last.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

import redis.asyncio
from arq.worker import Worker

from shotgraph.config import Settings
from shotgraph.models import JobFiles, JobResult, Stage, StageEvent, StoryRequest
from shotgraph.pipeline.gpu.manager import ModelReport
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.pipeline_process import EventSink
from shotgraph.queue.records import Owner
from shotgraph.queue.worker import worker_settings

STORY = "Mara ran up the green hill at dawn. The wind lifted her red kite."
BENCH_DB = 14


# When the stand-in pipeline handed back each job's result (perf_counter seconds).
FINISHED_AT: dict[str, float] = {}


class NullPipeline:
    """Hands back a result at once, noting when, so the relay time can be measured."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.models: ModelReport | None = None

    async def start(self) -> None:
        self.models = ModelReport(models=[])

    async def run(self, job_id: str, request: StoryRequest, on_event: EventSink) -> JobResult:
        await on_event(StageEvent(kind="stage_started", stage=Stage.PREPROCESS))
        result = JobResult(
            job_id=job_id,
            title="bench",
            files=JobFiles(video="v.mp4", subtitles="v.srt", plan="p.json", thumbnail="t.jpg"),
            duration_s=1.0,
            width=64,
            height=64,
            fps=1,
            size_bytes=0,
            shot_count=0,
            scene_count=0,
        )
        FINISHED_AT[job_id] = time.perf_counter()
        return result

    async def stop(self, grace_s: float) -> JobResult | None:
        return None

    async def close(self) -> None:
        return None


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def measure(jobs: int) -> dict[str, float]:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    settings = Settings(
        _env_file=None,
        redis_url=f"{base}/{BENCH_DB}",
        max_jobs_per_user_per_day=jobs + 1,
        max_queued_jobs=jobs + 1,
    )
    flush = redis.asyncio.Redis.from_url(settings.redis_url)
    await flush.flushdb()
    await flush.aclose()

    worker = Worker(**worker_settings(settings, NullPipeline), handle_signals=False)
    running = asyncio.create_task(worker.async_run())
    queue = await JobQueue.connect(settings)
    first, start, relay = [], [], []
    try:
        # The worker's first beat is in Redis, not in this process: poll for it.
        while not await queue.redis.hlen(keys.WORKERS):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        for number in range(jobs):
            owner = Owner(platform="api", user_id=f"bench{number}")
            began = time.perf_counter()
            record = await queue.submit(StoryRequest(story=STORY), owner)
            async for _, event in queue.watch(record.job_id):
                now = time.perf_counter()
                if len(first) == number:
                    first.append(now - began)
                if event.kind == "stage_started":
                    start.append(now - began)
                elif event.kind == "done":
                    relay.append(now - FINISHED_AT[record.job_id])
    finally:
        await queue.close()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await worker.close()
    return {
        "submit_to_first_event_p95_ms": p95(first) * 1000,
        "submit_to_start_p95_ms": p95(start) * 1000,
        "finish_to_result_event_p95_ms": p95(relay) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    args = parser.parse_args()
    results = asyncio.run(measure(args.jobs))
    print(f"{args.jobs} jobs through a worker with a pipeline that does nothing")
    for name, value in results.items():
        print(f"{name}={value:.1f}")


if __name__ == "__main__":
    main()
