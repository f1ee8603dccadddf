"""How user-facing errors become HTTP answers: the sentence as `detail`, the right status."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shotgraph.api.links import LinkExpired, LinkInvalid
from shotgraph.errors import BackendUnavailable, InvalidStory, ShotGraphError
from shotgraph.queue.client import JobNotFound, NothingToCancel, StoryTooLong
from shotgraph.queue.limits import QuotaExceeded
from shotgraph.queue.records import JobRecord, JobStatus
from shotgraph.queue.storyboard import (
    ChangeInProgress,
    NoSuchShot,
    NotAwaitingApproval,
    NothingToRetake,
    UnsafeEdit,
)
from shotgraph.storage.disk import DiskFull
from shotgraph.storage.retention import FilmExpired


class NotFinished(ShotGraphError):
    """The job has no film yet."""


_STATUS: list[tuple[type[ShotGraphError], int]] = [
    (JobNotFound, 404),
    (NotFinished, 409),
    (NothingToCancel, 409),
    (NotAwaitingApproval, 409),
    (ChangeInProgress, 409),
    (NothingToRetake, 409),
    (NoSuchShot, 404),
    (UnsafeEdit, 422),
    (StoryTooLong, 413),
    (InvalidStory, 422),
    (QuotaExceeded, 429),
    (LinkInvalid, 403),
    (LinkExpired, 410),
    (FilmExpired, 410),
    (BackendUnavailable, 503),
    (DiskFull, 503),
]


def require_done(record: JobRecord) -> None:
    if record.status is not JobStatus.DONE or record.result is None:
        raise NotFinished(f'"{record.title}" is {record.status.value}; it has no film yet.')


async def _shotgraph_error(request: Request, error: Exception) -> JSONResponse:
    code = next((code for kind, code in _STATUS if isinstance(error, kind)), 400)
    headers = {}
    if isinstance(error, QuotaExceeded) and error.retry_after_s is not None:
        headers["Retry-After"] = str(error.retry_after_s)
    body: dict[str, object] = {"detail": str(error)}
    if isinstance(error, UnsafeEdit):
        body["categories"] = error.categories
    return JSONResponse(body, status_code=code, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ShotGraphError, _shotgraph_error)
