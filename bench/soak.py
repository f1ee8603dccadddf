"""Soak: real workers and their pipeline processes killed (kill -9) at random moments while
they render many films, on a Redis of the soak's own with an append-only file.

Printed as `name=value` lines at the end:

jobs_done              films finished (all of them, when nothing is wrong)
jobs_failed            jobs that ended failed or cancelled: 0
duplicate_done_events  `done` events beyond the first in any job's stream: 0
stuck_jobs             jobs not finished when the soak's time ran out: 0
leftover_processes     ffmpeg or pipeline processes still working on a finished job: 0
films_missing          done jobs whose film file is not there: 0
worker_kills, pipeline_kills, seconds

Each kill takes a worker busy with a job (the whole worker, or only its pipeline process, as
the OOM killer would); a replacement worker is started after a worker kill. A job is not
interrupted again once it has been twice: a job killed on all of its 5 tries fails by design,
and that is not what the soak is after. Failed jobs' reasons go to stderr. Run with
`python bench/soak.py` (`--jobs`, `--workers`, `--seconds`, `--seed`); it exits 1 when any
count but jobs_done is not 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shotgraph.config import Settings
from shotgraph.models import StoryRequest
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from shotgraph.queue.events import history
from shotgraph.queue.records import JobStatus, Owner
from tests.helpers.redis_server import OwnRedis
from tests.helpers.worker_process import WorkerProcess

ROOT = Path(__file__).resolve().parents[1]
# Runs of one job that may be killed; the next one is left to finish.
MAX_INTERRUPTIONS = 2
STORIES = [
    "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite.",
    (ROOT / "examples/stories/the-fox-and-the-lantern.txt").read_text(),
]


def soak_settings(folder: Path, redis_url: str) -> Settings:
    """Small films, fast heartbeats and sweeps, and limits that admit every soak job."""
    return Settings(
        _env_file=None,
        execution_profile="debug_cpu",
        gpu_enabled=False,
        storage_path=folder / "output",
        video_resolution="256x144",
        video_fps=8,
        redis_url=redis_url,
        job_heartbeat_s=0.3,
        job_heartbeat_ttl_s=1.5,
        sweep_interval_s=0.5,
        cancel_grace_s=5,
        shutdown_grace_s=10,
        max_active_jobs_per_user=1000,
        max_jobs_per_user_per_day=1000,
        max_queued_jobs=1000,
    )


def pipeline_of(worker: WorkerProcess) -> psutil.Process | None:
    try:
        children = psutil.Process(worker.pid).children()
    except psutil.NoSuchProcess:
        return None
    return next((c for c in children if "spawn_main" in " ".join(c.cmdline())), None)


async def busy_workers(queue: JobQueue, running: list[WorkerProcess]) -> list[WorkerProcess]:
    """Workers running a job that may be interrupted once more (from the jobs' heartbeats,
    which hold the worker's id, `<host>-<pid>`)."""
    by_pid = {worker.pid: worker for worker in running}
    found = []
    for record in await queue.store.unfinished():
        if record.status is not JobStatus.RUNNING or record.attempts > MAX_INTERRUPTIONS:
            continue
        beat = await queue.redis.get(keys.heartbeat(record.job_id))
        pid = beat.decode().rpartition("-")[2] if beat else ""
        if pid.isdigit() and int(pid) in by_pid:
            found.append(by_pid[int(pid)])
    return found


async def soak(jobs: int, workers: int, seconds: float, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="shotgraph-soak-") as scratch:
        folder = Path(scratch)
        redis_server = OwnRedis(folder / "redis").start()
        settings = soak_settings(folder, redis_server.url)
        running = [WorkerProcess(settings, folder / "workers").start() for _ in range(workers)]
        queue = await JobQueue.connect(settings)
        kills = {"worker_kills": 0, "pipeline_kills": 0}
        try:
            owner = Owner(platform="api", user_id="soak")
            ids = [
                (await queue.submit(StoryRequest(story=rng.choice(STORIES), seed=n), owner)).job_id
                for n in range(jobs)
            ]
            deadline = started + seconds
            while time.monotonic() < deadline:
                records = await queue.store.many(ids)
                if all(record.status.finished for record in records):
                    break
                await asyncio.sleep(rng.uniform(0.5, 3.0))
                candidates = await busy_workers(queue, running)
                if not candidates:
                    continue
                victim = rng.choice(candidates)
                if rng.random() < 0.5:
                    victim.kill_hard()
                    running.remove(victim)
                    running.append(WorkerProcess(settings, folder / "workers").start())
                    kills["worker_kills"] += 1
                elif (child := pipeline_of(victim)) is not None:
                    os.kill(child.pid, signal.SIGKILL)
                    kills["pipeline_kills"] += 1
            return {**await tally(queue, settings, ids), **kills}
        finally:
            await queue.close()
            for worker in running:
                worker.stop(timeout_s=15)
            redis_server.kill()


async def tally(queue: JobQueue, settings: Settings, ids: list[str]) -> dict[str, int]:
    records = await queue.store.many(ids)
    done = [r for r in records if r.status is JobStatus.DONE]
    duplicates = 0
    for job_id in ids:
        kinds = [event.kind for _, event in await history(queue.redis, job_id)]
        duplicates += max(kinds.count("done") - 1, 0)
    storage = str(settings.storage_path)
    leftover = [
        p.pid
        for p in psutil.process_iter(["cmdline"])
        if any(storage in part for part in (p.info["cmdline"] or []))
    ]
    for record in records:
        if record.status is JobStatus.FAILED:
            print(f"failed {record.job_id}: {record.error}", file=sys.stderr)
    missing = [
        r.job_id
        for r in done
        if r.result is None or not (settings.storage_path / r.result.files.video).is_file()
    ]
    return {
        "jobs_done": len(done),
        "jobs_failed": sum(r.status in (JobStatus.FAILED, JobStatus.CANCELLED) for r in records),
        "duplicate_done_events": duplicates,
        "stuck_jobs": sum(not r.status.finished for r in records) + len(ids) - len(records),
        "leftover_processes": len(leftover),
        "films_missing": len(missing),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    began = time.monotonic()
    counts = asyncio.run(soak(args.jobs, args.workers, args.seconds, args.seed))
    counts["seconds"] = round(time.monotonic() - began)
    for name, value in counts.items():
        print(f"{name}={value}")
    bad = ("jobs_failed", "duplicate_done_events", "stuck_jobs", "leftover_processes")
    return 1 if any(counts[name] for name in (*bad, "films_missing")) else 0


if __name__ == "__main__":
    sys.exit(main())
