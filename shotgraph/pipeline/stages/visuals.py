"""Visuals: one artefact per shot from the video backend, animated from the shot's approved
keyframe. A shot that carries on the previous one's take (the backend says which) is handed
the previous shot's artefact and keyed on it; every other shot stands alone, so a retake
re-renders only what depends on the retaken shot."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from shotgraph.models import ShotPlan, Stage
from shotgraph.pipeline.composition.timeline import Timeline
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.stages.storyboard import SCENE_SIBLINGS, Boarded, shot_render
from shotgraph.pipeline.video.protocol import ShotRender


@dataclass(frozen=True)
class RenderedShot:
    artefact: Path
    render: ShotRender


async def run_visuals(
    job: JobRun, plan: ShotPlan, timeline: Timeline, board: Boarded
) -> dict[str, RenderedShot]:
    """Animate every shot from its approved storyboard keyframe."""
    backend = job.backends.video
    video_settings = job.settings.cache_inputs("video_", "diffusion_")
    refs = list(plan.shots())
    rendered: dict[str, RenderedShot] = {}
    previous: tuple[int, Path, str] | None = None  # scene index, artefact, key
    with job.stage(Stage.VISUALS, "Drawing the shots") as progress:
        for position, ref in enumerate(refs, start=1):
            render = shot_render(job, plan, ref, timeline, board.references).model_copy(
                update={
                    "keyframe": board.keyframes[ref.id],
                    "previous": previous[1]
                    if previous is not None and previous[0] == ref.scene.index
                    else None,
                }
            )
            carries_on = render.previous is not None and backend.continues(render)
            if not carries_on:
                render = render.model_copy(update={"previous": None})
            key = job.key(
                backend.name,
                video_settings,
                # Pictures by file name, which carries their own key: the storage root may move.
                render.model_dump(
                    mode="json",
                    exclude={
                        **SCENE_SIBLINGS,
                        "previous": True,
                        "keyframe": True,
                        "references": True,
                    },
                ),
                board.keyframes[ref.id].name,
                sorted(path.name for path in render.references.values()),
                previous[2] if carries_on and previous else None,
            )
            artefact = job.folder.artefact(Stage.VISUALS, ref.id, key, backend.suffix)
            if not artefact.exists():
                with job.folder.written(artefact) as partial:
                    await asyncio.to_thread(backend.render, render, partial)
                job.made_shot(Stage.VISUALS, ref.id)
            rendered[ref.id] = RenderedShot(artefact=artefact, render=render)
            previous = (ref.scene.index, artefact, key)
            progress.update(position / len(refs), f"Shot {position} of {len(refs)}")
    return rendered
