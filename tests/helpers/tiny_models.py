"""Tiny random-weight versions of the GPU backends' models, built once per test session and
saved as model folders, so tests load them through the same `from_pretrained` path production
uses (a local folder as the model id). Nothing is downloaded: the tokenizers are built from
vocabularies written here.

Registered as a pytest plugin by tests/conftest.py; the fixtures skip when torch, diffusers or
transformers is missing.

The tests run these models on the CPU in float32. On a CUDA box,
`SHOTGRAPH_TEST_DIFFUSION_DEVICE=cuda pytest -m gpu_models` runs the same tests on the GPU in half
precision, the way production runs the full-size models.
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TEST_DEVICE = os.environ.get("SHOTGRAPH_TEST_DIFFUSION_DEVICE", "cpu")
"""The torch device the GPU backends' tests run their tiny models on."""


def device_settings() -> dict[str, Any]:
    """The Settings fields that put the GPU backends on TEST_DEVICE. On the CPU the GPU check is
    switched off (no CUDA is looked for); on CUDA it runs as in production."""
    on_cuda = TEST_DEVICE.startswith("cuda")
    return {"diffusion_device": TEST_DEVICE, "gpu_enabled": None if on_cuda else False}


_SKIP_REASON = (
    "the GPU backends' tests need torch, diffusers, transformers and compel (pip install -e .[dev])"
)


def _require_libraries() -> None:
    for name in ("torch", "diffusers", "transformers", "compel"):
        pytest.importorskip(name, reason=_SKIP_REASON)
    require_test_device()


def require_test_device() -> None:
    """Skip a test asked to run on CUDA on a machine where torch sees no CUDA GPU."""
    import torch

    if TEST_DEVICE.startswith("cuda") and not torch.cuda.is_available():
        pytest.skip(f"SHOTGRAPH_TEST_DIFFUSION_DEVICE={TEST_DEVICE}, but torch sees no CUDA GPU")


def _saved(factory: pytest.TempPathFactory, name: str, save: Callable[[Path], None]) -> Path:
    """A tiny model built by `save` into its own folder, once per test session."""
    _require_libraries()
    folder = factory.mktemp("tiny-models") / name
    save(folder)
    return folder


def _clip_tokenizer() -> object:
    from transformers import CLIPTokenizer

    specials = ["<|startoftext|>", "<|endoftext|>"]
    symbols = list(string.ascii_lowercase + string.digits + ",.;:()'-!?")
    tokens = specials + symbols + [f"{s}</w>" for s in symbols] + ["th", "the</w>", "an", "and</w>"]
    merges = [("t", "h"), ("th", "e</w>"), ("a", "n"), ("an", "d</w>")]
    vocab = {token: index for index, token in enumerate(tokens)}
    return CLIPTokenizer(vocab=vocab, merges=merges, model_max_length=77)


def _t5_tokenizer() -> object:
    from transformers import T5Tokenizer

    pieces = ["<pad>", "</s>", "<unk>", "\u2581", *string.ascii_lowercase, ",", ".", ";"]
    pieces += [f"\u2581{word}" for word in ("calm", "music", "film", "story", "score", "the")]
    return T5Tokenizer(vocab=[(piece, -float(i)) for i, piece in enumerate(pieces)], extra_ids=0)


def _tiny_clip_text_config(**extra: Any) -> Any:
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        hidden_size=32,
        intermediate_size=37,
        num_attention_heads=4,
        num_hidden_layers=2,
        vocab_size=1000,
        max_position_embeddings=77,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
        **extra,
    )


def _keyframe_parts(**unet_options: Any) -> dict[str, Any]:
    """The UNet, VAE and scheduler a tiny text-to-image pipeline is made of; `unet_options`
    give the UNet its conditioning (one text encoder, or SDXL's two and the picture size)."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel

    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        **unet_options,
    )
    vae = AutoencoderKL(
        block_out_channels=[32, 32, 64],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D"] * 3,
        up_block_types=["UpDecoderBlock2D"] * 3,
        latent_channels=4,
        layers_per_block=1,
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1
    )
    return {"unet": unet, "vae": vae, "scheduler": scheduler}


def _save_keyframe_model(folder: Path) -> None:
    import torch
    from diffusers import StableDiffusionPipeline
    from transformers import CLIPTextModel

    torch.manual_seed(0)
    pipe = StableDiffusionPipeline(
        **_keyframe_parts(cross_attention_dim=32, attention_head_dim=8),
        text_encoder=CLIPTextModel(_tiny_clip_text_config()),
        tokenizer=_clip_tokenizer(),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)


def _save_sdxl_keyframe_model(folder: Path) -> None:
    """SDXL's shape, as SDXL-Turbo (the default keyframe model) has it: two text encoders, the
    second with a projection, and a UNet conditioned on both and on the picture's size."""
    import torch
    from diffusers import StableDiffusionXLPipeline
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(0)
    parts = _keyframe_parts(
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 2),
        projection_class_embeddings_input_dim=80,  # six size numbers of 8, and 32 pooled
        cross_attention_dim=64,  # both encoders' 32 side by side
    )
    pipe = StableDiffusionXLPipeline(
        **parts,
        text_encoder=CLIPTextModel(_tiny_clip_text_config()),
        text_encoder_2=CLIPTextModelWithProjection(_tiny_clip_text_config(projection_dim=32)),
        tokenizer=_clip_tokenizer(),
        tokenizer_2=_clip_tokenizer(),
    )
    pipe.save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_sdxl_keyframe_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "sdxl-keyframe", _save_sdxl_keyframe_model)


TINY_SVD: dict[str, dict[str, Any]] = {
    "svd_unet": {
        "block_out_channels": [32, 64],
        "layers_per_block": 1,
        "sample_size": 32,
        "in_channels": 8,
        "out_channels": 4,
        "down_block_types": ["DownBlockSpatioTemporal", "CrossAttnDownBlockSpatioTemporal"],
        "up_block_types": ["CrossAttnUpBlockSpatioTemporal", "UpBlockSpatioTemporal"],
        "cross_attention_dim": 32,
        "num_attention_heads": 4,
        "projection_class_embeddings_input_dim": 96,
        "addition_time_embed_dim": 32,
    },
    "svd_vae": {
        "block_out_channels": [32, 32, 64],
        "in_channels": 3,
        "out_channels": 3,
        "down_block_types": ["DownEncoderBlock2D"] * 3,
        "latent_channels": 4,
        "layers_per_block": 1,
    },
    # SVD resizes its conditioning image to 224x224 before the CLIP encoder.
    "svd_image_encoder": {
        "hidden_size": 32,
        "projection_dim": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "image_size": 224,
        "patch_size": 32,
        "intermediate_size": 37,
    },
    "svd_scheduler": {
        "beta_start": 0.00085,
        "beta_end": 0.012,
        "beta_schedule": "scaled_linear",
        "interpolation_type": "linear",
        "prediction_type": "v_prediction",
        "sigma_max": 700.0,
        "sigma_min": 0.002,
        "steps_offset": 1,
        "timestep_spacing": "leading",
        "timestep_type": "continuous",
        "use_karras_sigmas": True,
    },
}
"""The tiny SVD's parts, keyed as bench/gpu_models.json keys the full-size ones."""


def _save_svd_model(folder: Path) -> None:
    import torch
    from diffusers import (
        AutoencoderKLTemporalDecoder,
        EulerDiscreteScheduler,
        StableVideoDiffusionPipeline,
        UNetSpatioTemporalConditionModel,
    )
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        CLIPVisionModelWithProjection,
    )

    torch.manual_seed(0)
    pipe = StableVideoDiffusionPipeline(
        vae=AutoencoderKLTemporalDecoder(**TINY_SVD["svd_vae"]),
        image_encoder=CLIPVisionModelWithProjection(
            CLIPVisionConfig(**TINY_SVD["svd_image_encoder"])
        ),
        unet=UNetSpatioTemporalConditionModel(**TINY_SVD["svd_unet"]),
        scheduler=EulerDiscreteScheduler(**TINY_SVD["svd_scheduler"]),
        feature_extractor=CLIPImageProcessor(crop_size=224, size=224),
    )
    pipe.save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_keyframe_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "keyframe", _save_keyframe_model)


@pytest.fixture(scope="session")
def tiny_svd_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "svd", _save_svd_model)


TINY_MUSIC_RATE = 800
"""Sample rate of the tiny MusicGen's codec: 10 codec frames a second keeps generation quick."""


_CODEBOOK_SIZE = 64
TINY_MUSICGEN: dict[str, dict[str, Any]] = {
    "musicgen_text_encoder": {
        "vocab_size": 64,
        "d_model": 32,
        "d_ff": 37,
        "d_kv": 8,
        "num_layers": 2,
        "num_heads": 4,
    },
    # hop 80 at 800 Hz: 10 frames a second; 0.12 kb/s of 6-bit codes is two codebooks.
    "musicgen_audio_encoder": {
        "sampling_rate": TINY_MUSIC_RATE,
        "upsampling_ratios": [10, 8],
        "target_bandwidths": [0.12],
        "codebook_size": _CODEBOOK_SIZE,
        "hidden_size": 16,
        "num_filters": 8,
        "num_lstm_layers": 1,
    },
    "musicgen_decoder": {
        "vocab_size": _CODEBOOK_SIZE,
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "ffn_dim": 37,
        "num_codebooks": 2,
        "max_position_embeddings": 512,
        "pad_token_id": _CODEBOOK_SIZE,
        "bos_token_id": _CODEBOOK_SIZE,
    },
}
"""The tiny MusicGen's parts, keyed as bench/gpu_models.json keys MusicGen-small's."""


def _save_musicgen_model(folder: Path) -> None:
    import torch
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        GenerationConfig,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
    )

    torch.manual_seed(0)
    config = MusicgenConfig(
        text_encoder=T5Config(**TINY_MUSICGEN["musicgen_text_encoder"]).to_dict(),
        audio_encoder=EncodecConfig(**TINY_MUSICGEN["musicgen_audio_encoder"]).to_dict(),
        decoder=MusicgenDecoderConfig(**TINY_MUSICGEN["musicgen_decoder"]).to_dict(),
    )
    model = MusicgenForConditionalGeneration(config)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=_CODEBOOK_SIZE,
        pad_token_id=_CODEBOOK_SIZE,
        bos_token_id=_CODEBOOK_SIZE,
        do_sample=True,
        max_length=512,
    )
    model.save_pretrained(folder)
    feature_extractor = EncodecFeatureExtractor(
        feature_size=1, sampling_rate=TINY_MUSIC_RATE, padding_value=0.0
    )
    MusicgenProcessor(
        feature_extractor=feature_extractor, tokenizer=_t5_tokenizer()
    ).save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_musicgen_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "musicgen", _save_musicgen_model)


TINY_LTX: dict[str, dict[str, Any]] = {
    "ltx_transformer": {
        "in_channels": 8,
        "out_channels": 8,
        "patch_size": 1,
        "patch_size_t": 1,
        "num_attention_heads": 2,
        "attention_head_dim": 8,
        "cross_attention_dim": 16,
        "num_layers": 1,
        "caption_channels": 32,
    },
    # Four-fold in space and time: 8k+1 frames and sizes in multiples of 32 still divide.
    "ltx_vae": {
        "latent_channels": 8,
        "block_out_channels": [8, 8, 8, 8],
        "decoder_block_out_channels": [8, 8, 8, 8],
        "layers_per_block": [1, 1, 1, 1, 1],
        "decoder_layers_per_block": [1, 1, 1, 1, 1],
        "spatio_temporal_scaling": [True, True, False, False],
        "decoder_spatio_temporal_scaling": [True, True, False, False],
        "decoder_inject_noise": [False, False, False, False, False],
        "upsample_residual": [False, False, False, False],
        "upsample_factor": [1, 1, 1, 1],
        "timestep_conditioning": False,
        "patch_size": 1,
        "patch_size_t": 1,
        "encoder_causal": True,
        "decoder_causal": False,
    },
    "ltx_text_encoder": {
        "vocab_size": 64,
        "d_model": 32,
        "d_ff": 37,
        "d_kv": 8,
        "num_layers": 2,
        "num_heads": 4,
    },
}
"""The tiny LTX-Video's parts, keyed as bench/gpu_models.json keys the full-size ones."""


def _save_ltx_model(folder: Path) -> None:
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(**TINY_LTX["ltx_transformer"])
    vae = AutoencoderKLLTXVideo(**TINY_LTX["ltx_vae"])
    text_encoder = T5EncoderModel(T5Config(**TINY_LTX["ltx_text_encoder"]))
    pipe = LTXPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=_t5_tokenizer(),
        transformer=transformer,
    )
    pipe.save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_ltx_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "ltx", _save_ltx_model)


def _save_ltx_condition_model(folder: Path) -> None:
    """The tiny LTX-Video saved as the condition pipeline the preset path loads (its
    model_index.json names LTXConditionPipeline, as LTX-Video 0.9.5's does)."""
    from diffusers import LTXConditionPipeline, LTXPipeline

    _save_ltx_model(folder)
    LTXConditionPipeline(**LTXPipeline.from_pretrained(folder).components).save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_ltx_condition_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "ltx-condition", _save_ltx_condition_model)


def _byte_level_alphabet() -> list[str]:
    """GPT-2's printable stand-ins for the 256 bytes, the base of Qwen's byte-level BPE."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    printable += range(ord("®"), ord("ÿ") + 1)
    stand_ins = list(printable)
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            stand_ins.append(256 + extra)
            extra += 1
    return [chr(code) for code in stand_ins]


_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _qwen_tokenizer() -> object:
    """A byte-level tokenizer with Qwen's chat template: one token per byte, no merges."""
    from transformers import Qwen2TokenizerFast

    vocab = {symbol: index for index, symbol in enumerate(_byte_level_alphabet())}
    for special in ("<|im_start|>", "<|im_end|>", "<|endoftext|>"):
        vocab[special] = len(vocab)
    tokenizer = Qwen2TokenizerFast(
        vocab=vocab,
        merges=[],
        unk_token=None,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
    )
    tokenizer.chat_template = _CHAT_TEMPLATE
    return tokenizer


# FLUX.2 klein stacks the Qwen3 encoder's layers 9, 18 and 27: the tiny encoder keeps 28
# layers, each 16 wide, so the transformer reads 3 x 16.
TINY_FLUX2_KLEIN: dict[str, dict[str, Any]] = {
    "flux2_transformer": {
        "patch_size": 1,
        "in_channels": 16,
        "num_layers": 1,
        "num_single_layers": 1,
        "attention_head_dim": 16,
        "num_attention_heads": 2,
        "joint_attention_dim": 48,
        "timestep_guidance_channels": 256,
        "axes_dims_rope": [4, 4, 4, 4],
        "guidance_embeds": False,
    },
    "flux2_text_encoder": {
        "intermediate_size": 16,
        "hidden_size": 16,
        "num_hidden_layers": 28,
        "num_attention_heads": 2,
        "num_key_value_heads": 2,
        "head_dim": 8,
        "vocab_size": 260,
        "max_position_embeddings": 1024,
    },
    "flux2_vae": {
        "in_channels": 3,
        "out_channels": 3,
        "down_block_types": ["DownEncoderBlock2D"] * 4,
        "up_block_types": ["UpDecoderBlock2D"] * 4,
        "block_out_channels": [4, 4, 4, 4],
        "layers_per_block": 1,
        "latent_channels": 4,
        "norm_num_groups": 1,
        "use_quant_conv": False,
        "use_post_quant_conv": False,
    },
}
"""The tiny FLUX.2 [klein]'s parts; its VAE downsamples eightfold like the real one, so the
pipeline's sizes (multiples of 16) hold."""


def _save_flux2_klein_model(folder: Path) -> None:
    import torch
    from diffusers import (
        AutoencoderKLFlux2,
        FlowMatchEulerDiscreteScheduler,
        Flux2KleinPipeline,
        Flux2Transformer2DModel,
    )
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(0)
    pipe = Flux2KleinPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=AutoencoderKLFlux2(**TINY_FLUX2_KLEIN["flux2_vae"]),
        text_encoder=Qwen3ForCausalLM(Qwen3Config(**TINY_FLUX2_KLEIN["flux2_text_encoder"])),
        tokenizer=_qwen_tokenizer(),
        transformer=Flux2Transformer2DModel(**TINY_FLUX2_KLEIN["flux2_transformer"]),
        is_distilled=True,
    )
    pipe.save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_flux2_klein_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "flux2-klein", _save_flux2_klein_model)


def _save_wan_ti2v_model(folder: Path) -> None:
    """Wan2.2 TI2V-5B's shape: one transformer reading the image through its latents (no
    CLIP image encoder), timesteps expanded per token, a VAE 16-fold in space and 4 in time."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        UniPCMultistepScheduler,
        WanImageToVideoPipeline,
        WanTransformer3DModel,
    )
    from transformers import UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(
        base_dim=3,
        z_dim=48,
        in_channels=12,
        out_channels=12,
        is_residual=True,
        patch_size=2,
        latents_mean=[0.0] * 48,
        latents_std=[1.0] * 48,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        scale_factor_spatial=16,
        scale_factor_temporal=4,
        temperal_downsample=[False, True, True],
    )
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=48,
        out_channels=48,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    pipe = WanImageToVideoPipeline(
        tokenizer=_t5_tokenizer(),
        text_encoder=UMT5EncoderModel(
            UMT5Config(vocab_size=64, d_model=32, d_ff=37, d_kv=8, num_layers=2, num_heads=4)
        ),
        vae=vae,
        scheduler=UniPCMultistepScheduler(
            prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
        ),
        transformer=transformer,
        expand_timesteps=True,
    )
    pipe.save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_wan_ti2v_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(tmp_path_factory, "wan-ti2v", _save_wan_ti2v_model)
