"""The diffusion backend end to end on tiny random-weight models loaded from local folders,
through the same settings and `from_pretrained` calls production uses, in float32 on the CPU
(or on SHOTGRAPH_TEST_DIFFUSION_DEVICE)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable, StageFailed
from shotgraph.models import Character, Scene, Setting, Shot, ShotRef, ShotType
from shotgraph.pipeline.gpu.manager import ModelManager, WeightsMissing
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.video.diffusion.backend import DiffusionBackend
from shotgraph.pipeline.video.diffusion.clips import last_frame, read_rgb, source_frame_count
from shotgraph.pipeline.video.diffusion.keyframes import KeyframePainter, KeyframeRequest
from shotgraph.pipeline.video.diffusion.svd import decode_chunk
from shotgraph.pipeline.video.diffusion.text_to_video import LtxVideo, ltx_runtime
from shotgraph.pipeline.video.protocol import ShotRender
from tests.helpers.tiny_models import device_settings

pytestmark = pytest.mark.gpu_models
pytest.importorskip("diffusers", reason="the diffusion backend's tests need torch and diffusers")
torch = pytest.importorskip("torch")

FOX = Character(name="Fox", description="a small red fox carrying a paper lantern")


@pytest.fixture
def diffusion_settings(tiny_keyframe_model: Path, tiny_svd_model: Path) -> Settings:
    return Settings(
        _env_file=None,
        **device_settings(),
        video_model="stable-video-diffusion",
        diffusion_keyframe_model=str(tiny_keyframe_model),
        diffusion_svd_model=str(tiny_svd_model),
        diffusion_svd_frames=4,
        diffusion_svd_steps=2,
        diffusion_svd_fps=3,
        diffusion_decode_chunk_size=2,
        video_resolution="128x64",
    )


def shot_render(settings: Settings, index: int, previous: Path | None = None) -> ShotRender:
    shots = [
        Shot(index=i, type=ShotType.WIDE, duration_s=2.5, visual_prompt="a fox on a hill")
        for i in range(index + 1)
    ]
    scene = Scene(index=0, setting=Setting(location="the hill"), shots=shots)
    return ShotRender(
        ref=ShotRef(scene=scene, shot=scene.shots[index]),
        characters=[FOX],
        style="storybook",
        seed=1,
        resolution=settings.video_resolution,
        fps=12,
        duration_s=2.5,
        previous=previous,
    )


def clip_frames(clip: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(clip))
    frames = []
    while (read := capture.read())[0]:
        frames.append(read[1])
    capture.release()
    return frames


def test_a_shot_becomes_a_clip_at_the_model_rate_and_size(
    diffusion_settings: Settings, tmp_path: Path
) -> None:
    backend = DiffusionBackend(diffusion_settings, ModelManager())
    job = shot_render(diffusion_settings, 0)
    clip = tmp_path / "shot.mp4"
    backend.render(job, clip)

    frames = clip_frames(clip)
    assert len(frames) == source_frame_count(2.5, 3) == 8  # three chained 4-frame passes
    assert all(frame.shape == (64, 128, 3) for frame in frames)
    footage = [frame.copy() for frame in backend.footage(clip, job).frames(30)]
    assert len(footage) == 30
    assert all(frame.shape == (96, 128) for frame in footage)
    roles = [model.key.split(":")[0] for model in backend.manager.loaded()]
    assert sorted(roles) == ["image-to-video", "text-to-image"]


def test_the_next_shot_in_a_scene_starts_from_the_last_frame(
    diffusion_settings: Settings, tmp_path: Path
) -> None:
    backend = DiffusionBackend(diffusion_settings, ModelManager())
    first = tmp_path / "first.mp4"
    backend.render(shot_render(diffusion_settings, 0), first)
    assert backend.keyframe_request(shot_render(diffusion_settings, 0)).init_image is None

    follower = shot_render(diffusion_settings, 1, previous=first)
    request = backend.keyframe_request(follower)
    assert request.init_image is not None
    assert np.array_equal(request.init_image, last_frame(first))
    assert request.prompt.startswith("Fox, a small red fox carrying a paper lantern; ")
    backend.render(follower, tmp_path / "second.mp4")
    assert len(clip_frames(tmp_path / "second.mp4")) == 8


def test_the_storyboard_keyframe_is_painted_once_and_animated(
    diffusion_settings: Settings, tmp_path: Path
) -> None:
    """The storyboard asks for the keyframe; the clip then animates that approved picture
    instead of painting another."""
    manager = ModelManager()
    painter = OutOfMemoryPainter(diffusion_settings, manager, failures=0)
    backend = DiffusionBackend(diffusion_settings, manager, painter=painter)
    job = shot_render(diffusion_settings, 0)
    keyframe = tmp_path / "keyframe.png"
    backend.keyframe(job, keyframe)
    assert read_rgb(keyframe).shape == (64, 128, 3)
    backend.render(job.model_copy(update={"keyframe": keyframe}), tmp_path / "shot.mp4")
    assert len(painter.runtimes) == 1
    assert len(clip_frames(tmp_path / "shot.mp4")) == 8


def test_missing_weights_name_the_model_and_the_fetch_command(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        diffusion_device="cpu",
        video_model="stable-video-diffusion",
        hf_hub_offline=True,
        diffusion_keyframe_model="shotgraph-tests/absent-keyframe-model",
        video_resolution="128x64",
    )
    backend = DiffusionBackend(settings, ModelManager())
    with pytest.raises(WeightsMissing, match="hf download shotgraph-tests/absent-keyframe-model"):
        backend.render(shot_render(settings, 0), tmp_path / "shot.mp4")


def test_without_cuda_the_backend_refuses_to_start() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(BackendUnavailable, match="needs a CUDA GPU"):
        DiffusionBackend(
            Settings(_env_file=None, diffusion_device="cuda", video_model="stable-video-diffusion")
        )


def test_an_unknown_video_model_is_refused() -> None:
    with pytest.raises(BackendUnavailable, match="VIDEO_MODEL=sora"):
        DiffusionBackend(Settings(_env_file=None, diffusion_device="cpu", video_model="sora"))


def test_ltx_video_makes_the_clip_from_text_then_from_the_previous_shot(
    tiny_ltx_model: Path, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        **device_settings(),
        video_model="ltx-video",
        diffusion_t2v_model=str(tiny_ltx_model),
        diffusion_t2v_steps=2,
        diffusion_t2v_frames=12,  # rounded down to LTX's 8k+1: 9
        video_resolution="128x64",
        video_fps=6,
    )
    backend = DiffusionBackend(settings, ModelManager())
    first, second = tmp_path / "first.mp4", tmp_path / "second.mp4"
    backend.render(shot_render(settings, 0), first)
    # The second pass of a shot is animated from the first pass's last frame.
    roles = sorted(m.key.split(":")[0] for m in backend.manager.loaded())
    assert roles == ["image-to-video", "text-to-video"]
    expected_dtype = "bfloat16" if backend.runtime.on_cuda else "float32"
    assert {m.dtype for m in backend.manager.loaded()} == {expected_dtype}

    follower = shot_render(settings, 1, previous=first)
    assert np.array_equal(backend.keyframe_request(follower).init_image, last_frame(first))
    backend.render(follower, second)
    # Its storyboard keyframe: the first frame of a short text-to-video pass.
    backend.keyframe(shot_render(settings, 0), tmp_path / "keyframe.png")
    assert read_rgb(tmp_path / "keyframe.png").shape == (64, 128, 3)
    for clip in (first, second):
        frames = clip_frames(clip)
        assert len(frames) == source_frame_count(2.5, 6) == 15  # two chained 9-frame passes
        assert all(frame.shape == (64, 128, 3) for frame in frames)


def test_ltx_video_runs_in_bfloat16_on_cuda_whatever_the_dtype_setting() -> None:
    half = ModelRuntime(device="cuda", dtype="float16")
    assert ltx_runtime(half).dtype == "bfloat16"
    assert ltx_runtime(half.model_copy(update={"dtype": "bfloat16"})).dtype == "bfloat16"
    assert ltx_runtime(ModelRuntime(device="cpu", dtype="float32")).dtype == "float32"


class OutOfMemoryPainter(KeyframePainter):
    """The real painter, after CUDA has run out of memory on its first `failures` calls."""

    def __init__(self, settings: Settings, manager: ModelManager, failures: int) -> None:
        super().__init__(settings, manager)
        self.failures = failures
        self.runtimes: list[ModelRuntime] = []

    def paint(self, request: KeyframeRequest, runtime: ModelRuntime) -> np.ndarray:
        import torch

        self.runtimes.append(runtime)
        if len(self.runtimes) <= self.failures:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return super().paint(request, runtime)


def test_a_shot_out_of_gpu_memory_is_retried_with_every_memory_saver_for_that_shot_only(
    diffusion_settings: Settings, tmp_path: Path
) -> None:
    manager = ModelManager()
    painter = OutOfMemoryPainter(diffusion_settings, manager, failures=1)
    backend = DiffusionBackend(diffusion_settings, manager, painter=painter)
    backend.render(shot_render(diffusion_settings, 0), tmp_path / "shot.mp4")

    assert [runtime.lowered_for_memory for runtime in painter.runtimes] == [False, True]
    assert painter.runtimes[1].decode_chunk_size == 2
    assert len(clip_frames(tmp_path / "shot.mp4")) == 8
    assert manager.loaded() == []  # the low-memory models are not kept

    # The next shot runs on the fast settings again, with its models warm from then on.
    backend.render(shot_render(diffusion_settings, 1), tmp_path / "next.mp4")
    assert [runtime.lowered_for_memory for runtime in painter.runtimes] == [False, True, False]
    assert manager.loaded()
    assert all(m.key.endswith(":fast") for m in manager.loaded())


def test_svd_decodes_no_frame_alone(diffusion_settings: Settings, tmp_path: Path) -> None:
    """SVD-XT's 25 frames in chunks of 8 would decode the last one, the frame that seeds the
    next pass, on its own; the chunk is shrunk so that every chunk has company."""
    assert decode_chunk(25, 8) == 7
    assert decode_chunk(25, 25) == 25
    assert decode_chunk(5, 2) == 3
    assert decode_chunk(9, 4) == 3
    settings = diffusion_settings.model_copy(
        update={"diffusion_svd_frames": 5, "diffusion_decode_chunk_size": 2}
    )
    backend = DiffusionBackend(settings, ModelManager())
    decoder = backend.animator._pipeline(backend.runtime).vae.decoder
    chunks: list[int] = []
    decoder.register_forward_pre_hook(lambda module, args: chunks.append(args[0].shape[0]))
    backend.render(shot_render(settings, 0), tmp_path / "shot.mp4")
    assert chunks
    assert 1 not in chunks


def test_a_shot_out_of_gpu_memory_twice_fails_the_job(
    diffusion_settings: Settings, tmp_path: Path
) -> None:
    manager = ModelManager()
    painter = OutOfMemoryPainter(diffusion_settings, manager, failures=2)
    backend = DiffusionBackend(diffusion_settings, manager, painter=painter)
    with pytest.raises(StageFailed, match="The visuals stage failed: shot s000-00 ran out of GPU"):
        backend.render(shot_render(diffusion_settings, 0), tmp_path / "shot.mp4")
    assert not (tmp_path / "shot.mp4").exists()


@pytest.mark.parametrize("architecture", ["sd", "sdxl"])
def test_a_keyframe_prompt_past_clips_77_tokens_is_read_whole(
    architecture: str, request: pytest.FixtureRequest, tiny_svd_model: Path
) -> None:
    """Two prompts alike in their first 77 tokens (each letter is a token to the tiny CLIP
    tokenizer) paint different keyframes, from text and over a previous frame: the end of the
    prompt, the shot's own action, is not cut off. SDXL is the default model's architecture."""
    fixture = "tiny_sdxl_keyframe_model" if architecture == "sdxl" else "tiny_keyframe_model"
    settings = Settings(
        _env_file=None,
        **device_settings(),
        video_model="stable-video-diffusion",
        diffusion_keyframe_model=str(request.getfixturevalue(fixture)),
        diffusion_svd_model=str(tiny_svd_model),
    )
    painter = KeyframePainter(settings, ModelManager())
    runtime = ModelRuntime.from_settings(settings)
    lead = "fox, a small red fox carrying a paper lantern; storybook style; " * 2
    start = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)

    for init_image in (None, start):
        dawn, night = (
            painter.paint(
                KeyframeRequest(
                    prompt=lead + f"walking up the hill at {when}",
                    negative_prompt="blurry",
                    seed=5,
                    width=64,
                    height=64,
                    init_image=init_image,
                ),
                runtime,
            )
            for when in ("dawn", "night")
        )
        assert dawn.shape == night.shape == (64, 64, 3)
        assert not np.array_equal(dawn, night)


def test_a_pytorch_attention_kernel_setting_reaches_the_denoisers_attention_only(
    diffusion_settings: Settings, tmp_path: Path
) -> None:
    """SVD's and the keyframe model's UNets call PyTorch's attention directly, where diffusers'
    set_attention_backend does not reach: DIFFUSION_ATTENTION_BACKEND=_native_math must leave
    them PyTorch's math kernel alone while they run. The VAEs keep every kernel (a one-kernel
    choice finds none for their 512-wide head on CUDA), and nothing is changed after."""
    from diffusers.models.attention_processor import Attention

    settings = diffusion_settings.model_copy(update={"diffusion_attention_backend": "_native_math"})
    backend = DiffusionBackend(settings, ModelManager())
    backend.load_models()
    seen: dict[str, set[tuple[bool, bool]]] = {"unet": set(), "vae": set()}

    def recorder(part: str) -> object:
        def record(module: object, args: object) -> None:
            cuda = torch.backends.cuda
            seen[part].add((cuda.math_sdp_enabled(), cuda.flash_sdp_enabled()))

        return record

    pipes = (
        backend.painter._text_to_image(backend.runtime),
        backend.animator._pipeline(backend.runtime),
    )
    for pipe in pipes:
        for part in ("unet", "vae"):
            for attention in (m for m in getattr(pipe, part).modules() if isinstance(m, Attention)):
                attention.register_forward_pre_hook(recorder(part))
    backend.render(shot_render(settings, 0), tmp_path / "shot.mp4")

    assert seen == {"unet": {(True, False)}, "vae": {(True, True)}}
    assert torch.backends.cuda.flash_sdp_enabled()


def test_an_attention_backend_without_masks_is_refused_for_ltx_video(
    tiny_ltx_model: Path,
) -> None:
    """LTX-Video's transformer always passes an attention mask: flash-attn and sage take none,
    so every shot would fail; the worker refuses them at start with the reason."""
    settings = Settings(
        _env_file=None,
        **device_settings(),
        video_model="ltx-video",
        diffusion_t2v_model=str(tiny_ltx_model),
        diffusion_attention_backend="sage",
    )
    with pytest.raises(BackendUnavailable, match="passes an attention mask and sage takes none"):
        DiffusionBackend(settings, ModelManager()).load_models()


def test_a_derived_pipeline_keeps_the_runtime_dtype(tiny_ltx_model: Path) -> None:
    """LTX's image-to-video pipeline is made with from_pipe from the text-to-video one; without
    the runtime's dtype diffusers casts the shared transformer and T5 to float32 (twice the
    memory of bfloat16 at worker start)."""
    settings = Settings(
        _env_file=None, **device_settings(), diffusion_t2v_model=str(tiny_ltx_model)
    )
    video = LtxVideo(settings, ModelManager())
    runtime = ModelRuntime(device="cpu", dtype="bfloat16")
    video.load(runtime)
    derived = video._image_to_video(runtime)
    for module in (derived.transformer, derived.text_encoder, derived.vae):
        assert {p.dtype for p in module.parameters()} == {torch.bfloat16}


def test_an_attention_backend_that_cannot_be_used_is_refused_by_name(
    diffusion_settings: Settings, tmp_path: Path
) -> None:
    settings = diffusion_settings.model_copy(update={"diffusion_attention_backend": "warp-drive"})
    backend = DiffusionBackend(settings, ModelManager())
    with pytest.raises(BackendUnavailable, match="DIFFUSION_ATTENTION_BACKEND=warp-drive cannot"):
        backend.render(shot_render(settings, 0), tmp_path / "shot.mp4")
