"""Jobs: submit a story, follow it, cancel it, list them (each key sees only its own)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from shotgraph.api.dependencies import OwnedJobDep, OwnerDep, QueueDep, SettingsDep
from shotgraph.api.errors import REDIS_AWAY, error_responses
from shotgraph.api.links import DownloadLinks
from shotgraph.api.routes.files import film_key
from shotgraph.api.schemas import ErrorView, JobView, LinkView
from shotgraph.intake import clean_story
from shotgraph.models import StoryRequest
from shotgraph.queue.events import EVENT_ID_PATTERN, STREAM_START
from shotgraph.queue.outages import REDIS_UNREACHABLE

log = logging.getLogger(__name__)

router = APIRouter(tags=["jobs"])

# The most jobs one list returns.
MAX_LIST = 100


@router.post(
    "/generate",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(400, 401, 413, 429),
)
async def generate(body: StoryRequest, queue: QueueDep, owner: OwnerDep) -> JobView:
    """Queue a story; follow it at /status/{job_id} or /jobs/{job_id}/events."""
    request = body.model_copy(update={"story": clean_story(body.story)})
    record = await queue.submit(request, owner)
    return JobView.of(record, await queue.position(record.job_id))


@router.get("/status/{job_id}", responses=error_responses(401, 404))
async def job_status(record: OwnedJobDep, queue: QueueDep) -> JobView:
    return JobView.of(record, await queue.position(record.job_id))


@router.get("/jobs", responses=error_responses(401))
async def list_jobs(
    queue: QueueDep,
    owner: OwnerDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST, description="How many jobs at most.")] = 20,
) -> list[JobView]:
    """The key's latest jobs, newest first."""
    return [JobView.of(record) for record in await queue.list_jobs(owner, limit)]


@router.delete(
    "/jobs/{job_id}", status_code=status.HTTP_202_ACCEPTED, responses=error_responses(401, 404, 409)
)
async def cancel_job(record: OwnedJobDep, queue: QueueDep, owner: OwnerDep) -> JobView:
    """Cancel: a queued job at once, a running one at its next checkpoint."""
    return JobView.of(await queue.cancel(record.job_id, owner))


@router.get(
    "/jobs/{job_id}/events", response_class=EventSourceResponse, responses=error_responses(401, 404)
)
async def job_events(
    record: OwnedJobDep,
    queue: QueueDep,
    last_event_id: Annotated[
        str | None,
        Header(
            pattern=EVENT_ID_PATTERN,
            description="The id of the last event received: the stream goes on after it.",
        ),
    ] = None,
) -> AsyncIterator[ServerSentEvent]:
    """The job's progress as server-sent events, from the start or after Last-Event-ID.

    The stream ends after the job's last event. If Redis is lost on the way, it ends with an
    `error` event instead: reconnect with Last-Event-ID to go on from there."""
    try:
        async for event_id, event in queue.replay(record.job_id, last_event_id or STREAM_START):
            yield ServerSentEvent(data=event.model_dump(mode="json"), event=event.kind, id=event_id)
    except REDIS_UNREACHABLE as error:
        log.warning("job %s: event stream lost Redis: %s", record.job_id, error)
        yield ServerSentEvent(data=ErrorView(detail=REDIS_AWAY).model_dump(), event="error")


@router.get("/jobs/{job_id}/link", responses=error_responses(401, 404, 409, 410))
async def download_link(record: OwnedJobDep, settings: SettingsDep) -> LinkView:
    """A signed link to the finished film that works without an API key, until it expires."""
    film_key(settings, record)  # refused for a film not made yet, or expired
    links = DownloadLinks(settings)
    return LinkView(url=links.url_for(record.job_id), expires_in_s=links.ttl_s)
