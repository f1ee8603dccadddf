"""Retention: what a finished job keeps, for how long, and what it all weighs.

A job folder holds two kinds of files. Its deliverables sit at the top (the film, its
subtitles, plan, thumbnail and storyboard, and any smaller encode made for a chat): they go
FILM_RETENTION_DAYS after they were written. Everything in a stage folder (clips, keyframes,
narration, music, the stages' records) only serves a retake: it goes ARTEFACT_RETENTION_HOURS
after the job last wrote anything. Jobs still queued or running are never touched. The job
record then says the film expired, so the front ends say so instead of answering 404.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, Field

from shotgraph.config import Settings
from shotgraph.errors import ShotGraphError
from shotgraph.queue.records import JobStore
from shotgraph.storage.protocol import Storage, StoredObject

JOBS_PREFIX = "jobs/"
_DAY_S = 86_400
_HOUR_S = 3_600
# Stage folders under their user-facing names (the rest keep their folder's name).
_ARTEFACT_KINDS = {"visuals": "clips", "storyboard": "keyframes", "compose": "compose work"}


class FilmExpired(ShotGraphError):
    """The film was deleted by retention; its record remains."""


def expired_sentence(settings: Settings) -> str:
    return (
        f"This film has expired: films are kept for {settings.film_retention_days:g} days "
        "after they are made."
    )


class Usage(BaseModel):
    """Bytes and files per kind across every job in the store."""

    bytes: dict[str, int] = Field(default_factory=dict)
    files: dict[str, int] = Field(default_factory=dict)
    jobs: int = 0

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes.values())


class PruneReport(BaseModel):
    films_expired: list[str] = Field(default_factory=list)
    """Job ids whose film was deleted this time."""
    deleted_files: int = 0
    deleted_bytes: int = 0


def kind_of(key: str) -> str:
    """`film`, `subtitles`, `plan`, `thumbnail`, `storyboard`, or the artefact kind."""
    parts = key.split("/")
    if len(parts) > 3:  # jobs/<id>/<stage>/<file>
        return _ARTEFACT_KINDS.get(parts[2], parts[2])
    name = parts[-1]
    if name.endswith(".mp4"):
        return "film"
    if name.endswith(".srt"):
        return "subtitles"
    if name.endswith((".jpg", ".png")):
        return "storyboard" if "storyboard" in name or "contact" in name else "thumbnail"
    if name.endswith(".json"):
        return "plan"
    return "other"


def is_deliverable(key: str) -> bool:
    return len(key.split("/")) == 3


def usage(store: Storage) -> Usage:
    found = Usage()
    by_kind: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    jobs: set[str] = set()
    for stored in store.list(JOBS_PREFIX):
        kind = kind_of(stored.key)
        by_kind[kind] += stored.size
        count[kind] += 1
        jobs.add(stored.key.split("/")[1])
    found.bytes, found.files, found.jobs = dict(by_kind), dict(count), len(jobs)
    return found


def prune(
    store: Storage, settings: Settings, unfinished: Iterable[str], now: float | None = None
) -> PruneReport:
    """Delete what expired, skipping the `unfinished` job ids; what was deleted."""
    now = time.time() if now is None else now
    skip = set(unfinished)
    film_cutoff = now - settings.film_retention_days * _DAY_S
    artefact_cutoff = now - settings.artefact_retention_hours * _HOUR_S
    report = PruneReport()
    for job_id, objects in _by_job(store.list(JOBS_PREFIX)).items():
        if job_id in skip:
            continue
        deliverables = [o for o in objects if is_deliverable(o.key)]
        artefacts = [o for o in objects if not is_deliverable(o.key)]
        doomed: list[StoredObject] = []
        if deliverables and max(o.modified for o in deliverables) <= film_cutoff:
            doomed += deliverables
            if any(kind_of(o.key) == "film" for o in deliverables):
                report.films_expired.append(job_id)
        if artefacts and max(o.modified for o in objects) <= artefact_cutoff:
            doomed += artefacts
        if doomed:
            store.delete([o.key for o in doomed])
            report.deleted_files += len(doomed)
            report.deleted_bytes += sum(o.size for o in doomed)
    return report


async def prune_jobs(store: Storage, jobs: JobStore, settings: Settings) -> PruneReport:
    """Prune the store, sparing unfinished jobs, and mark each expired film in its record."""
    unfinished = [record.job_id for record in await jobs.unfinished()]
    report = await asyncio.to_thread(prune, store, settings, unfinished)
    for job_id in report.films_expired:
        await jobs.mark_film_expired(job_id)
    return report


def _by_job(objects: list[StoredObject]) -> dict[str, list[StoredObject]]:
    jobs: dict[str, list[StoredObject]] = defaultdict(list)
    for stored in objects:
        parts = stored.key.split("/")
        if len(parts) >= 3:
            jobs[parts[1]].append(stored)
    return dict(jobs)
