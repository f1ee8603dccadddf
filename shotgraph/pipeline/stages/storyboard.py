"""Storyboard: a reference image per recurring character, a keyframe per shot, and the contact
sheet, before any clip is rendered.

This is what a person approves (or re-rolls, or edits) before the GPU spends its time on the
film. Every picture is cached by its inputs, so a re-rolled or edited shot redraws only its own
keyframe, and the visuals stage then animates the approved keyframes.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shotgraph.durations import spell_seconds
from shotgraph.models import (
    Character,
    ShotPlan,
    ShotRef,
    Stage,
    Storyboard,
    StoryboardPanel,
)
from shotgraph.pipeline.composition.timeline import Timeline
from shotgraph.pipeline.job import JobRun
from shotgraph.pipeline.planning.edits import shot_seed
from shotgraph.pipeline.speed import RenderSpeed
from shotgraph.pipeline.video.contact_sheet import SheetPanel, draw_contact_sheet
from shotgraph.pipeline.video.protocol import ShotRender
from shotgraph.storage import work_root

# The keyframe does not depend on how long the shot lasts or what came before it.
# A shot's picture depends on its scene's setting, not on the scene's other shots: leaving
# those out of its key is what lets an edit of one shot leave the others' pictures alone.
SCENE_SIBLINGS: dict[str, Any] = {"ref": {"scene": {"shots", "source_text"}}}
# References go in by file name (which carries their key): the storage root may move.
_NOT_IN_KEYFRAME = {
    **SCENE_SIBLINGS,
    **{name: True for name in ("duration_s", "fps", "previous", "keyframe", "references")},
}


@dataclass(frozen=True)
class Boarded:
    """The storyboard as the render phase uses it: the pictures by shot id and character."""

    keyframes: dict[str, Path]
    references: dict[str, Path]
    storyboard: Storyboard


async def run_storyboard(job: JobRun, plan: ShotPlan, timeline: Timeline) -> Boarded:
    refs = list(plan.shots())
    with job.stage(Stage.STORYBOARD, "Drawing the storyboard") as progress:
        references = await _references(job, plan)
        keyframes: dict[str, Path] = {}
        for position, ref in enumerate(refs, start=1):
            render = shot_render(job, plan, ref, timeline, references)
            keyframes[ref.id] = await _keyframe(job, render)
            progress.update(position / (len(refs) + 1), f"Shot {position} of {len(refs)}")
        panels = [
            StoryboardPanel(
                number=number,
                shot_id=ref.id,
                type=ref.shot.type,
                visual_prompt=ref.shot.visual_prompt,
                narration=ref.shot.narration_text,
                duration_s=_seconds(timeline)[ref.id],
                keyframe=job.folder.relative(keyframes[ref.id]),
                take=(edit.take if (edit := job.request.shot_edits.get(ref.id)) else 0),
            )
            for number, ref in enumerate(refs, start=1)
        ]
        film_s = sum(panel.duration_s for panel in panels)
        estimate = RenderSpeed(work_root(job.settings)).estimate_s(job.backends.video.name, film_s)
        sheet = _sheet(job, plan, panels, keyframes, film_s)
    storyboard = Storyboard(
        job_id=job.folder.job_id,
        title=plan.title,
        plan=plan,
        panels=panels,
        references={name: job.folder.relative(path) for name, path in references.items()},
        sheet=job.folder.relative(sheet),
        render_estimate_s=round(estimate, 1),
    )
    return Boarded(keyframes=keyframes, references=references, storyboard=storyboard)


def shot_render(
    job: JobRun, plan: ShotPlan, ref: ShotRef, timeline: Timeline, references: dict[str, Path]
) -> ShotRender:
    """What the video backend needs to draw one shot, in the storyboard and the visuals alike."""
    characters = [c for c in plan.characters if c.name in ref.shot.characters]
    return ShotRender(
        ref=ref,
        characters=characters,
        style=plan.style,
        seed=shot_seed(job.request.seed, ref.id, job.request.shot_edits),
        resolution=job.resolution,
        fps=timeline.fps,
        duration_s=_seconds(timeline)[ref.id],
        references={c.name: references[c.name] for c in characters if c.name in references},
    )


def recurring_characters(plan: ShotPlan) -> list[Character]:
    """The characters seen in more than one shot: the ones whose looks must hold across cuts."""
    seen = Counter(name for ref in plan.shots() for name in set(ref.shot.characters))
    return [c for c in plan.characters if seen[c.name] > 1]


async def _references(job: JobRun, plan: ShotPlan) -> dict[str, Path]:
    maker = job.backends.references
    made: dict[str, Path] = {}
    for character in recurring_characters(plan):
        key = job.key(maker.name, character, plan.style, job.request.seed)
        out = job.folder.artefact(Stage.STORYBOARD, f"ref-{_slug(character.name)}", key, ".png")
        if not out.exists():
            with job.folder.written(out) as partial:
                await asyncio.to_thread(
                    maker.make, character, plan.style, job.request.seed, partial
                )
            job.made.add(Stage.STORYBOARD)
        made[character.name] = out
    return made


async def _keyframe(job: JobRun, render: ShotRender) -> Path:
    backend = job.backends.video
    key = job.key(
        backend.name,
        job.settings.cache_inputs("video_", "diffusion_"),
        render.model_dump(mode="json", exclude=_NOT_IN_KEYFRAME),
        sorted(path.name for path in render.references.values()),
    )
    out = job.folder.artefact(Stage.STORYBOARD, render.ref.id, key, ".png")
    if not out.exists():
        with job.folder.written(out) as partial:
            await asyncio.to_thread(backend.keyframe, render, partial)
        job.made_shot(Stage.STORYBOARD, render.ref.id)
    return out


def _sheet(
    job: JobRun,
    plan: ShotPlan,
    panels: list[StoryboardPanel],
    keyframes: dict[str, Path],
    film_s: float,
) -> Path:
    """The contact sheet. The render estimate is left off: it changes as the machine learns its
    speed, and the sheet must stay the same picture for the same shots; front ends show it."""
    sheet_panels = [
        SheetPanel(
            number=p.number, keyframe=keyframes[p.shot_id], type=p.type, narration=p.narration
        )
        for p in panels
    ]
    subtitle = f"{len(panels)} shots · {spell_seconds(film_s)} of film"
    key = job.key(plan.title, subtitle, sheet_panels, job.resolution)
    out = job.folder.artefact(Stage.STORYBOARD, "sheet", key, ".jpg")
    if not out.exists():
        with job.folder.written(out) as partial:
            draw_contact_sheet(plan.title, subtitle, sheet_panels, job.resolution, partial)
        job.made.add(Stage.STORYBOARD)
    return out


def _seconds(timeline: Timeline) -> dict[str, float]:
    return {s.shot_id: round(s.frame_count / timeline.fps, 3) for s in timeline.shot_segments()}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "someone"
