"""Stable Video Diffusion (SVD-XT by default): a keyframe animated into a clip.

One SVD pass makes a fixed number of frames (25 for SVD-XT); a longer shot chains passes, each
started from the last frame of the one before, and drops that repeated first frame.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from shotgraph.config import Settings
from shotgraph.pipeline.gpu.manager import ModelManager
from shotgraph.pipeline.gpu.placement import warm_pipeline
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.video.diffusion.clips import pass_count
from shotgraph.pipeline.video.diffusion.keyframes import to_uint8
from shotgraph.pipeline.video.diffusion.prompts import MotionConditioning


def decode_chunk(frames: int, wanted: int) -> int:
    """The decode chunk size nearest below `wanted` that leaves no frame decoded alone.

    SVD's temporal VAE decodes `frames` in chunks of a fixed size; a last chunk of one frame is
    decoded without its neighbours and drifts in colour, and it is the very frame that seeds the
    next pass (SVD-XT's 25 frames in chunks of 8 leave 8+8+8+1; 7 gives 7+7+7+4). When no size
    up to `wanted` avoids it, one frame more than asked is the cheaper harm."""
    if frames <= wanted:
        return frames
    for size in range(wanted, 1, -1):
        if frames % size != 1:
            return size
    return 3


class AnimationRequest(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    keyframe: np.ndarray
    """RGB uint8; the clip is made at its size."""
    motion: MotionConditioning
    frame_count: int
    seed: int


class SvdAnimator:
    def __init__(self, settings: Settings, manager: ModelManager) -> None:
        self.model_id = settings.diffusion_svd_model
        self.steps = settings.diffusion_svd_steps
        self.frames_per_pass = settings.diffusion_svd_frames
        self.fps = settings.diffusion_svd_fps
        self.manager = manager

    def animate(self, request: AnimationRequest, runtime: ModelRuntime) -> list[np.ndarray]:
        """`request.frame_count` RGB uint8 frames, the first close to the keyframe."""
        import torch
        from PIL import Image

        pipe = self._pipeline(runtime)
        height, width = request.keyframe.shape[:2]
        frames: list[np.ndarray] = []
        start = request.keyframe
        for index in range(pass_count(request.frame_count, self.frames_per_pass)):
            out = pipe(
                image=Image.fromarray(start),
                width=width,
                height=height,
                num_frames=self.frames_per_pass,
                num_inference_steps=self.steps,
                fps=self.fps,
                motion_bucket_id=request.motion.motion_bucket_id,
                noise_aug_strength=request.motion.noise_aug_strength,
                decode_chunk_size=decode_chunk(self.frames_per_pass, runtime.decode_chunk_size),
                generator=torch.Generator(device="cpu").manual_seed(request.seed + index),
                output_type="np",
            )
            made = [to_uint8(frame) for frame in out.frames[0]]
            frames.extend(made if index == 0 else made[1:])
            start = frames[-1]
        return frames[: request.frame_count]

    def load(self, runtime: ModelRuntime) -> None:
        self._pipeline(runtime)

    def _pipeline(self, runtime: ModelRuntime) -> Any:
        from diffusers import StableVideoDiffusionPipeline

        return warm_pipeline(
            self.manager,
            runtime,
            "image-to-video",
            self.model_id,
            StableVideoDiffusionPipeline.from_pretrained,
        )
