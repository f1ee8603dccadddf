"""Films: by job id for the key that owns it, or by a signed link for anyone holding one.

Both answer Range requests, so players can seek and downloads resume: a film in the local
store is a FileResponse, one in an S3 bucket is streamed by range from the bucket, or (with
S3_PRESIGNED_REDIRECT) a signed link redirects to a presigned URL that expires with the link.
A film deleted by retention answers 410 with "This film has expired".
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import FileResponse, RedirectResponse, Response

from shotgraph.api.dependencies import OwnedJobDep, QueueDep, SettingsDep, StorageDep
from shotgraph.api.errors import error_responses, require_done
from shotgraph.api.links import DownloadLinks
from shotgraph.api.ranges import stored_response
from shotgraph.config import Settings
from shotgraph.queue.client import JobNotFound
from shotgraph.queue.records import JobRecord
from shotgraph.storage import Storage
from shotgraph.storage.retention import FilmExpired, expired_sentence

router = APIRouter(tags=["films"])

RangeHeader = Annotated[str | None, Header(alias="Range")]


# A film's answers for the OpenAPI schema: the whole file, or the part a Range asked for.
FILM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"video/mp4": {}}, "description": "The film."},
    206: {"content": {"video/mp4": {}}, "description": "The part of the film a Range asked for."},
}


@router.get(
    "/video/{job_id}",
    response_class=FileResponse,
    responses={**FILM_RESPONSES, **error_responses(401, 404, 409, 410, 416)},
)
async def video(
    record: OwnedJobDep, settings: SettingsDep, store: StorageDep, range_: RangeHeader = None
) -> Response:
    return await film(settings, store, record, range_)


@router.get(
    "/v/{token}",
    response_class=FileResponse,
    responses={
        **FILM_RESPONSES,
        307: {"description": "The film at the object store, by a presigned URL."},
        **error_responses(403, 404, 409, 410, 416),
    },
)
async def shared_video(
    token: str,
    queue: QueueDep,
    settings: SettingsDep,
    store: StorageDep,
    range_: RangeHeader = None,
) -> Response:
    """The film behind a signed link; no API key needed."""
    links = DownloadLinks(settings)
    record = await queue.get(links.job_id_from(token))
    if settings.s3_presigned_redirect:
        key = film_key(settings, record)
        url = store.presigned_url(key, links.expires_in_s(token), film_filename(record))
        if url is not None:
            return RedirectResponse(url, status_code=307)
    return await film(settings, store, record, range_)


def film_key(settings: Settings, record: JobRecord) -> str:
    """The film's storage key; NotFinished or FilmExpired when there is no film to serve."""
    require_done(record)
    assert record.result is not None
    if record.film_expired_at is not None:
        raise FilmExpired(expired_sentence(settings))
    return record.result.files.video


async def film(
    settings: Settings, store: Storage, record: JobRecord, range_header: str | None
) -> Response:
    key = film_key(settings, record)
    return await stored_film(store, key, film_filename(record), range_header, record.job_id)


async def stored_film(
    store: Storage, key: str, filename: str, range_header: str | None, job_id: str
) -> Response:
    """A stored film as a download that answers Range requests (the latest or a version)."""
    local = store.local_path(key)
    if local is not None:
        return FileResponse(local, media_type="video/mp4", filename=filename)
    stored = await asyncio.to_thread(store.stat, key)
    if stored is None:
        raise JobNotFound(job_id)
    return stored_response(store, stored, range_header, filename)


def film_filename(record: JobRecord, version: int | None = None) -> str:
    suffix = f"-v{version}" if version is not None else ""
    return f"{_safe_name(record.title)}{suffix}.mp4"


def _safe_name(title: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in " -_" else " " for ch in title)
    return "-".join(kept.split())[:80] or "film"
