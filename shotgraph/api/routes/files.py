"""Films: by job id for the key that owns it, or by a signed link for anyone holding one.

Both answer Range requests (Starlette's FileResponse), so players can seek and downloads resume.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shotgraph.api.dependencies import OwnedJobDep, QueueDep, SettingsDep
from shotgraph.api.errors import error_responses, require_done
from shotgraph.api.links import DownloadLinks
from shotgraph.config import Settings
from shotgraph.queue.client import JobNotFound
from shotgraph.queue.records import JobRecord

router = APIRouter(tags=["films"])


_FILM = {200: {"content": {"video/mp4": {}}, "description": "The film."}}
_PART = {
    206: {"content": {"video/mp4": {}}, "description": "The part of the film a Range asked for."}
}


@router.get(
    "/video/{job_id}",
    response_class=FileResponse,
    responses={**_FILM, **_PART, **error_responses(401, 404, 409, 416)},
)
async def video(record: OwnedJobDep, settings: SettingsDep) -> FileResponse:
    return film(settings, record)


@router.get(
    "/v/{token}",
    response_class=FileResponse,
    responses={**_FILM, **_PART, **error_responses(403, 404, 409, 410, 416)},
)
async def shared_video(token: str, queue: QueueDep, settings: SettingsDep) -> FileResponse:
    """The film behind a signed link; no API key needed."""
    job_id = DownloadLinks(settings).job_id_from(token)
    return film(settings, await queue.get(job_id))


def film(settings: Settings, record: JobRecord) -> FileResponse:
    require_done(record)
    assert record.result is not None
    root = settings.storage_path.resolve()
    path = (root / record.result.files.video).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise JobNotFound(record.job_id)
    filename = f"{_safe_name(record.title)}.mp4"
    return FileResponse(path, media_type="video/mp4", filename=filename)


def _safe_name(title: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title)
    return "-".join(kept.split())[:80] or "film"
