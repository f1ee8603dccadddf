"""Ending a queued job as a worker would, without a worker: for the bots' tests that need a
finished, failed or delivered job and not the rendering behind it."""

from __future__ import annotations

import numpy as np
from PIL import Image

from shotgraph.config import Settings
from shotgraph.models import JobFiles, StageEvent
from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, JobStatus
from tests.helpers.results import job_result


async def fail(queue: JobQueue, record: JobRecord, reason: str = "the worker fell over") -> None:
    assert await queue.store.finish(record, JobStatus.FAILED, error=reason)
    await queue.publish(record.job_id, StageEvent(kind="failed", message=reason))


async def finish_with_film(
    queue: JobQueue,
    settings: Settings,
    record: JobRecord,
    film_bytes: int = 1000,
    playable_s: float | None = None,
    notes: list[str] | None = None,
) -> None:
    """End the job with a film in storage: `film_bytes` of filler (the fakes do not look
    inside), or with `playable_s` a real H.264 film that long, of lossless noise (about
    4.3 MB a second at 640x360, so a few seconds exceed Discord's 10 MiB); and a grainy
    thumbnail."""
    folder = settings.storage_path / "jobs" / record.job_id
    folder.mkdir(parents=True, exist_ok=True)
    film = folder / "film.mp4"
    if playable_s is None:
        film.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * film_bytes)
    else:
        run_ffmpeg(
            "-y", "-f", "lavfi",
            "-i", "nullsrc=s=640x360:r=12,geq=lum=random(1)*255:cb=128:cr=128",
            "-t", str(playable_s), "-c:v", "libx264", "-crf", "0", "-preset", "ultrafast",
            film,
        )  # fmt: skip
    grain = np.random.default_rng(1).integers(0, 255, (320, 320, 3), dtype=np.uint8)
    Image.fromarray(grain).save(folder / "thumbnail.jpg", quality=95)
    files = JobFiles(
        video=f"jobs/{record.job_id}/film.mp4",
        subtitles=f"jobs/{record.job_id}/film.srt",
        plan=f"jobs/{record.job_id}/plan.json",
        thumbnail=f"jobs/{record.job_id}/thumbnail.jpg",
    )
    duration = playable_s or 10.0
    result = job_result(
        record.job_id,
        title=record.title,
        files=files,
        duration_s=duration,
        size_bytes=film.stat().st_size,
        notes=notes or [],
    )
    assert await queue.store.finish(record, JobStatus.DONE, result=result)
    await queue.publish(record.job_id, StageEvent(kind="done", result=result))
