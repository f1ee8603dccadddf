"""Jobs: submit a story, follow it, cancel it, list them (each key sees only its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, status
from fastapi.sse import EventSourceResponse, ServerSentEvent

from shotgraph.api.dependencies import OwnedJobDep, OwnerDep, QueueDep, SettingsDep
from shotgraph.api.links import DownloadLinks
from shotgraph.api.routes.files import film_key
from shotgraph.api.schemas import JobView, LinkView
from shotgraph.intake import clean_story
from shotgraph.models import StoryRequest
from shotgraph.queue.events import STREAM_START

router = APIRouter(tags=["jobs"])


@router.post("/generate", status_code=status.HTTP_202_ACCEPTED)
async def generate(body: StoryRequest, queue: QueueDep, owner: OwnerDep) -> JobView:
    """Queue a story; follow it at /status/{job_id} or /jobs/{job_id}/events."""
    request = body.model_copy(update={"story": clean_story(body.story)})
    record = await queue.submit(request, owner)
    return JobView.of(record, await queue.position(record.job_id))


@router.get("/status/{job_id}")
async def job_status(record: OwnedJobDep, queue: QueueDep) -> JobView:
    return JobView.of(record, await queue.position(record.job_id))


@router.get("/jobs")
async def list_jobs(queue: QueueDep, owner: OwnerDep, limit: int = 20) -> list[JobView]:
    """The key's latest jobs, newest first."""
    return [JobView.of(record) for record in await queue.list_jobs(owner, min(limit, 100))]


@router.delete("/jobs/{job_id}", status_code=status.HTTP_202_ACCEPTED)
async def cancel_job(record: OwnedJobDep, queue: QueueDep, owner: OwnerDep) -> JobView:
    """Cancel: a queued job at once, a running one at its next checkpoint."""
    return JobView.of(await queue.cancel(record.job_id, owner))


@router.get("/jobs/{job_id}/events", response_class=EventSourceResponse)
async def job_events(
    record: OwnedJobDep,
    queue: QueueDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> AsyncIterator[ServerSentEvent]:
    """The job's progress as server-sent events, from the start or after Last-Event-ID."""
    async for event_id, event in queue.watch(record.job_id, last_event_id or STREAM_START):
        yield ServerSentEvent(data=event.model_dump(mode="json"), event=event.kind, id=event_id)


@router.get("/jobs/{job_id}/link")
async def download_link(record: OwnedJobDep, settings: SettingsDep) -> LinkView:
    """A signed link to the finished film that works without an API key, until it expires."""
    film_key(settings, record)  # refused for a film not made yet, or expired
    links = DownloadLinks(settings)
    return LinkView(url=links.url_for(record.job_id), expires_in_s=links.ttl_s)
