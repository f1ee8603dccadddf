"""What the diffusion models are asked for: the shot's prompt with every character in it
described, the seed that keeps a character looking the same, and how much the camera moves.

A planner may describe a character in one shot and only name them in the next; diffusion
models have no memory between calls, so the description goes into every prompt that shows the
character, with the film's style, before the rest (the keyframe models read the whole prompt,
see conditioning.py; SVD reads no text, and a model compel does not know reads 77 tokens).
"""

from __future__ import annotations

from pydantic import BaseModel

from shotgraph.models import CameraMove, Character, Transition, seed_of
from shotgraph.pipeline.video.protocol import ShotRender

DEFAULT_NEGATIVE = "blurry, low quality, distorted, deformed, text, watermark"

# SVD's motion_bucket_id runs 1..255 (127 is its default): a static shot asks for little
# motion, a travelling camera for more; the shot's motion strength spreads each over a range.
_MOTION_BUCKET_BASE = {
    CameraMove.STATIC: 30,
    CameraMove.PAN: 90,
    CameraMove.TILT: 90,
    CameraMove.PUSH_IN: 80,
    CameraMove.PULL_OUT: 80,
    CameraMove.DOLLY: 110,
    CameraMove.ORBIT: 130,
}
_MOTION_BUCKET_SPAN = 100
# More noise on the conditioning frame frees SVD from it: more motion, less likeness.
_NOISE_AUG_MIN, _NOISE_AUG_SPAN = 0.02, 0.08


def character_phrase(character: Character) -> str:
    description = character.description.strip().rstrip(".")
    return f"{character.name}, {description}" if description else character.name


def shot_prompt(job: ShotRender) -> str:
    """The shot's visual prompt led by the description of each character it shows and the
    film's style (unless the prompt already has them): what makes shots match comes first, so
    it survives even a text encoder that truncates."""
    visual = job.ref.shot.visual_prompt.strip()
    missing = [
        character_phrase(c)
        for c in job.characters
        if not (c.description.strip() and c.description.strip().rstrip(".") in visual)
    ]
    style = [] if job.style.lower() in visual.lower() else [f"{job.style} style"]
    return "; ".join([*missing, *style, visual])


def reference_prompt(character: Character, style: str) -> str:
    """A character sheet: the whole figure, front on, on a plain ground, so that a keyframe
    edited from it takes the person and nothing of a place."""
    return (
        f"character reference sheet of {character_phrase(character)}; full body, front view, "
        f"neutral pose, even light, plain light grey background; {style} style"
    )


def keyframe_prompt(job: ShotRender, referenced: list[str]) -> str:
    """The shot's prompt, told which reference image shows whom (in the order they are given)."""
    if not referenced:
        return shot_prompt(job)
    who = ", ".join(f"{name} as in reference image {i}" for i, name in enumerate(referenced, 1))
    return f"{who}; {shot_prompt(job)}"


def continues_previous(job: ShotRender) -> bool:
    """Whether the shot carries on the previous one's take: in the same scene (the stage hands
    over the previous clip only then), cut in without a fade, with the same framing and the
    same people. A new framing (a close-up, a reverse shot) or a new face is a cut."""
    shot = job.ref.shot
    before = next((s for s in job.ref.scene.shots if s.index == shot.index - 1), None)
    return (
        job.previous is not None
        and before is not None
        and before.transition is Transition.CUT
        and before.type == shot.type
        and set(before.characters) == set(shot.characters)
    )


def negative_prompt(job: ShotRender) -> str:
    return job.ref.shot.negative_prompt.strip() or DEFAULT_NEGATIVE


def keyframe_seed(job: ShotRender) -> int:
    """A fixed seed per character (the first in frame): the same starting noise for the same
    person helps the model draw them alike. Shots without characters get one of their own."""
    if job.characters:
        return seed_of(job.seed, "character", job.characters[0].name)
    return seed_of(job.seed, "shot", job.ref.id)


class MotionConditioning(BaseModel):
    motion_bucket_id: int
    noise_aug_strength: float


def motion_conditioning(job: ShotRender) -> MotionConditioning:
    shot = job.ref.shot
    bucket = _MOTION_BUCKET_BASE[shot.camera] + shot.motion_strength * _MOTION_BUCKET_SPAN
    return MotionConditioning(
        motion_bucket_id=max(1, min(255, round(bucket))),
        noise_aug_strength=round(_NOISE_AUG_MIN + _NOISE_AUG_SPAN * shot.motion_strength, 4),
    )
