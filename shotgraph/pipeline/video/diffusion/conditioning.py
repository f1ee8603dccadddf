"""The keyframe prompt as the text encoders read it, whole.

CLIP text encoders read 77 tokens; a shot's prompt with its characters described and the film's
style easily runs longer, and diffusers cuts the rest off, which is the shot's own action. compel
encodes the whole prompt in 77-token windows and joins them (Stable Diffusion 1/2 and SDXL, whose
UNets attend to any number of tokens); it also reads its weighting syntax (`lantern+`,
`(red kite)1.3`). Other pipelines get the prompt as text, as diffusers would.
"""

from __future__ import annotations

from typing import Any

from shotgraph.pipeline.gpu.runtime import ModelRuntime


def prompt_conditioning(
    pipe: Any, prompt: str, negative_prompt: str, runtime: ModelRuntime
) -> dict[str, Any]:
    """The pipeline call's prompt arguments: embeddings of the whole prompt where compel knows
    the pipeline, the text itself otherwise."""
    import torch
    from compel import CompelForSD, CompelForSDXL
    from diffusers import (
        StableDiffusionImg2ImgPipeline,
        StableDiffusionPipeline,
        StableDiffusionXLImg2ImgPipeline,
        StableDiffusionXLPipeline,
    )

    # no_grad, not inference_mode: the pipeline may still change these tensors in place.
    with torch.no_grad():
        if isinstance(pipe, StableDiffusionXLPipeline | StableDiffusionXLImg2ImgPipeline):
            xl = CompelForSDXL(pipe, device=runtime.device)(prompt, negative_prompt=negative_prompt)
            return {
                "prompt_embeds": xl.embeds,
                "pooled_prompt_embeds": xl.pooled_embeds,
                "negative_prompt_embeds": xl.negative_embeds,
                "negative_pooled_prompt_embeds": xl.negative_pooled_embeds,
            }
        if isinstance(pipe, StableDiffusionPipeline | StableDiffusionImg2ImgPipeline):
            sd = CompelForSD(pipe, device=runtime.device)(prompt, negative_prompt=negative_prompt)
            return {"prompt_embeds": sd.embeds, "negative_prompt_embeds": sd.negative_embeds}
    return {"prompt": prompt, "negative_prompt": negative_prompt}
