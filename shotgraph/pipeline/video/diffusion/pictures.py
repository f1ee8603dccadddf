"""Pictures from a model that draws from text and edits from reference images (FLUX.2 [klein]
by default): each recurring character's reference sheet, and every keyframe, drawn with the
reference images of the characters it shows, so a face and build carry from shot to shot
whatever the shot's seed."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from shotgraph.pipeline.gpu.manager import ModelManager
from shotgraph.pipeline.gpu.placement import warm_pipeline
from shotgraph.pipeline.gpu.presets import Lineup
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.video.diffusion.keyframes import to_uint8

# FLUX.2's latents are 1/8 of the picture, packed two by two.
PICTURE_MULTIPLE = 16
# The distilled klein models run without classifier-free guidance.
_DISTILLED_GUIDANCE = 1.0


class PictureRequest(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    prompt: str
    seed: int
    width: int
    height: int
    references: list[np.ndarray] = []
    """RGB uint8 reference images, in the order the prompt names them; none draws from text."""


class PicturePainter:
    """One pipeline for both jobs: text-to-image for a reference sheet, multi-reference editing
    for a keyframe (the same weights, the references passed as `image`)."""

    def __init__(self, lineup: Lineup, manager: ModelManager) -> None:
        self.model_id = lineup.picture_model
        self.steps = lineup.picture_steps
        self.manager = manager

    def paint(self, request: PictureRequest, runtime: ModelRuntime) -> np.ndarray:
        """The picture as RGB uint8 of the requested size."""
        import torch
        from PIL import Image

        references = [Image.fromarray(image) for image in request.references]
        out = self._pipeline(runtime)(
            image=references or None,
            prompt=request.prompt,
            width=request.width,
            height=request.height,
            num_inference_steps=self.steps,
            guidance_scale=_DISTILLED_GUIDANCE,
            generator=torch.Generator(device="cpu").manual_seed(request.seed),
            output_type="np",
        )
        return to_uint8(out.images[0])

    def load(self, runtime: ModelRuntime) -> None:
        self._pipeline(runtime)

    def _pipeline(self, runtime: ModelRuntime) -> Any:
        from diffusers import Flux2KleinPipeline

        return warm_pipeline(
            self.manager,
            runtime,
            "picture",
            self.model_id,
            Flux2KleinPipeline.from_pretrained,
            denoiser="transformer",
        )
