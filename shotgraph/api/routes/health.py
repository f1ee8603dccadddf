"""GET /health: is Redis there, and is any worker beating."""

from __future__ import annotations

import redis.exceptions
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shotgraph.api.dependencies import QueueDep
from shotgraph.api.schemas import HealthView
from shotgraph.queue import keys
from shotgraph.queue.worker import alive_workers
from shotgraph.storage.disk import DiskFull

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    response_model=HealthView,
    responses={503: {"model": HealthView, "description": "Redis is unreachable."}},
)
async def health(queue: QueueDep) -> JSONResponse:
    """200 when Redis answers (`status` says whether any worker is alive), else 503."""
    try:
        beats = await queue.redis.hgetall(keys.WORKERS)
    except redis.exceptions.RedisError:
        view = HealthView(status="redis unreachable", redis=False, workers=0)
        return JSONResponse(view.model_dump(), status_code=503)
    workers = len(alive_workers(beats, queue.settings.job_heartbeat_ttl_s))
    view = HealthView(status="ok" if workers else "no workers", redis=True, workers=workers)
    try:
        await queue.check_disk()
    except DiskFull as low:
        view.status, view.disk = "disk low", str(low)
    return JSONResponse(view.model_dump())
