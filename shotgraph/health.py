"""`shotgraph health ROLE`: a container health check, answered by exit code in a second.

Docker runs it inside each container; unlike `doctor` it checks one thing, fast, and says
only a line.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from enum import StrEnum

import redis

from shotgraph.config import Settings
from shotgraph.pipeline.gpu.manager import WORKER_REPORTS
from shotgraph.pipeline.gpu.readiness import gpu_problem
from shotgraph.queue import keys
from shotgraph.queue.client import quick_redis
from shotgraph.queue.worker import alive_workers
from shotgraph.storage.disk import DiskFull, check_disk, worker_disks

_TIMEOUT_S = 3


class Role(StrEnum):
    REDIS = "redis"
    WORKER = "worker"
    API = "api"


def check(role: Role, settings: Settings) -> tuple[bool, str]:
    """(healthy, one line why) for the process playing `role` on this host."""
    if role is Role.API:
        return _api(settings)
    try:
        with quick_redis(settings, _TIMEOUT_S) as client:
            client.ping()
            beats = client.hgetall(keys.WORKERS) if role is Role.WORKER else {}
            reports = client.hgetall(keys.WORKER_MODELS) if role is Role.WORKER else {}
    except redis.RedisError as exc:
        return False, f"{settings.redis_address}: {exc}"
    if role is Role.REDIS:
        return True, f"{settings.redis_address} answers"
    problem = gpu_problem(settings)
    if problem is not None:
        return False, problem
    host = socket.gethostname()
    alive = alive_workers(beats, settings.job_heartbeat_ttl_s)
    mine = [name for name in alive if name.startswith(f"{host}-")]
    if not mine:
        return False, f"no worker on {host} has beaten in {settings.job_heartbeat_ttl_s:.0f}s"
    try:
        check_disk(worker_disks(settings), settings.min_free_disk_gb)
    except DiskFull as low:
        return False, f"worker {mine[0]}: {low}"
    raw = reports.get(mine[0].encode())
    fallbacks = (
        [note for r in WORKER_REPORTS.validate_json(raw) for note in r.fallbacks] if raw else []
    )
    if fallbacks:
        # Beating, but not with the backends it was configured for (no GPU, no key).
        return False, f"worker {mine[0]} fell back: {'; '.join(fallbacks)}"
    return True, f"worker {mine[0]} is beating"


def _api(settings: Settings) -> tuple[bool, str]:
    url = f"http://127.0.0.1:{settings.api_port}/health"
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as answer:
            return answer.status == 200, f"{url} answered {answer.status}"
    except (urllib.error.URLError, OSError) as exc:
        return False, f"{url}: {exc}"
