"""The routes behind a shared link: the watch page (or the film, for anything but a browser),
what the page loads (the film, poster, WebVTT subtitles, the storyboard's stills), and the
server galleries."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from shotgraph.api.dependencies import QueueDep, SettingsDep, StorageDep
from shotgraph.api.errors import ERROR_STATUSES, NotFinished, error_responses, status_code
from shotgraph.api.links import DownloadLinks, LinkExpired, LinkInvalid, SignedLink
from shotgraph.api.pages.gallery import Gallery, GalleryClosed, open_gallery
from shotgraph.api.pages.negotiation import wants_page
from shotgraph.api.pages.stills import PORTRAIT_BOX, StillMaker, shot_times
from shotgraph.api.pages.watch import load_plan, watch_page
from shotgraph.api.pages.webvtt import srt_to_webvtt
from shotgraph.api.routes.files import (
    FILM_RESPONSES,
    RangeHeader,
    film_behind_link,
    film_filename,
    film_key,
    stored_film,
)
from shotgraph.config import Settings
from shotgraph.errors import ShotGraphError
from shotgraph.models import JobResult
from shotgraph.queue.client import JobNotFound
from shotgraph.queue.records import JobRecord
from shotgraph.storage import Storage, local_copy
from shotgraph.storage.retention import FilmExpired

PAGES_DIR = Path(__file__).parent
STATIC_DIR = PAGES_DIR / "static"
templates = Jinja2Templates(directory=PAGES_DIR / "templates")

router = APIRouter(tags=["films"])


def _documented(
    ok: dict[int | str, dict[str, Any]], *codes: int, html: bool = False
) -> dict[int | str, dict[str, Any]]:
    """A route's answers for the OpenAPI schema: `ok`, and its refusals as one-sentence JSON
    (`html`: or, to a browser, as a page that says why)."""
    refusals = error_responses(*codes)
    if html:
        for code in codes:
            refusals[code] = {
                **refusals[code],
                "content": {**refusals[code]["content"], "text/html": {}},
            }
    return {**ok, **refusals}


_PICTURE = {200: {"content": {"image/jpeg": {}}, "description": "The picture."}}
_REDIRECT = {307: {"description": "The film at the object store, by a presigned URL."}}
_FILM_ERRORS = (403, 404, 409, 410, 416)

# What a person opening a dead link is told: a heading and a sentence (None: the error's own).
_DEAD_LINKS: list[tuple[type[ShotGraphError], str, str | None]] = [
    (
        GalleryClosed,
        "This gallery is closed",
        "The server's moderators turned it off or replaced its link.",
    ),
    (
        LinkExpired,
        "This link has expired",
        "Shared films can be watched for a limited time. Ask whoever shared it for a new link.",
    ),
    (
        LinkInvalid,
        "This link is not valid",
        "It was not made by ShotGraph, or part of it was lost on the way: check that you "
        "copied all of it.",
    ),
    (FilmExpired, "This film has expired", None),
    (JobNotFound, "This film is no longer here", "It has been removed from this server."),
    (NotFinished, "This film is not ready yet", "Try the link again when it is done."),
]


class SharedFilm:
    """A finished film, still kept, reached through a valid link."""

    def __init__(self, settings: Settings, token: str, link: SignedLink, record: JobRecord):
        film_key(settings, record)  # NotFinished or FilmExpired when there is nothing to show
        assert record.result is not None
        self.token = token
        self.link = link
        self.record = record
        self.result: JobResult = record.result


async def shared_film(token: str, queue: QueueDep, settings: SettingsDep) -> SharedFilm:
    link = DownloadLinks(settings).read(token)
    return SharedFilm(settings, token, link, await queue.get(link.job_id))


SharedFilmDep = Annotated[SharedFilm, Depends(shared_film)]


@router.get(
    "/v/{token}",
    response_class=HTMLResponse,
    responses=_documented(
        {
            200: {
                "content": {"text/html": {}, "video/mp4": {}},
                "description": "The watch page to a browser; the film to anything else.",
            },
            206: FILM_RESPONSES[206],
            **_REDIRECT,
        },
        *_FILM_ERRORS,
        html=True,
    ),
)
@router.head("/v/{token}", include_in_schema=False)
async def watch(
    token: str,
    request: Request,
    queue: QueueDep,
    settings: SettingsDep,
    store: StorageDep,
    range_: RangeHeader = None,
) -> Response:
    """The film's watch page for a browser or a link preview; the film itself for anything
    else (`curl`, players), as the link always gave. No API key needed."""
    if not wants_page(request):
        shared = await shared_film(token, queue, settings)
        return await film_behind_link(settings, store, shared.record, token, range_)
    try:
        shared = await shared_film(token, queue, settings)
    except ShotGraphError as error:
        return dead_link(request, error)
    plan = await load_plan(settings, store, shared.result)
    page = watch_page(settings, shared.record, shared.result, plan, token, shared.link)
    return templates.TemplateResponse(request, "watch.html", {"page": page})


def dead_link(request: Request, error: ShotGraphError) -> HTMLResponse:
    """A page that says why a link shows nothing, with the status that says it to machines."""
    heading, sentence = next(
        ((heading, sentence) for kind, heading, sentence in _DEAD_LINKS if isinstance(error, kind)),
        ("This page cannot be shown", None),
    )
    return templates.TemplateResponse(
        request,
        "dead_link.html",
        {"heading": heading, "sentence": sentence or str(error)},
        status_code=status_code(error),
    )


# HEAD too: link-preview crawlers check a video's type and size before they embed it.
@router.get(
    "/v/{token}/film.mp4",
    response_class=FileResponse,
    responses=_documented({**FILM_RESPONSES, **_REDIRECT}, *_FILM_ERRORS),
)
@router.head("/v/{token}/film.mp4", include_in_schema=False)
async def shared_video(
    shared: SharedFilmDep,
    settings: SettingsDep,
    store: StorageDep,
    range_: RangeHeader = None,
    v: Annotated[int | None, Query(ge=1, le=1000, description="an earlier version")] = None,
) -> Response:
    """The film itself, whoever asks: the page's player, a chat's inline preview, a download;
    with `v`, that version of it (after retakes). Range requests work, so players seek."""
    if v is None:
        return await film_behind_link(settings, store, shared.record, shared.token, range_)
    versions = shared.record.versions
    if v > len(versions):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"This film has no version {v}.")
    key, filename = versions[v - 1].files.video, film_filename(shared.record, v)
    return await stored_film(store, key, filename, range_, shared.record.job_id)


@router.get(
    "/v/{token}/subtitles.vtt",
    response_class=Response,
    responses=_documented(
        {200: {"content": {"text/vtt": {}}, "description": "The subtitles."}},
        403,
        404,
        409,
        410,
    ),
)
async def subtitles(shared: SharedFilmDep, settings: SettingsDep, store: StorageDep) -> Response:
    """The subtitles as WebVTT, for the page's `<track>`."""
    srt = await stored_file(settings, store, shared.record, shared.result.files.subtitles)
    return Response(srt_to_webvtt(srt.read_text("utf-8")), media_type="text/vtt")


@router.get(
    "/v/{token}/thumbnail.jpg",
    response_class=FileResponse,
    responses=_documented(_PICTURE, 403, 404, 409, 410),
)
@router.head("/v/{token}/thumbnail.jpg", include_in_schema=False)
async def thumbnail(
    shared: SharedFilmDep, settings: SettingsDep, store: StorageDep
) -> FileResponse:
    """The poster frame, also the link preview's picture."""
    path = await stored_file(settings, store, shared.record, shared.result.files.thumbnail)
    return FileResponse(path, media_type="image/jpeg")


@router.get(
    "/v/{token}/shots/{shot_id}.jpg",
    response_class=FileResponse,
    responses=_documented(_PICTURE, 403, 404, 409, 410),
)
async def shot_still(
    shot_id: str,
    shared: SharedFilmDep,
    settings: SettingsDep,
    store: StorageDep,
    request: Request,
) -> FileResponse:
    """A storyboard panel: the shot's keyframe, or for a film made without a storyboard, the
    middle frame of the shot, taken from the film."""
    stills: StillMaker = request.app.state.stills
    board = shared.result.storyboard
    panel = next((p for p in board.panels if p.shot_id == shot_id), None) if board else None
    if panel is not None:
        keyframe = await stored_file(settings, store, shared.record, panel.keyframe)
        return FileResponse(await stills.picture(keyframe), media_type="image/jpeg")
    plan = await load_plan(settings, store, shared.result)
    times = shot_times(plan, shared.result.fps) if plan else {}
    if shot_id not in times:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"This film has no shot {shot_id!r}.")
    video = await stored_file(settings, store, shared.record, shared.result.files.video)
    still = await stills.frame(video, shot_id, times[shot_id].middle_s)
    return FileResponse(still, media_type="image/jpeg")


@router.get(
    "/v/{token}/cast/{number}.jpg",
    response_class=FileResponse,
    responses=_documented(_PICTURE, 403, 404, 409, 410),
)
async def cast_picture(
    number: Annotated[int, PathParam(ge=1, le=1000)],
    shared: SharedFilmDep,
    settings: SettingsDep,
    store: StorageDep,
    request: Request,
) -> FileResponse:
    """Character `number` of the cast (as the page lists it): its reference image."""
    plan = await load_plan(settings, store, shared.result)
    references = shared.result.storyboard.references if shared.result.storyboard else {}
    characters = plan.characters if plan else []
    key = references.get(characters[number - 1].name) if number <= len(characters) else None
    if key is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"This film has no cast picture {number}.")
    reference = await stored_file(settings, store, shared.record, key)
    stills: StillMaker = request.app.state.stills
    return FileResponse(await stills.picture(reference, PORTRAIT_BOX), media_type="image/jpeg")


@router.get(
    "/g/{token}",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "The gallery page."},
        **{
            code: {"content": {"text/html": {}}, "description": ERROR_STATUSES[code]}
            for code in (403, 410)
        },
        **error_responses(),
    },
)
async def gallery(
    token: str,
    request: Request,
    queue: QueueDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
) -> HTMLResponse:
    """A server's gallery of public films, newest first; the link comes from the server's
    settings and stops working when its moderators turn the gallery off or renew the link."""
    try:
        server_id = await open_gallery(settings, queue.redis, token)
    except ShotGraphError as error:
        return dead_link(request, error)
    listing = await Gallery(queue.redis, queue.store).page(settings, server_id, page)
    return templates.TemplateResponse(request, "gallery.html", {"page": listing, "token": token})


async def stored_file(settings: Settings, store: Storage, record: JobRecord, key: str) -> Path:
    """A finished job's file on this machine: the stored file itself, or a copy fetched from
    the bucket; 404 when it is gone."""
    path = await asyncio.to_thread(local_copy, store, key, settings)
    if path is None:
        raise JobNotFound(record.job_id)
    return path
