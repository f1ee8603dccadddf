"""A whole film through the orchestrator with the GPU backends (diffusion video and MusicGen)
running tiny random-weight models on the CPU (or on SHOTGRAPH_TEST_DIFFUSION_DEVICE), chosen by
settings as production chooses them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.models import ShotPlan, StoryRequest
from shotgraph.pipeline.audio_files import wav_format
from shotgraph.pipeline.backends import build_backends
from shotgraph.pipeline.gpu.manager import ModelManager, process_models
from shotgraph.pipeline.gpu.runtime import ModelRuntime
from shotgraph.pipeline.music.musicgen import MusicgenMusic
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.pipeline.stages.storyboard import recurring_characters
from shotgraph.pipeline.video.diffusion.backend import DiffusionBackend
from shotgraph.pipeline.video.diffusion.clips import read_rgb
from shotgraph.pipeline.video.diffusion.keyframes import KeyframePainter, KeyframeRequest
from shotgraph.pipeline.video.diffusion.reference_video import (
    DiffusionReferenceMaker,
    ReferenceVideoBackend,
)
from shotgraph.queue.pipeline_process import PipelineFailed, PipelineProcess
from tests.helpers.media import probe
from tests.helpers.tiny_models import TEST_DEVICE, TINY_MUSIC_RATE, device_settings

pytestmark = [pytest.mark.slow, pytest.mark.gpu_models]
torch = pytest.importorskip("torch", reason="the GPU backends' tests need torch")

STORY = """The Lantern

Mara ran up the green hill at dawn with her paper lantern. The wind was strong and cold.

"Hold the lantern high," said Tom. Mara laughed and lifted it to the sky.

That night the storm came to the village. Tom watched the rain from the kitchen window.
"""


class RecordingPainter(KeyframePainter):
    """The real painter, keeping every request it was given, in order."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, process_models())
        self.requests: list[KeyframeRequest] = []

    def paint(self, request: KeyframeRequest, runtime: ModelRuntime) -> np.ndarray:
        self.requests.append(request)
        return super().paint(request, runtime)


@pytest.fixture
def gpu_settings(
    tmp_path: Path,
    tiny_sdxl_keyframe_model: Path,
    tiny_svd_model: Path,
    tiny_musicgen_model: Path,
) -> Settings:
    return Settings(
        _env_file=None,
        **device_settings(),
        storage_path=tmp_path / "output",
        video_backend="diffusion",
        video_model="stable-video-diffusion",
        music_backend="musicgen",
        diffusion_keyframe_model=str(tiny_sdxl_keyframe_model),  # SDXL-Turbo's architecture
        diffusion_svd_model=str(tiny_svd_model),
        diffusion_svd_frames=4,
        diffusion_svd_steps=1,
        diffusion_svd_fps=2,
        musicgen_model=str(tiny_musicgen_model),
        musicgen_chunk_s=6.0,
        musicgen_context_s=2.0,
        musicgen_scope="film",
        video_resolution="128x64",
        video_fps=12,
    )


async def test_a_story_renders_with_diffusion_and_musicgen(gpu_settings: Settings) -> None:
    backends = build_backends(gpu_settings)
    assert isinstance(backends.video, DiffusionBackend)
    assert isinstance(backends.music, MusicgenMusic)
    painter = RecordingPainter(gpu_settings)
    backends = dataclasses.replace(backends, video=DiffusionBackend(gpu_settings, painter=painter))

    result = await Orchestrator(gpu_settings, backends).run(StoryRequest(story=STORY, seed=2))

    assert (result.backends["video"], result.backends["music"]) == ("diffusion", "musicgen")
    picture = probe(gpu_settings.storage_path / result.files.video).stream("video")
    assert (picture.width, picture.height, picture.fps) == (128, 64, 12)

    job = gpu_settings.storage_path / "jobs" / result.job_id
    plan = ShotPlan.model_validate_json((gpu_settings.storage_path / result.files.plan).read_text())
    refs = list(plan.shots())
    assert len(plan.scenes) >= 2
    # The storyboard paints every keyframe, from its prompt, before any clip exists; each clip
    # then animates its approved keyframe.
    assert len(painter.requests) == len(refs)
    for ref, request in zip(refs, painter.requests, strict=True):
        assert request.init_image is None
        for name in ref.shot.characters:
            character = plan.character(name)
            if character is not None and character.description:
                assert character.description.rstrip(".") in request.prompt
    first = next(iter(sorted((job / "visuals").glob(f"{refs[0].id}.*.mp4"))))
    assert first.is_file()

    beds = sorted((job / "music").glob("scene-*.wav"))
    assert len(beds) == len(plan.scenes)
    assert all(wav_format(bed).sample_rate == TINY_MUSIC_RATE for bed in beds)


def test_every_model_is_loaded_before_the_first_job(gpu_settings: Settings) -> None:
    manager = ModelManager()
    backends = dataclasses.replace(
        build_backends(gpu_settings),
        video=DiffusionBackend(gpu_settings, manager=manager),
        music=MusicgenMusic(gpu_settings, manager=manager),
    )
    assert manager.loaded() == []

    backends.load_models()

    keys = " ".join(model.key for model in manager.loaded())
    for model in ("text-to-image", "image-to-image", "image-to-video", "music"):
        assert model in keys
    assert {model.device for model in manager.loaded()} == {TEST_DEVICE}


async def test_a_worker_whose_weights_are_missing_says_which_and_how_to_fetch_them(
    gpu_settings: Settings, tmp_path: Path
) -> None:
    missing = gpu_settings.model_copy(update={"diffusion_svd_model": "someone/not-downloaded"})
    missing = missing.model_copy(update={"hf_hub_offline": True})
    pipeline = PipelineProcess(missing)
    with pytest.raises(PipelineFailed) as failed:
        await pipeline.start()
    assert failed.value.user_message is not None
    assert "someone/not-downloaded" in failed.value.user_message
    assert "download" in failed.value.user_message
    assert not pipeline.alive


async def test_a_started_pipeline_process_reports_the_models_it_holds(
    gpu_settings: Settings,
) -> None:
    pipeline = PipelineProcess(gpu_settings)
    try:
        await pipeline.start()
        assert pipeline.models is not None
        keys = " ".join(model.key for model in pipeline.models.models)
        for role in ("text-to-image", "image-to-image", "image-to-video", "music"):
            assert role in keys
        assert {model.device for model in pipeline.models.models} == {TEST_DEVICE}
        assert (pipeline.models.gpu is not None) == TEST_DEVICE.startswith("cuda")
    finally:
        await pipeline.close()


async def test_a_story_renders_through_the_preset_path(
    tmp_path: Path, tiny_flux2_klein_model: Path, tiny_ltx_condition_model: Path
) -> None:
    """VIDEO_MODEL=preset (the default) end to end, storyboard included: one reference sheet per
    recurring character in the result, each reaching the keyframe of every shot that shows
    that character, every clip at the image-to-video model's native 24 fps, a valid film."""
    settings = Settings(
        _env_file=None,
        **device_settings(),
        storage_path=tmp_path / "output",
        video_backend="diffusion",
        music_backend="synth",
        gpu_preset="24gb",
        diffusion_picture_model=str(tiny_flux2_klein_model),
        diffusion_picture_steps=1,
        diffusion_i2v_model=str(tiny_ltx_condition_model),
        diffusion_i2v_steps=1,
        diffusion_i2v_max_frames=97,
        video_resolution="128x64",
        video_fps=12,
    )
    backends = build_backends(settings)
    assert isinstance(backends.video, ReferenceVideoBackend)
    assert isinstance(backends.references, DiffusionReferenceMaker)
    # What the picture model's VAE encodes: the reference images handed to a keyframe.
    encoded: list[np.ndarray] = []
    picture = backends.video.painter._pipeline(backends.video.runtime)

    def record(module: object, args: tuple[torch.Tensor, ...]) -> None:
        pixels = args[0][0].permute(1, 2, 0).float().cpu().numpy()
        encoded.append(np.clip((pixels + 1) * 127.5, 0, 255))

    picture.vae.encoder.register_forward_pre_hook(record)

    result = await Orchestrator(settings, backends).run(StoryRequest(story=STORY, seed=4))

    assert result.storyboard is not None
    plan = result.storyboard.plan
    sheets = {
        name: read_rgb(settings.storage_path / path)
        for name, path in result.storyboard.references.items()
    }
    assert set(sheets) == {c.name for c in recurring_characters(plan)}
    assert sheets
    expected = [
        (ref.id, c.name)
        for ref in plan.shots()
        for c in plan.characters
        if c.name in ref.shot.characters and c.name in sheets
    ]
    assert len(encoded) == len(expected)
    for (shot, name), pixels in zip(expected, encoded, strict=True):
        assert np.abs(pixels - sheets[name]).max() <= 1.0, (shot, name)

    film = probe(settings.storage_path / result.files.video)
    picture_stream = film.stream("video")
    assert (picture_stream.width, picture_stream.height, picture_stream.fps) == (128, 64, 12)
    clips = sorted((settings.storage_path / "jobs" / result.job_id / "visuals").glob("*.mp4"))
    assert len(clips) == plan.shot_count
    for clip in clips:
        video = probe(clip).stream("video")
        assert (video.width, video.height, video.fps) == (128, 64, 24)
    assert film.duration_s > 5
