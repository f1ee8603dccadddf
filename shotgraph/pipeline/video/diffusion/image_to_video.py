"""Shots from a text-conditioned image-to-video model (LTX-Video's condition pipeline): a cut
starts from its keyframe, a shot that continues the previous one starts from that clip's last
frames; either way the shot's action text drives the motion, at the model's own frame rate.

Only the frames the shot needs are made, rounded up to the model's frame grid (k * 8 + 1 for
LTX-Video). A shot longer than one pass continues from the last frames of the pass before,
whose repeats are dropped.
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

# LTX-Video's sizes are multiples of 32 (its VAE's spatial compression).
VIDEO_MULTIPLE = 32
# LTX-Video 0.9.1+ decodes with a little noise (the model card's setting for its timestep-aware
# VAE), and eases the conditioning image in with a little noise too.
_DECODE_TIMESTEP = 0.05
_IMAGE_COND_NOISE_SCALE = 0.025


def on_grid(frames: int, grid: int) -> int:
    """The smallest k * grid + 1 frame count not below `frames`."""
    return -(-(max(frames, 1) - 1) // grid) * grid + 1


def below_grid(frames: int, grid: int) -> int:
    """The largest k * grid + 1 frame count not above `frames` (grid + 1 at the least)."""
    return max(grid + 1, (frames - 1) // grid * grid + 1)


def pass_lengths(needed: int, max_frames: int, grid: int, lead_in: int) -> list[int]:
    """Frames each pass generates for a shot of `needed` new frames. A pass that starts from
    `k` frames already made (the previous clip's, or the previous pass's) regenerates them, and
    they are dropped; every pass is on the model's grid, so at most grid - 1 surplus frames."""
    longest = below_grid(max_frames, grid)
    overlap = grid + 1
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


class ImageToVideo:
    def __init__(self, lineup: Lineup, manager: ModelManager) -> None:
        self.model_id = lineup.video_model
        self.steps = lineup.video_steps
        self.fps = lineup.video_fps
        self.max_frames = lineup.max_frames
        self.manager = manager

    def grid(self, runtime: ModelRuntime) -> int:
        """The model's frame grid: its VAE's compression in time."""
        return int(self._pipeline(runtime).vae_temporal_compression_ratio)

    def lead_in_frames(self, runtime: ModelRuntime) -> int:
        """How many of the previous clip's last frames a continuing shot starts from: one
        latent frame's worth past the first, the least the model reads as motion."""
        return self.grid(runtime) + 1

    def generate(self, request: ClipRequest, runtime: ModelRuntime) -> list[np.ndarray]:
        """`request.frame_count` new RGB uint8 frames."""
        import torch
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition
        from PIL import Image

        pipe = self._pipeline(runtime)
        grid = self.grid(runtime)
        frames: list[np.ndarray] = []
        context = list(request.lead_in)
        lengths = pass_lengths(request.frame_count, self.max_frames, grid, len(context))
        for index, length in enumerate(lengths):
            if context:
                condition = LTXVideoCondition(video=[Image.fromarray(f) for f in context])
            else:
                condition = LTXVideoCondition(image=Image.fromarray(request.keyframe))
            out = pipe(
                conditions=[condition],
                prompt=request.prompt,
                negative_prompt=request.negative_prompt,
                width=request.width,
                height=request.height,
                num_frames=length,
                frame_rate=self.fps,
                num_inference_steps=self.steps,
                decode_timestep=_DECODE_TIMESTEP,
                image_cond_noise_scale=_IMAGE_COND_NOISE_SCALE,
                generator=torch.Generator(device="cpu").manual_seed(request.seed + index),
                output_type="np",
            )
            made = [to_uint8(frame) for frame in out.frames[0]]
            frames.extend(made[len(context) :])
            context = frames[-(grid + 1) :]
        return frames[: request.frame_count]

    def load(self, runtime: ModelRuntime) -> None:
        self._pipeline(runtime)

    def _pipeline(self, runtime: ModelRuntime) -> Any:
        from diffusers import LTXConditionPipeline

        return warm_pipeline(
            self.manager,
            runtime,
            "image-to-video",
            self.model_id,
            LTXConditionPipeline.from_pretrained,
            denoiser="transformer",
        )
