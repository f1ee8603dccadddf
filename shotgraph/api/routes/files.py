"""Films: by job id for the key that owns it, or by a signed link for anyone holding one.

Both answer Range requests (Starlette's FileResponse), so players can seek and downloads resume.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shotgraph.api.dependencies import OwnedJobDep, QueueDep, SettingsDep
from shotgraph.api.errors import require_done
from shotgraph.api.links import DownloadLinks
from shotgraph.config import Settings
from shotgraph.queue.client import JobNotFound
from shotgraph.queue.records import JobRecord

router = APIRouter(tags=["films"])


@router.get("/video/{job_id}", response_class=FileResponse)
async def video(record: OwnedJobDep, settings: SettingsDep) -> FileResponse:
    return film(settings, record)


@router.get("/v/{token}/film.mp4", response_class=FileResponse)
async def shared_video(token: str, queue: QueueDep, settings: SettingsDep) -> FileResponse:
    """The film behind a signed link, to play in place (the watch page's player, a chat's
    inline preview); no API key needed. `GET /v/{token}` gives it too, to anything but a
    browser."""
    job_id = DownloadLinks(settings).job_id_from(token)
    return film(settings, await queue.get(job_id), disposition="inline")


def film(settings: Settings, record: JobRecord, disposition: str = "attachment") -> FileResponse:
    require_done(record)
    assert record.result is not None
    return FileResponse(
        stored_file(settings, record, record.result.files.video),
        media_type="video/mp4",
        filename=film_filename(record.title),
        content_disposition_type=disposition,
    )


def stored_file(settings: Settings, record: JobRecord, relative: str) -> Path:
    """A finished job's file by its storage name; 404 when it is gone or names a place outside
    the storage folder."""
    root = settings.storage_path.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise JobNotFound(record.job_id)
    return path


def film_filename(title: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title)
    return f"{'-'.join(kept.split())[:80] or 'film'}.mp4"
