"""How fast the GPU backends' models run on this machine's CUDA GPU, with random weights in the
real architectures (bench/gpu_models.json holds the public configs; nothing is downloaded).

Printed as `name=value` lines at the end:

svd_clip_seconds
    Wall time of one SVD-XT clip, 25 frames at 1024x576 and 25 steps (classifier-free guidance
    included, as in production), with the tuned settings: `place_pipeline` from
    shotgraph.pipeline.gpu.placement with torch.compile, the attention backend given by
    --attention-backend, channels-last where a model has no 3-D convolutions, and the VAE
    decoding 8 frames at a time. The compile is warmed up on a 2-step clip first, untimed.

tuned_vs_plain
    The plain diffusers call's time (the pipeline moved to CUDA in fp16, every default kept,
    the VAE decoding all 25 frames at once; warmed up on a 2-step clip too) over the tuned
    time: above 1 means tuning pays.

peak_gpu_mem_gib
    Peak GPU memory allocated by torch during the tuned clip (the plain call's peak is
    printed beside it as svd_plain_peak_gpu_mem_gib).

musicgen_realtime_factor
    Seconds of audio per second of wall time for MusicGen-small in fp16 generating a 30 s
    window with guidance 3, the way the music backend calls it.

Needs CUDA; on a machine without it the script says so and exits 0. Run:
`.venv/bin/python bench/gpu_video.py [--attention-backend _native_cudnn] [--no-compile]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CONFIGS = Path(__file__).with_name("gpu_models.json")
WIDTH, HEIGHT, FRAMES, STEPS = 1024, 576, 25, 25
TUNED_DECODE_CHUNK = 8
MUSIC_SECONDS = 30.0


def _cuda_available() -> bool:
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return torch.cuda.is_available()


def _timed(run: Callable[[], Any]) -> tuple[float, float]:
    """Seconds and peak GiB of GPU memory of one call."""
    import torch

    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    run()
    torch.cuda.synchronize()
    return time.perf_counter() - start, torch.cuda.max_memory_allocated() / 2**30


def build_svd(configs: dict[str, Any]) -> Any:
    import torch
    from diffusers import (
        AutoencoderKLTemporalDecoder,
        EulerDiscreteScheduler,
        StableVideoDiffusionPipeline,
        UNetSpatioTemporalConditionModel,
    )
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    with torch.device("cuda"):
        unet = UNetSpatioTemporalConditionModel(**configs["svd_unet"])
        vae = AutoencoderKLTemporalDecoder(**configs["svd_vae"])
        encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(**configs["svd_image_encoder"]))
    pipe = StableVideoDiffusionPipeline(
        vae=vae,
        image_encoder=encoder,
        unet=unet,
        scheduler=EulerDiscreteScheduler(**configs["svd_scheduler"]),
        feature_extractor=CLIPImageProcessor(),
    )
    pipe.to("cuda", torch.float16)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def svd_clip(pipe: Any, steps: int, decode_chunk_size: int | None) -> Callable[[], Any]:
    import numpy as np
    import torch
    from PIL import Image

    keyframe = Image.fromarray(
        np.random.default_rng(0).integers(0, 255, (HEIGHT, WIDTH, 3), np.uint8)
    )

    def run() -> Any:
        return pipe(
            image=keyframe,
            width=WIDTH,
            height=HEIGHT,
            num_frames=FRAMES,
            num_inference_steps=steps,
            decode_chunk_size=decode_chunk_size,
            generator=torch.Generator("cpu").manual_seed(0),
            output_type="np",
        )

    return run


def bench_svd(configs: dict[str, Any], attention_backend: str | None, compile_unet: bool) -> None:
    from shotgraph.pipeline.gpu.placement import place_pipeline
    from shotgraph.pipeline.gpu.runtime import ModelRuntime

    pipe = build_svd(configs)
    print("SVD-XT plain diffusers call: warming up ...", flush=True)
    svd_clip(pipe, 2, None)()
    plain_s, plain_peak = _timed(svd_clip(pipe, STEPS, None))
    print(f"  {plain_s:.1f} s, peak {plain_peak:.1f} GiB", flush=True)

    runtime = ModelRuntime(
        device="cuda",
        dtype="float16",
        attention_backend=attention_backend,
        compile=compile_unet,
        decode_chunk_size=TUNED_DECODE_CHUNK,
    )
    place_pipeline(pipe, runtime, "unet")
    print("SVD-XT tuned: warming up ...", flush=True)
    svd_clip(pipe, 2, TUNED_DECODE_CHUNK)()
    tuned_s, tuned_peak = _timed(svd_clip(pipe, STEPS, TUNED_DECODE_CHUNK))
    print(f"  {tuned_s:.1f} s, peak {tuned_peak:.1f} GiB", flush=True)
    print(f"svd_clip_seconds={tuned_s:.2f}")
    print(f"tuned_vs_plain={plain_s / tuned_s:.3f}")
    print(f"peak_gpu_mem_gib={tuned_peak:.2f}")
    print(f"svd_plain_seconds={plain_s:.2f}")
    print(f"svd_plain_peak_gpu_mem_gib={plain_peak:.2f}")
    del pipe


def bench_musicgen(configs: dict[str, Any]) -> None:
    import torch
    from transformers import (
        EncodecConfig,
        GenerationConfig,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        T5Config,
    )

    decoder = configs["musicgen_decoder"]
    config = MusicgenConfig(
        text_encoder=T5Config(**configs["musicgen_text_encoder"]).to_dict(),
        audio_encoder=EncodecConfig(**configs["musicgen_audio_encoder"]).to_dict(),
        decoder=MusicgenDecoderConfig(**decoder).to_dict(),
    )
    with torch.device("cuda"):
        model = MusicgenForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=decoder["pad_token_id"],
        pad_token_id=decoder["pad_token_id"],
        bos_token_id=decoder["bos_token_id"],
        do_sample=True,
        guidance_scale=3.0,
        max_length=decoder["max_position_embeddings"],
    )
    model = model.to(torch.float16).eval()
    vocab = configs["musicgen_text_encoder"]["vocab_size"]
    prompt = {
        "input_ids": torch.randint(0, vocab, (1, 16), device="cuda"),
        "attention_mask": torch.ones(1, 16, dtype=torch.long, device="cuda"),
    }
    frame_rate = config.audio_encoder.frame_rate
    tokens = round(MUSIC_SECONDS * frame_rate) + decoder["num_codebooks"] - 1
    audio: list[Any] = []

    def run(new_tokens: int) -> None:
        with torch.inference_mode():
            audio.append(model.generate(**prompt, max_new_tokens=new_tokens))

    print("MusicGen-small: warming up ...", flush=True)
    run(50)
    seconds, _ = _timed(lambda: run(tokens))
    made_s = audio[-1].shape[-1] / config.audio_encoder.sampling_rate
    print(f"  {made_s:.1f} s of audio in {seconds:.1f} s", flush=True)
    print(f"musicgen_realtime_factor={made_s / seconds:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attention-backend", default=None, help="diffusers attention backend")
    parser.add_argument("--no-compile", action="store_true", help="tune without torch.compile")
    args = parser.parse_args()
    if not _cuda_available():
        print("bench/gpu_video.py needs a CUDA GPU (and torch with CUDA); none found, so nothing")
        print("was measured.")
        return
    configs = json.loads(CONFIGS.read_text())
    bench_svd(configs, args.attention_backend, not args.no_compile)
    bench_musicgen(configs)


if __name__ == "__main__":
    main()
