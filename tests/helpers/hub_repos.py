"""Model repositories laid out as the Hugging Face hub holds them, with the sizes of their files,
for testing what `shotgraph models download` fetches without reaching the hub.

The sizes are estimates, written down here because no hub is reachable from the test machines:
each weights file is its parameter count times the bytes of the precision it is stored in
(bf16: 2), from the model cards (FLUX.2 [klein] 4B: a 4B transformer and the Qwen3-4B text
encoder; LTX-Video 0.9.5: a 1.9B transformer and T5 v1.1 XXL's 4.76B-parameter encoder;
MusicGen-small: 0.6 GB of fp32 parameters counted with its T5 and EnCodec parts, stored
twice, as safetensors and as a PyTorch pickle). The extra files are the kind these repositories
really carry beside the diffusers layout: single-file checkpoints, other variants, media.
`shotgraph models download --dry-run` on a connected machine prints the real sizes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from shotgraph.pipeline.gpu.weights import RepoFile, RepoListing

GB = 1_000_000_000
MB = 1_000_000

FLUX2_KLEIN_4B: dict[str, int] = {
    "model_index.json": 500,
    "README.md": 9_000,
    "LICENSE.md": 11_000,
    "flux-2-klein-4b.safetensors": int(7.75 * GB),  # BFL's single-file checkpoint
    "assets/teaser.png": 8 * MB,
    "scheduler/scheduler_config.json": 500,
    "text_encoder/config.json": 1_000,
    "text_encoder/generation_config.json": 200,
    "text_encoder/model.safetensors.index.json": 33_000,
    "text_encoder/model-00001-of-00002.safetensors": int(4.97 * GB),
    "text_encoder/model-00002-of-00002.safetensors": int(3.08 * GB),
    "tokenizer/tokenizer.json": int(11.4 * MB),
    "tokenizer/tokenizer_config.json": 10_000,
    "tokenizer/vocab.json": int(2.8 * MB),
    "tokenizer/merges.txt": int(1.7 * MB),
    "transformer/config.json": 600,
    "transformer/diffusion_pytorch_model.safetensors": int(7.75 * GB),
    "vae/config.json": 900,
    "vae/diffusion_pytorch_model.safetensors": 168 * MB,
}

LTX_VIDEO_0_9_5: dict[str, int] = {
    "model_index.json": 420,
    "README.md": 12_000,
    "ltx-video-2b-v0.9.5.safetensors": int(6.34 * GB),  # the original single-file checkpoint
    "media/trailer.mp4": 40 * MB,
    "scheduler/scheduler_config.json": 500,
    "text_encoder/config.json": 800,
    "text_encoder/model.safetensors.index.json": 20_000,
    "text_encoder/model-00001-of-00002.safetensors": int(4.99 * GB),
    "text_encoder/model-00002-of-00002.safetensors": int(4.53 * GB),
    "tokenizer/spiece.model": 792_000,
    "tokenizer/tokenizer_config.json": 20_000,
    "tokenizer/special_tokens_map.json": 2_500,
    "tokenizer/added_tokens.json": 2_600,
    "transformer/config.json": 600,
    "transformer/diffusion_pytorch_model.safetensors": int(3.85 * GB),
    "vae/config.json": 1_400,
    "vae/diffusion_pytorch_model.safetensors": 555 * MB,
}

MUSICGEN_SMALL: dict[str, int] = {
    "config.json": 7_800,
    "generation_config.json": 224,
    "preprocessor_config.json": 275,
    "special_tokens_map.json": 2_200,
    "spiece.model": 792_000,
    "tokenizer.json": int(2.4 * MB),
    "tokenizer_config.json": 2_400,
    "model.safetensors": int(2.36 * GB),
    "pytorch_model.bin": int(2.36 * GB),  # the same weights as a pickle
    "README.md": 8_000,
}

FLUX2_KLEIN_INDEX: dict[str, object] = {
    "_class_name": "Flux2KleinPipeline",
    "is_distilled": True,
    "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
    "text_encoder": ["transformers", "Qwen3ForCausalLM"],
    "tokenizer": ["transformers", "Qwen2TokenizerFast"],
    "transformer": ["diffusers", "Flux2Transformer2DModel"],
    "vae": ["diffusers", "AutoencoderKLFlux2"],
}

LTX_VIDEO_INDEX: dict[str, object] = {
    "_class_name": "LTXConditionPipeline",
    "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
    "text_encoder": ["transformers", "T5EncoderModel"],
    "tokenizer": ["transformers", "T5Tokenizer"],
    "transformer": ["diffusers", "LTXVideoTransformer3DModel"],
    "vae": ["diffusers", "AutoencoderKLLTXVideo"],
}


def listing(files: dict[str, int], model_index: dict[str, object] | None = None) -> RepoListing:
    """The repository as the hub's file listing describes it."""
    return RepoListing(
        files=[RepoFile(path=path, size=size) for path, size in files.items()],
        model_index=model_index,
    )


def lay_out(
    folder: Path, files: dict[str, int], model_index: dict[str, object] | None = None
) -> Path:
    """The repository as a folder of sparse files of the listed sizes (no disk is used), with a
    real model_index.json."""
    for path, size in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if path == "model_index.json" and model_index is not None:
            target.write_text(json.dumps(model_index))
        else:
            with target.open("wb") as out:
                os.truncate(out.fileno(), size)
    return folder
