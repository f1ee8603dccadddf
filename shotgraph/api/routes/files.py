"""Films: by job id for the key that owns it, or by a signed link for anyone holding one (its
routes, `/v/{token}` and `/v/{token}/film.mp4`, live with the watch page in api/pages).

Both answer Range requests (Starlette's FileResponse), so players can seek and downloads resume.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from shotgraph.api.dependencies import OwnedJobDep, SettingsDep
from shotgraph.api.errors import require_done
from shotgraph.config import Settings
from shotgraph.queue.client import JobNotFound
from shotgraph.queue.records import JobRecord

router = APIRouter(tags=["films"])


@router.get("/video/{job_id}", response_class=FileResponse)
async def video(record: OwnedJobDep, settings: SettingsDep) -> FileResponse:
    return film(settings, record)


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
