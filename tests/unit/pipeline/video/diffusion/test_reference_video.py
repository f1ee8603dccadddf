"""The GPU film path (VIDEO_MODEL=preset) on tiny random-weight FLUX.2 [klein] and LTX-Video
models loaded through the production `from_pretrained` path: references reach every keyframe
that shows their character, clips come at the model's native frame rate with no more frames
made than the shot needs (on the model's grid), and a continuing shot starts from the previous
clip's last frames."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.models import Character, Scene, Setting, Shot, ShotRef, ShotType, Transition
from shotgraph.pipeline.gpu.manager import ModelManager
from shotgraph.pipeline.video.diffusion.clips import read_rgb, tail_frames
from shotgraph.pipeline.video.diffusion.image_to_video import pass_lengths
from shotgraph.pipeline.video.diffusion.prompts import continues_previous
from shotgraph.pipeline.video.diffusion.reference_video import (
    DiffusionReferenceMaker,
    ReferenceVideoBackend,
    native_size,
    reference_maker,
)
from shotgraph.pipeline.video.protocol import ShotRender
from tests.helpers.media import probe
from tests.helpers.tiny_models import device_settings

pytestmark = pytest.mark.gpu_models
torch = pytest.importorskip("torch", reason="the diffusion backend's tests need torch")

FOX = Character(name="Fox", description="a small red fox with a paper lantern")
PELL = Character(name="Pell", description="an old grey dog with a limp")
LENGTH_S = 1.0  # 24 frames at LTX-Video's 24 fps


@pytest.fixture
def preset_settings(tiny_flux2_klein_model: Path, tiny_ltx_condition_model: Path) -> Settings:
    return Settings(
        _env_file=None,
        **device_settings(),
        video_backend="diffusion",
        gpu_preset="24gb",
        diffusion_picture_model=str(tiny_flux2_klein_model),
        diffusion_picture_steps=2,
        diffusion_i2v_model=str(tiny_ltx_condition_model),
        diffusion_i2v_steps=2,
        diffusion_i2v_max_frames=17,
        video_resolution="128x64",
    )


def film() -> list[Scene]:
    """A scene of three shots (a take, its continuation, a cut to a close-up of both) and a
    scene with nobody in it."""

    def shot(index: int, kind: ShotType, who: list[str], prompt: str) -> Shot:
        return Shot(
            index=index,
            type=kind,
            duration_s=LENGTH_S,
            visual_prompt=prompt,
            characters=who,
            transition=Transition.CUT,
        )

    hill = Scene(
        index=0,
        setting=Setting(location="the hill"),
        shots=[
            shot(0, ShotType.WIDE, ["Fox"], "Fox trots up the hill"),
            shot(1, ShotType.WIDE, ["Fox"], "Fox reaches the top of the hill"),
            shot(2, ShotType.CLOSE_UP, ["Fox", "Pell"], "Pell takes the lantern in his teeth"),
        ],
    )
    sea = Scene(
        index=1,
        setting=Setting(location="the sea"),
        shots=[shot(0, ShotType.WIDE, [], "waves roll under the moon")],
    )
    return [hill, sea]


def render_of(
    settings: Settings,
    scene: Scene,
    shot: Shot,
    references: dict[str, Path],
    previous: Path | None,
) -> ShotRender:
    cast = [c for c in (FOX, PELL) if c.name in shot.characters]
    return ShotRender(
        ref=ShotRef(scene=scene, shot=shot),
        characters=cast,
        style="storybook",
        seed=3,
        resolution=settings.video_resolution,
        fps=24,
        duration_s=LENGTH_S,
        previous=previous,
        references={c.name: references[c.name] for c in cast if c.name in references},
    )


class Recorder:
    """What reaches a model part: the pictures its encoder is given, the frames a pass decodes."""

    def __init__(self, backend: ReferenceVideoBackend) -> None:
        self.encoded: list[np.ndarray] = []
        self.conditions: list[np.ndarray] = []
        self.decoded_frames: list[int] = []
        picture = backend.painter._pipeline(backend.runtime)
        video = backend.video._pipeline(backend.runtime)
        picture.vae.encoder.register_forward_pre_hook(self._encoded)
        video.vae.decoder.register_forward_pre_hook(self._decoded)
        video.vae.encoder.register_forward_pre_hook(self._condition)
        self.grid = int(video.vae_temporal_compression_ratio)

    def _encoded(self, module: Any, args: tuple[Any, ...]) -> None:
        pixels = args[0][0].permute(1, 2, 0).float().cpu().numpy()
        self.encoded.append(np.clip((pixels + 1) * 127.5, 0, 255))

    def _condition(self, module: Any, args: tuple[Any, ...]) -> None:
        """The frames a pass starts from, as (frames, height, width, 3) on 0..255."""
        pixels = args[0][0].permute(1, 2, 3, 0).float().cpu().numpy()
        self.conditions.append(np.clip((pixels + 1) * 127.5, 0, 255))

    def _decoded(self, module: Any, args: tuple[Any, ...]) -> None:
        latent_frames = args[0].shape[2]
        self.decoded_frames.append((latent_frames - 1) * self.grid + 1)

    def take(self) -> tuple[list[np.ndarray], list[np.ndarray], list[int]]:
        taken = (self.encoded, self.conditions, self.decoded_frames)
        self.encoded, self.conditions, self.decoded_frames = [], [], []
        return taken


def test_a_film_through_the_preset_path(preset_settings: Settings, tmp_path: Path) -> None:
    backend = ReferenceVideoBackend(preset_settings, ModelManager())
    recorder = Recorder(backend)
    maker = DiffusionReferenceMaker(backend)

    # One reference sheet per recurring character, a 3:4 portrait, on the same warm weights
    # the keyframes use.
    assert isinstance(reference_maker(preset_settings), DiffusionReferenceMaker)
    references = {c.name: tmp_path / f"{c.name}.png" for c in (FOX, PELL)}
    for character in (FOX, PELL):
        maker.make(character, "storybook", seed=11, out=references[character.name])
    sheets = {name: read_rgb(path) for name, path in references.items()}
    assert {sheet.shape for sheet in sheets.values()} == {(128, 96, 3)}
    recorder.take()

    needed = math.ceil(LENGTH_S * backend.fps)
    for scene in film():
        previous: Path | None = None
        for shot in scene.shots:
            job = render_of(preset_settings, scene, shot, references, previous)
            keyframe = tmp_path / f"{job.ref.id}.png"
            backend.keyframe(job, keyframe)

            # Every character in the shot reaches its keyframe through its reference image,
            # in the order the prompt names them; a shot with nobody in it is drawn from text.
            encoded, _, _ = recorder.take()
            assert len(encoded) == len(shot.characters)
            for name, pixels in zip(shot.characters, encoded, strict=True):
                assert np.abs(pixels - sheets[name]).max() <= 1.0
            assert read_rgb(keyframe).shape == (64, 128, 3)

            clip = tmp_path / f"{job.ref.id}.mp4"
            approved = job.model_copy(update={"keyframe": keyframe})
            continuing = continues_previous(approved)
            assert continuing == (job.ref.id == "s000-01")
            backend.render(approved, clip)
            _, conditions, decoded = recorder.take()

            # A cut starts from its approved keyframe; a continuation from the last frames of
            # the clip before it (as read back from that clip).
            start = conditions[0]
            if continuing:
                assert previous is not None
                tail = np.stack(tail_frames(previous, recorder.grid + 1))
                assert start.shape == tail.shape
                assert np.abs(start - tail).mean() < 2.0
            else:
                assert start.shape[0] == 1
                assert np.abs(start[0] - read_rgb(keyframe)).mean() < 2.0

            # Native frame rate, exactly the frames the shot needs, and no pass longer than
            # the model's grid requires.
            video = probe(clip).stream("video")
            assert (video.width, video.height, video.fps, video.frames) == (128, 64, 24, needed)
            lead = recorder.grid + 1 if continuing else 0
            assert decoded == pass_lengths(needed, 17, recorder.grid, lead, recorder.grid + 1)
            overlaps = lead + (recorder.grid + 1) * (len(decoded) - 1)
            assert 0 <= sum(decoded) - overlaps - needed < recorder.grid
            previous = clip


def test_pass_lengths_follow_the_grid() -> None:
    assert pass_lengths(24, 121, 8, 0, 9) == [25]  # one pass, one surplus frame
    assert pass_lengths(121, 121, 8, 0, 9) == [121]
    assert pass_lengths(130, 121, 8, 0, 9) == [121, 25]  # 9 repeated, 16 new (7 spare)
    assert pass_lengths(24, 121, 8, 9, 9) == [33]  # a continuation regenerates its lead-in
    assert all(n % 8 == 1 for n in pass_lengths(500, 161, 8, 9, 9))
    assert pass_lengths(24, 81, 4, 1, 1) == [25]  # Wan: one frame carried over


def test_clips_are_made_at_the_models_native_size() -> None:
    from shotgraph.config import Resolution

    assert native_size(Resolution(width=1024, height=576), 768 * 512, 32) == (832, 480)
    assert native_size(Resolution(width=576, height=1024), 768 * 512, 32) == (480, 832)
    assert native_size(Resolution(width=128, height=64), 768 * 512, 32) == (128, 64)


def test_wan_takes_ltx_videos_place_when_named(
    preset_settings: Settings, tiny_wan_ti2v_model: Path, tmp_path: Path
) -> None:
    """DIFFUSION_I2V_MODEL naming a Wan2.2 TI2V model (Apache-2.0) runs the same path: 24 fps,
    the shot's frames on Wan's 4k+1 grid, a continuation started from the last frame."""
    settings = preset_settings.model_copy(
        update={"diffusion_i2v_model": str(tiny_wan_ti2v_model), "diffusion_i2v_max_frames": 13}
    )
    backend = ReferenceVideoBackend(settings, ModelManager())
    assert backend.fps == 24
    scene = film()[0]
    previous: Path | None = None
    for shot in scene.shots[:2]:
        job = render_of(settings, scene, shot, {}, previous)
        clip = tmp_path / f"{job.ref.id}.mp4"
        backend.render(job, clip)
        video = probe(clip).stream("video")
        assert (video.width, video.height, video.fps, video.frames) == (128, 64, 24, 24)
        previous = clip
    assert backend.video.lead_in_frames(backend.runtime) == 1
