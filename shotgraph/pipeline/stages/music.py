"""Music: a bed per scene, as long as the scene runs on screen."""

from __future__ import annotations

import asyncio
from pathlib import Path

from shotgraph.models import ShotPlan, Stage
from shotgraph.pipeline.artefacts import atomic_output
from shotgraph.pipeline.composition.timeline import TRANSITION_S, Timeline
from shotgraph.pipeline.job import JobRun


async def run_music(job: JobRun, plan: ShotPlan, timeline: Timeline) -> dict[int, Path]:
    backend = job.backends.music
    if backend is None:
        return {}
    music_settings = job.settings.cache_inputs("music")
    beds: dict[int, Path] = {}
    with job.stage(Stage.MUSIC, "Scoring the scenes") as progress:
        for scene in plan.scenes:
            segments = [s for s in timeline.shot_segments() if s.scene_index == scene.index]
            if not segments:
                continue
            frames = segments[-1].end_frame - segments[0].start_frame
            # A little longer than the scene, so neighbouring beds can crossfade.
            seconds = round(frames / timeline.fps + TRANSITION_S, 3)
            key = job.key(
                backend.name, music_settings, scene.setting, seconds, plan.style, job.request.seed
            )
            bed = job.folder.artefact(Stage.MUSIC, f"scene-{scene.index:03d}", key, ".wav")
            if not bed.exists():
                with atomic_output(bed) as partial:
                    await asyncio.to_thread(
                        backend.score, scene, seconds, plan.style, job.request.seed, partial
                    )
                job.made.add(Stage.MUSIC)
            beds[scene.index] = bed
            progress.update((scene.index + 1) / len(plan.scenes))
    return beds
