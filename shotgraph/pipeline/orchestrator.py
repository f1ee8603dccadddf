"""The orchestrator: a story request in, a finished film out, one stage after another.

Read `run` top to bottom: it is the pipeline. Each stage stores its artefacts in the job's
folder keyed by their inputs, so running the same job again skips everything already made.
"""

from __future__ import annotations

import asyncio
import logging

from shotgraph.config import Settings
from shotgraph.intake import clean_story, split_title
from shotgraph.models import (
    JobResult,
    PlannedStory,
    ShotPlan,
    Stage,
    StoryDigest,
    StoryRequest,
)
from shotgraph.pipeline.artefacts import JobFolder
from shotgraph.pipeline.backends import Backends, build_backends
from shotgraph.pipeline.composition.timeline import build_timeline
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.progress import ProgressCallback, StageReporter
from shotgraph.pipeline.stages.compose import run_compose
from shotgraph.pipeline.stages.music import run_music
from shotgraph.pipeline.stages.narration import run_narration
from shotgraph.pipeline.stages.preprocess import run_preprocess
from shotgraph.pipeline.stages.safety import run_safety
from shotgraph.pipeline.stages.scenes import run_scenes
from shotgraph.pipeline.stages.shots import run_shots
from shotgraph.pipeline.stages.visuals import run_visuals
from shotgraph.storage import publish_store, work_root

log = logging.getLogger(__name__)


class Orchestrator:
    """Runs jobs with backends built once, so a worker keeps its models warm between jobs."""

    def __init__(self, settings: Settings, backends: Backends | None = None) -> None:
        self.settings = settings
        self.backends = backends or build_backends(settings)
        self.store = publish_store(settings)

    async def run(
        self,
        request: StoryRequest,
        progress: ProgressCallback | None = None,
        job_id: str | None = None,
    ) -> JobResult:
        job = self._start(request, progress, job_id)
        try:
            return await self._render(job)
        finally:
            # Whatever was finished is in the store; the scratch copy would only fill the disk.
            job.folder.drop_scratch()

    async def _render(self, job: JobRun) -> JobResult:
        fetched = await asyncio.to_thread(job.folder.fetch_stored)
        if fetched:
            log.info("job %s: %d files fetched from the store", job.folder.job_id, fetched)
        digest, plan = await self._plan(job)
        plan = await run_safety(job, digest, plan)
        narration = await run_narration(job, plan)
        timeline = build_timeline(
            plan,
            {shot: n.speech.duration_s for shot, n in narration.items()},
            self.settings.video_fps,
        )
        visuals = await run_visuals(job, plan, timeline)
        music = await run_music(job, plan, timeline)
        result = await run_compose(job, plan, timeline, visuals, narration, music)

        log.info("job %s: done, %.1fs of film", job.folder.job_id, result.duration_s)
        for line in job.cost.lines:
            log.info("job %s: llm cost %s", job.folder.job_id, line.model_dump_json())
        return result.model_copy(
            update={
                "stage_seconds": dict(job.reporter.seconds),
                "cached_stages": [
                    s for s in Stage if s in job.reporter.seconds and s not in job.made
                ],
            }
        )

    async def plan(
        self,
        request: StoryRequest,
        progress: ProgressCallback | None = None,
        job_id: str | None = None,
    ) -> PlannedStory:
        """Only the planning stages: what `shotgraph plan` prints."""
        job = self._start(request, progress, job_id)
        _, plan = await self._plan(job)
        return PlannedStory(plan=plan, cost=job.cost, notes=job.notes)

    def _start(
        self, request: StoryRequest, progress: ProgressCallback | None, job_id: str | None
    ) -> JobRun:
        job_id = job_id or request.fingerprint()[:16]
        log.info("job %s: starting", job_id)
        return JobRun(
            settings=self.settings,
            backends=self.backends,
            request=request,
            folder=JobFolder(
                work_root(self.settings), job_id, self.store, self.settings.min_free_disk_gb
            ),
            reporter=StageReporter(progress),
            notes=list(self.backends.choice.notes),
        )

    async def _plan(self, job: JobRun) -> tuple[StoryDigest, ShotPlan]:
        found_title, story = split_title(clean_story(job.request.story))
        title = job.request.title or found_title or "Untitled story"
        digest = await run_preprocess(job, story)
        scenes = await run_scenes(job, digest)
        return digest, await run_shots(job, digest, scenes, title)
