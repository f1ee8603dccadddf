"""How refusals become HTTP answers: one sentence as `detail`, the right status, never an echo
of what was sent (it may be huge, binary, or not even encodable)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shotgraph.api.links import LinkExpired, LinkInvalid
from shotgraph.api.schemas import ErrorView
from shotgraph.errors import BackendUnavailable, InvalidStory, ShotGraphError
from shotgraph.queue.client import JobNotFound, NothingToCancel, StoryTooLong
from shotgraph.queue.limits import QuotaExceeded
from shotgraph.queue.outages import REDIS_UNREACHABLE
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

log = logging.getLogger(__name__)


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

# While Redis is away: the worker backs off up to 10 s, a restart takes seconds.
REDIS_RETRY_AFTER_S = 10
# What FastAPI says of a body it cannot decode (bytes that are not UTF-8, say).
_FASTAPI_UNREADABLE_BODY = "There was an error parsing the body"
REDIS_AWAY = "The job queue is unreachable for the moment; try again in a few seconds."
# Field names from the schema are named in a refusal; anything else in a location (a key the
# client sent, say) is left out.
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,39}$")
_PLACES = {
    "body": "the request body",
    "query": "the query",
    "header": "a header",
    "path": "the URL",
}

# Every refusal the API makes, for the OpenAPI schema: the status, and when it happens.
ERROR_STATUSES: dict[int, str] = {
    400: "The request cannot be acted on, or its body is not text (JSON is UTF-8).",
    401: "No API key, or not a known one.",
    403: "The link is not one this API signed.",
    404: "No such job among the key's own, or no film file.",
    409: "The job has no film yet, or has already finished.",
    410: "The link has expired, or retention has deleted the film.",
    413: "The request body or the story is over its size limit.",
    416: "The Range asked for is outside the film.",
    422: "A field is missing or out of bounds.",
    429: "A limit is reached; Retry-After says when to try again, where waiting helps.",
    503: "The job queue (Redis) is unreachable for the moment (Retry-After says when to retry), "
    "or the disk is too full for new films.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route that can answer with these refusals: each a one-sentence
    `detail` (the error body's real shape, documented instead of FastAPI's list of errors).
    Always JSON, also on routes that answer with a film or an event stream; FastAPI would file
    a `model` under the route's own media type, so the schema is spelled out."""
    body = {"application/json": {"schema": ErrorView.model_json_schema()}}
    return {
        code: {"content": body, "description": ERROR_STATUSES[code]}
        for code in sorted({*codes, 422, 503})
    }


def require_done(record: JobRecord) -> None:
    if record.status is not JobStatus.DONE or record.result is None:
        raise NotFinished(f'"{record.title}" is {record.status.value}; it has no film yet.')


def refusal(detail: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(ErrorView(detail=detail).model_dump(), status_code=status, headers=headers)


async def _shotgraph_error(request: Request, error: Exception) -> JSONResponse:
    code = next((code for kind, code in _STATUS if isinstance(error, kind)), 400)
    headers = {}
    # Only where waiting helps: the one-film-at-a-time limit lifts when the film ends, not at
    # a time the API could promise.
    if isinstance(error, QuotaExceeded) and error.retry_after_s is not None:
        headers["Retry-After"] = str(error.retry_after_s)
    body: dict[str, object] = ErrorView(detail=str(error)).model_dump()
    if isinstance(error, UnsafeEdit):
        body["categories"] = error.categories
    return JSONResponse(body, status_code=code, headers=headers)


async def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return refusal(validation_sentence(error.errors()), 422)


async def _http_error(request: Request, error: Exception) -> Response:
    """FastAPI's own refusals, with its one phrase that is not a sentence made one."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400 and error.detail == _FASTAPI_UNREADABLE_BODY:
        return refusal("The request body is not JSON text (UTF-8).", 400)
    return await http_exception_handler(request, error)


async def _redis_away(request: Request, error: Exception) -> JSONResponse:
    log.warning("%s %s: Redis is unreachable: %s", request.method, request.url.path, error)
    return refusal(REDIS_AWAY, 503, {"Retry-After": str(REDIS_RETRY_AFTER_S)})


def validation_sentence(errors: Any) -> str:
    """The first problem as one sentence: where, and what is wrong, without the input."""
    if not errors:
        return "The request is not valid."
    first = errors[0]
    place, *fields = [str(part) for part in first.get("loc", ())] or ["body"]
    named = [field for field in fields if _FIELD_NAME.match(field)]
    where = f"'{'.'.join(named)}'" if named else _PLACES.get(place, "the request")
    kind = first.get("type", "")
    if kind == "missing":
        return f"{where[0].upper()}{where[1:]} is required."
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    message = str(first.get("msg", "is not valid")).removeprefix("Value error, ").rstrip(".")
    return f"{where[0].upper()}{where[1:]}: {message[:200]}."


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ShotGraphError, _shotgraph_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    for kind in REDIS_UNREACHABLE:
        app.add_exception_handler(kind, _redis_away)
