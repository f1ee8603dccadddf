"""The API's bodies: what a program sends and what it gets back."""

from __future__ import annotations

from pydantic import BaseModel

from shotgraph.models import JobResult, Storyboard
from shotgraph.queue.records import JobRecord, JobStatus


class JobView(BaseModel):
    """A job as its owner sees it."""

    job_id: str
    title: str
    status: JobStatus
    position: int | None = None
    created_at: float
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    result: JobResult | None = None
    storyboard: Storyboard | None = None
    """The storyboard waiting for approval (status `awaiting_approval`)."""
    versions: int = 0
    """How many films the job has made (retakes add versions): see /jobs/{id}/versions."""
    film_expired_at: float | None = None
    """When retention deleted the film; the result stays for the record."""

    @classmethod
    def of(cls, record: JobRecord, position: int | None = None) -> JobView:
        return cls(
            job_id=record.job_id,
            title=record.title,
            status=record.status,
            position=position,
            created_at=record.created_at,
            started_at=record.started_at,
            finished_at=record.finished_at,
            error=record.error if record.status is JobStatus.FAILED else None,
            result=record.result,
            storyboard=record.storyboard if record.status is JobStatus.AWAITING_APPROVAL else None,
            versions=len(record.versions),
            film_expired_at=record.film_expired_at,
        )


class LinkView(BaseModel):
    url: str
    expires_in_s: int


class HealthView(BaseModel):
    status: str
    redis: bool
    workers: int
    disk: str = "ok"
    """"ok", or why new films are refused for want of disk space (MIN_FREE_DISK_GB)."""


class ErrorView(BaseModel):
    """Every refusal: one sentence a person can act on."""

    detail: str
