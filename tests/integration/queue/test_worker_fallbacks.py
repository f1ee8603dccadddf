"""A worker whose configured backend cannot run here starts on the offline one, and says so
where operators look: its health check and `shotgraph doctor` turn red."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

from shotgraph.config import Settings
from shotgraph.doctor import run_checks
from shotgraph.health import Role, check
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from tests.helpers.worker_process import WorkerProcess

StartWorker = Callable[[Settings], WorkerProcess]


async def test_a_worker_that_fell_back_is_red_in_health_and_doctor(
    job_queue: JobQueue, queue_settings: Settings, start_worker: StartWorker
) -> None:
    # MusicGen asked for on CUDA with the GPU switched off: the synth plays instead.
    settings = queue_settings.model_copy(
        update={"music_backend": "musicgen", "gpu_enabled": False, "diffusion_device": "cuda"}
    )
    worker = start_worker(settings)
    name = next(
        n.decode()
        for n in await job_queue.redis.hkeys(keys.WORKERS)
        if n.endswith(b"-%d" % worker.pid)
    )

    healthy, said = await asyncio.to_thread(check, Role.WORKER, settings)
    doctor = await asyncio.to_thread(lambda: {c.name: c for c in run_checks(settings)})

    assert name.startswith(f"{socket.gethostname()}-")
    assert not healthy
    assert "music: MusicGen needs a GPU, GPU disabled by GPU_ENABLED=false" in said
    assert not doctor["workers"].ok
    assert "fell back: music: MusicGen needs a GPU" in doctor["workers"].detail
    assert not doctor["backends"].ok
