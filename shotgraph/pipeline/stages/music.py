"""Music: a bed per scene, as long as the scene runs on screen. A backend that continues the
score across scenes is handed the bed before (and its key joins the cache key), as the visuals
stage hands each shot the one before."""

from __future__ import annotations

import asyncio
from pathlib import Path

from shotgraph.models import ShotPlan, Stage
from shotgraph.pipeline.composition.timeline import TRANSITION_S, Timeline
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.music.protocol import PreviousBed


async def run_music(job: JobRun, plan: ShotPlan, timeline: Timeline) -> dict[int, Path]:
    backend = job.backends.music
    if backend is None:
        return {}
    music_settings = job.settings.cache_inputs("music")
    beds: dict[int, Path] = {}
    previous: tuple[PreviousBed, str] | None = None  # the bed before, and its key
    with job.stage(Stage.MUSIC, "Scoring the scenes") as progress:
        for scene in plan.scenes:
            segments = [s for s in timeline.shot_segments() if s.scene_index == scene.index]
            if not segments:
                continue
            scene_s = (segments[-1].end_frame - segments[0].start_frame) / timeline.fps
            # A little longer than the scene, so neighbouring beds can crossfade.
            seconds = round(scene_s + TRANSITION_S, 3)
            lead_in = previous if backend.continues_scenes else None
            key = job.key(
                backend.name,
                music_settings,
                scene.setting,
                seconds,
                plan.style,
                job.request.seed,
                lead_in[1] if lead_in else None,
            )
            bed = job.folder.artefact(Stage.MUSIC, f"scene-{scene.index:03d}", key, ".wav")
            if not bed.exists():
                with job.folder.written(bed) as partial:
                    await asyncio.to_thread(
                        backend.score,
                        scene,
                        seconds,
                        plan.style,
                        job.request.seed,
                        partial,
                        lead_in[0] if lead_in else None,
                    )
                job.made.add(Stage.MUSIC)
            beds[scene.index] = bed
            previous = (PreviousBed(path=bed, end_s=scene_s), key)
            progress.update((scene.index + 1) / len(plan.scenes))
    return beds
