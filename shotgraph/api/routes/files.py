"""Films: by job id for the key that owns it, or by a signed link for anyone holding one.

Both answer Range requests (Starlette's FileResponse), so players can seek and downloads resume.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shotgraph.api.dependencies import OwnedJobDep, QueueDep, SettingsDep
from shotgraph.api.errors import require_done
from shotgraph.api.links import DownloadLinks
from shotgraph.config import Settings
from shotgraph.models import JobResult
from shotgraph.queue.client import JobNotFound
from shotgraph.queue.records import JobRecord

router = APIRouter(tags=["films"])


@router.get("/video/{job_id}", response_class=FileResponse)
async def video(record: OwnedJobDep, settings: SettingsDep) -> FileResponse:
    return film(settings, record)


@router.get("/v/{token}", response_class=FileResponse)
async def shared_video(token: str, queue: QueueDep, settings: SettingsDep) -> FileResponse:
    """The film behind a signed link; no API key needed."""
    job_id = DownloadLinks(settings).job_id_from(token)
    return film(settings, await queue.get(job_id))


def film(settings: Settings, record: JobRecord) -> FileResponse:
    require_done(record)
    assert record.result is not None
    return film_file(settings, record, record.result)


def film_file(
    settings: Settings, record: JobRecord, result: JobResult, suffix: str = ""
) -> FileResponse:
    """One film of the job (its latest, or a version) as a download."""
    root = settings.storage_path.resolve()
    path = (root / result.files.video).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise JobNotFound(record.job_id)
    filename = f"{_safe_name(record.title)}{suffix}.mp4"
    return FileResponse(path, media_type="video/mp4", filename=filename)


def _safe_name(title: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title)
    return "-".join(kept.split())[:80] or "film"
