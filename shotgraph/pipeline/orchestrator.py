"""The orchestrator: a story request in, a finished film out, one stage after another.

Read `run` top to bottom: it is the pipeline. Each stage stores its artefacts in the job's
folder keyed by their inputs, so running the same job again skips everything already made.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from shotgraph.config import Settings
from shotgraph.intake import clean_story, split_title
from shotgraph.models import (
    JobResult,
    PlannedStory,
    ShotPlan,
    Stage,
    Storyboard,
    StoryDigest,
    StoryRequest,
)
from shotgraph.pipeline.artefacts import JobFolder
from shotgraph.pipeline.backends import Backends, build_backends
from shotgraph.pipeline.composition.timeline import Timeline, build_timeline
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.planning.edits import apply_edits
from shotgraph.pipeline.progress import ProgressCallback, StageReporter, StopCheck
from shotgraph.pipeline.speed import RenderSpeed
from shotgraph.pipeline.stages.compose import run_compose
from shotgraph.pipeline.stages.music import run_music
from shotgraph.pipeline.stages.narration import NarratedShot, run_narration
from shotgraph.pipeline.stages.preprocess import run_preprocess
from shotgraph.pipeline.stages.safety import run_safety
from shotgraph.pipeline.stages.scenes import run_scenes
from shotgraph.pipeline.stages.shots import run_shots
from shotgraph.pipeline.stages.storyboard import Boarded, run_storyboard
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
        should_stop: StopCheck | None = None,
    ) -> JobResult:
        """The whole film: the storyboard phase (cached when it was approved), then the render.
        With `should_stop`, every progress report is a checkpoint where the job raises
        StopRequested once it returns True."""
        job = self._start(request, progress, job_id, should_stop)
        try:
            return await self._render(job)
        finally:
            # Whatever was finished is in the store; the scratch copy would only fill the disk.
            job.folder.drop_scratch()

    async def _render(self, job: JobRun) -> JobResult:
        await self._fetch_stored(job)
        board = await self._storyboard(job)
        visuals = await run_visuals(job, board.plan, board.timeline, board.pictures)
        music = await run_music(job, board.plan, board.timeline)
        result = await run_compose(job, board.plan, board.timeline, visuals, board.narration, music)

        log.info("job %s: done, %.1fs of film", job.folder.job_id, result.duration_s)
        for line in job.cost.lines:
            log.info("job %s: llm cost %s", job.folder.job_id, line.model_dump_json())
        self._measure_speed(job, board.plan, result)
        return result.model_copy(
            update={
                "stage_seconds": dict(job.reporter.seconds),
                "cached_stages": [
                    s for s in Stage if s in job.reporter.seconds and s not in job.made
                ],
                "storyboard": board.pictures.storyboard,
                "made_shots": job.made_shots,
            }
        )

    async def storyboard(
        self,
        request: StoryRequest,
        progress: ProgressCallback | None = None,
        job_id: str | None = None,
        should_stop: StopCheck | None = None,
    ) -> Storyboard:
        """Only the storyboard phase: plan, safety, narration, keyframes and contact sheet,
        what a person approves before the GPU renders the film."""
        job = self._start(request, progress, job_id, should_stop)
        try:
            await self._fetch_stored(job)
            return (await self._storyboard(job)).pictures.storyboard
        finally:
            job.folder.drop_scratch()

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
        self,
        request: StoryRequest,
        progress: ProgressCallback | None,
        job_id: str | None,
        should_stop: StopCheck | None = None,
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
            reporter=StageReporter(progress, should_stop),
            notes=list(self.backends.choice.notes),
        )

    async def _plan(self, job: JobRun) -> tuple[StoryDigest, ShotPlan]:
        found_title, story = split_title(clean_story(job.request.story))
        title = job.request.title or found_title or "Untitled story"
        digest = await run_preprocess(job, story)
        scenes = await run_scenes(job, digest)
        plan = await run_shots(job, digest, scenes, title)
        return digest, apply_edits(plan, job.request.shot_edits)

    async def _fetch_stored(self, job: JobRun) -> None:
        fetched = await asyncio.to_thread(job.folder.fetch_stored)
        if fetched:
            log.info("job %s: %d files fetched from the store", job.folder.job_id, fetched)

    async def _storyboard(self, job: JobRun) -> _Storyboarded:
        digest, plan = await self._plan(job)
        plan = await run_safety(job, digest, plan)
        narration = await run_narration(job, plan)
        timeline = build_timeline(
            plan,
            {shot: n.speech.duration_s for shot, n in narration.items()},
            self.settings.video_fps,
        )
        pictures = await run_storyboard(job, plan, timeline)
        return _Storyboarded(plan, narration, timeline, pictures)

    def _measure_speed(self, job: JobRun, plan: ShotPlan, result: JobResult) -> None:
        """Learn this machine's render speed from a film whose every shot was rendered now."""
        if len(job.made_shots.get(Stage.VISUALS, [])) < plan.shot_count:
            return
        render_s = sum(
            job.reporter.seconds.get(stage, 0.0)
            for stage in (Stage.VISUALS, Stage.MUSIC, Stage.COMPOSE)
        )
        RenderSpeed(work_root(self.settings)).record(
            self.backends.video.name, render_s, result.duration_s
        )


@dataclass(frozen=True)
class _Storyboarded:
    """What the storyboard phase hands the render phase."""

    plan: ShotPlan
    narration: dict[str, NarratedShot]
    timeline: Timeline
    pictures: Boarded
