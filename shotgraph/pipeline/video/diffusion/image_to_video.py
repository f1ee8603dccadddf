"""Shots from a text-conditioned image-to-video model: a cut starts from its keyframe, a shot
that continues the previous one starts from that clip's last frames; either way the shot's
action text drives the motion, at the model's own frame rate.

Two families, told apart by the pipeline class the model's model_index.json names:
- LTX-Video (LTXConditionPipeline, the presets' default): conditioned on an image or on a run
  of frames, so a continuation starts from the previous clip's last k * 8 + 1 frames; 24 fps.
- Wan (WanImageToVideoPipeline, Apache-2.0): conditioned on one image, so a continuation starts
  from the previous clip's last frame; Wan2.2 TI2V-5B runs at 24 fps, the 14B models at 16.

Only the frames the shot needs are made, rounded up to the model's frame grid (k * 8 + 1 for
LTX-Video, k * 4 + 1 for Wan). A shot longer than one pass continues from the last frames of
the pass before, whose repeats are dropped.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from shotgraph.pipeline.gpu.manager import ModelManager
from shotgraph.pipeline.gpu.placement import warm_pipeline
from shotgraph.pipeline.gpu.presets import Lineup
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.video.diffusion.keyframes import to_uint8

# Both families' sizes are multiples of 32 (LTX's VAE; Wan2.2's VAE times its patch).
VIDEO_MULTIPLE = 32
# LTX-Video 0.9.1+ decodes with a little noise (the model card's setting for its timestep-aware
# VAE), and eases the conditioning image in with a little noise too.
_LTX_DECODE_TIMESTEP = 0.05
_LTX_IMAGE_COND_NOISE_SCALE = 0.025
# The families' own frame rates. Wan: TI2V-5B (the one that expands timesteps per token) 24,
# the 14B models 16.
LTX_FPS = 24
_WAN_TI2V_FPS, _WAN_FPS = 24, 16


def on_grid(frames: int, grid: int) -> int:
    """The smallest k * grid + 1 frame count not below `frames`."""
    return -(-(max(frames, 1) - 1) // grid) * grid + 1


def below_grid(frames: int, grid: int) -> int:
    """The largest k * grid + 1 frame count not above `frames` (grid + 1 at the least)."""
    return max(grid + 1, (frames - 1) // grid * grid + 1)


def pass_lengths(needed: int, max_frames: int, grid: int, lead_in: int, overlap: int) -> list[int]:
    """Frames each pass generates for a shot of `needed` new frames. A pass that starts from
    frames already made (the `lead_in` of the previous clip, then the last `overlap` of the
    previous pass) regenerates them, and they are dropped; every pass is on the model's grid,
    so at most grid - 1 frames are made beyond the shot's."""
    longest = below_grid(max_frames, grid)
    passes: list[int] = []
    made, repeated = 0, lead_in
    while made < needed:
        length = on_grid(min(needed - made + repeated, longest), grid)
        passes.append(length)
        made += length - repeated
        repeated = overlap
    return passes


class ClipRequest(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    prompt: str
    negative_prompt: str
    seed: int
    width: int
    height: int
    frame_count: int
    """New frames the shot needs at the model's frame rate."""
    keyframe: np.ndarray | None = None
    """RGB uint8: a cut starts from its keyframe."""
    lead_in: list[np.ndarray] = []
    """RGB uint8: a continuing shot starts from the previous clip's last frames instead."""


def _is_ltx(pipe: Any) -> bool:
    return type(pipe).__name__ == "LTXConditionPipeline"


class ImageToVideo:
    def __init__(self, lineup: Lineup, manager: ModelManager) -> None:
        self.model_id = lineup.video_model
        self.steps = lineup.video_steps
        self.max_frames = lineup.max_frames
        self.manager = manager

    def fps(self, runtime: ModelRuntime) -> int:
        """The model's own frame rate: clips are made at it, not at the film's."""
        pipe = self._pipeline(runtime)
        if _is_ltx(pipe):
            return LTX_FPS
        return _WAN_TI2V_FPS if pipe.config.expand_timesteps else _WAN_FPS

    def grid(self, runtime: ModelRuntime) -> int:
        """The model's frame grid: its VAE's compression in time."""
        pipe = self._pipeline(runtime)
        if _is_ltx(pipe):
            return int(pipe.vae_temporal_compression_ratio)
        return int(pipe.vae_scale_factor_temporal)

    def lead_in_frames(self, runtime: ModelRuntime) -> int:
        """How many of the previous clip's last frames a continuing shot starts from: for LTX
        one latent frame's worth past the first, the least it reads as motion; Wan takes one."""
        return self.grid(runtime) + 1 if _is_ltx(self._pipeline(runtime)) else 1

    def generate(self, request: ClipRequest, runtime: ModelRuntime) -> list[np.ndarray]:
        """`request.frame_count` new RGB uint8 frames."""
        import torch

        pipe = self._pipeline(runtime)
        grid, overlap = self.grid(runtime), self.lead_in_frames(runtime)
        frames: list[np.ndarray] = []
        context = list(request.lead_in)
        lengths = pass_lengths(request.frame_count, self.max_frames, grid, len(context), overlap)
        for index, length in enumerate(lengths):
            start = context or [request.keyframe]
            out = pipe(
                **self._conditioning(pipe, start),
                prompt=request.prompt,
                negative_prompt=request.negative_prompt,
                width=request.width,
                height=request.height,
                num_frames=length,
                num_inference_steps=self.steps,
                generator=torch.Generator(device="cpu").manual_seed(request.seed + index),
                output_type="np",
            )
            made = [to_uint8(frame) for frame in out.frames[0]]
            frames.extend(made[len(context) :])
            context = frames[-overlap:]
        return frames[: request.frame_count]

    def _conditioning(self, pipe: Any, start: list[np.ndarray]) -> dict[str, Any]:
        """What each family is started from, with its own call settings."""
        from PIL import Image

        pictures = [Image.fromarray(frame) for frame in start]
        if not _is_ltx(pipe):
            return {"image": pictures[-1]}
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        condition = (
            LTXVideoCondition(video=pictures)
            if len(pictures) > 1
            else LTXVideoCondition(image=pictures[0])
        )
        return {
            "conditions": [condition],
            "frame_rate": LTX_FPS,
            "decode_timestep": _LTX_DECODE_TIMESTEP,
            "image_cond_noise_scale": _LTX_IMAGE_COND_NOISE_SCALE,
        }

    def load(self, runtime: ModelRuntime) -> None:
        self._pipeline(runtime)

    def _pipeline(self, runtime: ModelRuntime) -> Any:
        from diffusers import DiffusionPipeline

        return warm_pipeline(
            self.manager,
            runtime,
            "image-to-video",
            self.model_id,
            DiffusionPipeline.from_pretrained,
            denoiser="transformer",
        )
