"""The storyboard and retakes: see the shots before the film is rendered, approve them,
re-roll or rewrite one shot, and retake one shot of the finished film (each retake a version).

Each answer about a job is the job as /status shows it; the pictures and every version's film
are files served under the job, for the key that owns it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from shotgraph.api.dependencies import OwnedJobDep, OwnerDep, QueueDep, StorageDep
from shotgraph.api.errors import NotFinished, error_responses
from shotgraph.api.routes.files import FILM_RESPONSES, RangeHeader, film_filename, stored_film
from shotgraph.api.schemas import JobView
from shotgraph.models import JobResult, Storyboard
from shotgraph.queue.client import JobNotFound, JobQueue
from shotgraph.queue.records import JobRecord
from shotgraph.queue.storyboard import NoSuchShot, Storyboards
from shotgraph.storage import Storage

router = APIRouter(tags=["storyboard"])

ShotNumber = Annotated[int, PathParam(ge=1, le=10_000, description="The shot's number, from 1.")]


class ShotChange(BaseModel):
    """New words for one shot; leave out what stays."""

    visual_prompt: Annotated[str | None, Field(max_length=1000)] = None
    narration: Annotated[str | None, Field(max_length=2000)] = None


class StoryboardView(BaseModel):
    """The storyboard, with where to fetch its pictures."""

    storyboard: Storyboard
    sheet_url: str
    keyframe_urls: list[str]
    reference_urls: dict[str, str]


class VersionView(BaseModel):
    version: int
    video_url: str
    result: JobResult


def get_storyboards(request: Request) -> Storyboards:
    return request.app.state.storyboards


StoryboardsDep = Annotated[Storyboards, Depends(get_storyboards)]


def _picture_response(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}, "description": "The picture."}}


@router.get("/jobs/{job_id}/storyboard", responses=error_responses(401, 404, 409))
async def storyboard(record: OwnedJobDep) -> StoryboardView:
    """The latest storyboard (waiting for approval, or the one the film was made from)."""
    board = _storyboard_of(record)
    base = f"/jobs/{record.job_id}/storyboard"
    return StoryboardView(
        storyboard=board,
        sheet_url=f"{base}/sheet",
        keyframe_urls=[f"{base}/shots/{panel.number}" for panel in board.panels],
        reference_urls={
            name: f"{base}/references/{number}"
            for number, name in enumerate(board.references, start=1)
        },
    )


@router.get(
    "/jobs/{job_id}/storyboard/sheet",
    responses={**_picture_response("image/jpeg"), **error_responses(401, 404, 409)},
)
async def storyboard_sheet(record: OwnedJobDep, store: StorageDep) -> Response:
    """The contact sheet: every keyframe, numbered, on one JPEG."""
    return await _picture(store, record, _storyboard_of(record).sheet, "image/jpeg")


@router.get(
    "/jobs/{job_id}/storyboard/shots/{number}",
    responses={**_picture_response("image/png"), **error_responses(401, 404, 409)},
)
async def storyboard_keyframe(
    record: OwnedJobDep, store: StorageDep, number: ShotNumber
) -> Response:
    """One shot's keyframe (PNG)."""
    panel = _storyboard_of(record).panel(number)
    if panel is None:
        raise NoSuchShot(f"There is no shot {number} on this storyboard.")
    return await _picture(store, record, panel.keyframe, "image/png")


@router.get(
    "/jobs/{job_id}/storyboard/references/{number}",
    responses={**_picture_response("image/png"), **error_responses(401, 404, 409)},
)
async def storyboard_reference(
    record: OwnedJobDep, store: StorageDep, number: ShotNumber
) -> Response:
    """One recurring character's reference image (PNG), in the order the storyboard lists."""
    references = list(_storyboard_of(record).references.values())
    if number > len(references):
        raise NoSuchShot(f"There is no character reference {number}.")
    return await _picture(store, record, references[number - 1], "image/png")


@router.post(
    "/jobs/{job_id}/approve",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 404, 409, 429),
)
async def approve(
    record: OwnedJobDep, owner: OwnerDep, boards: StoryboardsDep, queue: QueueDep
) -> JobView:
    """Render the film from the storyboard as it stands."""
    return await _view(queue, await boards.approve(record.job_id, owner))


@router.post(
    "/jobs/{job_id}/shots/{number}/reroll",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(401, 404, 409, 429),
)
async def reroll(
    record: OwnedJobDep,
    owner: OwnerDep,
    boards: StoryboardsDep,
    queue: QueueDep,
    number: ShotNumber,
) -> JobView:
    """Draw one shot's keyframe again; the others stay as they are."""
    return await _view(queue, await boards.reroll(record.job_id, owner, number))


@router.patch(
    "/jobs/{job_id}/shots/{number}",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(400, 401, 404, 409, 413, 429),
)
async def edit_shot(
    record: OwnedJobDep,
    owner: OwnerDep,
    boards: StoryboardsDep,
    queue: QueueDep,
    number: ShotNumber,
    change: ShotChange,
) -> JobView:
    """Rewrite one shot's picture description or narration; refused (422, with the safety
    category) when the safety check flags it, and the shot keeps its old words."""
    edited = await boards.edit(record.job_id, owner, number, change.visual_prompt, change.narration)
    return await _view(queue, edited)


@router.post(
    "/jobs/{job_id}/shots/{number}/retake",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(400, 401, 404, 409, 413, 429),
)
async def retake(
    record: OwnedJobDep,
    owner: OwnerDep,
    boards: StoryboardsDep,
    queue: QueueDep,
    number: ShotNumber,
    change: ShotChange | None = None,
) -> JobView:
    """Render one shot of the finished film again (with new words, or as another take) and
    the film around it: the job's next version. Counts against the daily limit as the share
    of the film's shots it renders."""
    change = change or ShotChange()
    retaken = await boards.retake(
        record.job_id, owner, number, change.visual_prompt, change.narration
    )
    return await _view(queue, retaken)


@router.get("/jobs/{job_id}/versions", responses=error_responses(401, 404))
async def versions(record: OwnedJobDep) -> list[VersionView]:
    """Every film the job made, v1 first."""
    return [
        VersionView(version=number, video_url=f"/jobs/{record.job_id}/versions/{number}/video",
                    result=result)
        for number, result in enumerate(record.versions, start=1)
    ]  # fmt: skip


@router.get(
    "/jobs/{job_id}/versions/{number}/video",
    response_class=FileResponse,
    responses={**FILM_RESPONSES, **error_responses(401, 404, 409, 410, 416)},
)
async def version_video(
    record: OwnedJobDep, store: StorageDep, number: ShotNumber, range_: RangeHeader = None
) -> Response:
    """One version's film (Range requests work)."""
    if number > len(record.versions):
        raise NotFinished(f'"{record.title}" has no version {number}.')
    key = record.versions[number - 1].files.video
    filename = film_filename(record, number)
    return await stored_film(store, key, filename, range_, record.job_id)


def _storyboard_of(record: JobRecord) -> Storyboard:
    board = record.storyboard or (record.result.storyboard if record.result else None)
    if board is None:
        raise NotFinished(f'"{record.title}" has no storyboard yet.')
    return board


async def _picture(store: Storage, record: JobRecord, key: str, media_type: str) -> Response:
    """A storyboard picture from the store (small: read whole)."""
    local = store.local_path(key)
    if local is not None:
        return FileResponse(local, media_type=media_type, filename=Path(key).name)
    if await asyncio.to_thread(store.stat, key) is None:
        raise JobNotFound(record.job_id)
    data = await asyncio.to_thread(lambda: b"".join(store.read(key)))
    return Response(data, media_type=media_type)


async def _view(queue: JobQueue, record: JobRecord) -> JobView:
    return JobView.of(record, await queue.position(record.job_id))
