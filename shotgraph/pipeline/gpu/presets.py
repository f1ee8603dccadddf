"""The model lineup per card size, in one place: which picture model draws the character
references and keyframes, which image-to-video model animates them, and how they are placed in
memory. Chosen at worker start from the GPU's memory (GPU_PRESET=auto) or named; any single
model id can be overridden by its setting.

Why these models (the README's GPU section has the figures and the licences):
- FLUX.2 [klein] 4B (Apache-2.0) draws from text and edits from several reference images at
  once, distilled to 4 steps; one pipeline makes both the reference sheets and the keyframes
  that must show those characters.
- LTX-Video (LTXConditionPipeline) animates a keyframe, or continues from the previous clip's
  last frames, with the shot's action as text, at 24 fps; 5 s of 768x512 in about 2 s on an
  H100 (its report), two orders of magnitude ahead of the other open image-to-video models.
  Wan2.2 (WanImageToVideoPipeline, Apache-2.0) runs in its place when DIFFUSION_I2V_MODEL
  names it, for servers whose licence needs outweigh its speed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from shotgraph.config import Settings

PresetName = Literal["24gb", "48gb", "80gb"]

FLUX2_KLEIN_4B = "black-forest-labs/FLUX.2-klein-4B"
LTX_VIDEO_2B = "Lightricks/LTX-Video-0.9.5"
LTX_VIDEO_13B = "Lightricks/LTX-Video-0.9.7-dev"


class Lineup(BaseModel):
    """The models one card size runs, and how."""

    name: PresetName
    picture_model: str
    """References and keyframes: a text-to-image model that also edits from reference images."""
    picture_steps: int
    video_model: str
    """Shots: a text-conditioned image-to-video model."""
    video_steps: int
    video_pixels: int
    """The most pixels a clip's frame has at the model's native size."""
    max_frames: int
    """The most frames one pass makes; longer shots continue from the last frames."""
    cpu_offload: bool
    """Planned up front where both models do not fit the card together, not after an OOM."""


# FLUX.2 klein 4B (~16 GB in bf16 with its Qwen3 encoder) and LTX 2B (~14 GB with T5-XXL)
# do not share 24 GB: each moves to the GPU only while it runs.
_24GB = Lineup(
    name="24gb",
    picture_model=FLUX2_KLEIN_4B,
    picture_steps=4,
    video_model=LTX_VIDEO_2B,
    video_steps=40,
    video_pixels=768 * 512,
    max_frames=121,
    cpu_offload=True,
)
PRESETS: dict[PresetName, Lineup] = {
    "24gb": _24GB,
    # The same two models, both resident: no transfers between shots, longer passes.
    "48gb": _24GB.model_copy(update={"name": "48gb", "max_frames": 161, "cpu_offload": False}),
    # LTX-Video 13B (~26 GB transformer) at its native 1216x704, both models resident.
    "80gb": _24GB.model_copy(
        update={
            "name": "80gb",
            "video_model": LTX_VIDEO_13B,
            "video_steps": 30,
            "video_pixels": 1216 * 704,
            "max_frames": 161,
            "cpu_offload": False,
        }
    ),
}

# The smallest card each preset is meant for, largest first (GiB as torch reports them: a
# "24 GB" card shows about 23.6).
_MIN_MEMORY_GIB: list[tuple[float, PresetName]] = [(75.0, "80gb"), (44.0, "48gb"), (0.0, "24gb")]


def preset_for_memory(total_memory_gib: float) -> PresetName:
    """The largest preset a card with this much memory runs."""
    return next(name for floor, name in _MIN_MEMORY_GIB if total_memory_gib >= floor)


def chosen_preset(settings: Settings) -> PresetName:
    """GPU_PRESET, or with `auto` the preset of this machine's GPU (24gb without one)."""
    if settings.gpu_preset != "auto":
        return settings.gpu_preset
    gpu = settings.gpu if settings.wants_cuda else None
    return preset_for_memory(gpu.total_memory_gib) if gpu is not None else "24gb"


def lineup(settings: Settings) -> Lineup:
    """The chosen preset with every model id, step count and offload setting the settings name
    put in its place."""
    preset = PRESETS[chosen_preset(settings)]
    overrides = {
        "picture_model": settings.diffusion_picture_model,
        "picture_steps": settings.diffusion_picture_steps,
        "video_model": settings.diffusion_i2v_model,
        "video_steps": settings.diffusion_i2v_steps,
        "max_frames": settings.diffusion_i2v_max_frames,
        "cpu_offload": settings.diffusion_cpu_offload,
    }
    return preset.model_copy(update={k: v for k, v in overrides.items() if v is not None})
