"""The MusicGen backend on a tiny random-weight model loaded from a local folder, through the
production settings and `from_pretrained` path, in float32 on the CPU (or on
SHOTGRAPH_TEST_DIFFUSION_DEVICE)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.models import Mood, Scene, Setting, TimeOfDay
from shotgraph.pipeline.audio_files import read_wav, wav_format, write_wav
from shotgraph.pipeline.gpu.manager import ModelManager
from shotgraph.pipeline.music.musicgen import MusicgenMusic, chunk_seconds, music_prompt
from shotgraph.pipeline.music.protocol import PreviousBed
from tests.helpers.tiny_models import TINY_MUSIC_RATE, device_settings

SCENE = Scene(
    index=2,
    setting=Setting(location="the harbour", mood=Mood.TENSE, time_of_day=TimeOfDay.NIGHT),
)


def test_the_prompt_carries_mood_style_and_no_vocals() -> None:
    prompt = music_prompt(SCENE, "watercolour")
    assert prompt.startswith("tense, suspenseful score")
    assert "watercolour story" in prompt
    assert "night in the harbour" in prompt
    assert prompt.endswith("instrumental, no vocals")


def test_long_beds_are_continued_window_by_window() -> None:
    assert chunk_seconds(20, 30, 10) == [20]
    assert chunk_seconds(70, 30, 10) == [30, 20, 20]
    assert chunk_seconds(55, 30, 10) == [30, 20, 5]
    assert chunk_seconds(50, 30, 10, continuing=True) == [20, 20, 10]


def tiny_settings(model: Path, scope: str = "scene") -> Settings:
    return Settings(
        _env_file=None,
        **device_settings(),
        musicgen_model=str(model),
        musicgen_chunk_s=4.0,
        musicgen_context_s=1.5,
        musicgen_scope=scope,
    )


@pytest.fixture
def musicgen(tiny_musicgen_model: Path) -> MusicgenMusic:
    return MusicgenMusic(tiny_settings(tiny_musicgen_model), ModelManager())


@pytest.mark.gpu_models
def test_a_bed_has_the_exact_length_at_the_model_rate(
    musicgen: MusicgenMusic, tmp_path: Path
) -> None:
    bed = tmp_path / "bed.wav"
    musicgen.score(SCENE, 11.3, "storybook", 5, bed)  # one window and three continuations
    info = wav_format(bed)
    assert info is not None
    assert (info.sample_rate, info.channels) == (TINY_MUSIC_RATE, 2)
    assert info.frames == round(11.3 * TINY_MUSIC_RATE)
    samples, _ = read_wav(bed)
    assert np.abs(samples).max() > 0
    assert np.array_equal(samples[:, 0], samples[:, 1])


@pytest.mark.gpu_models
def test_the_same_seed_scores_the_same_bed(musicgen: MusicgenMusic, tmp_path: Path) -> None:
    """Re-running a job reproduces its score (a random codec hears no difference between seeds,
    so only sameness is checked)."""
    first, again = tmp_path / "a.wav", tmp_path / "b.wav"
    musicgen.score(SCENE, 3.0, "storybook", 5, first)
    musicgen.score(SCENE, 3.0, "storybook", 5, again)
    assert first.read_bytes() == again.read_bytes()


@pytest.mark.gpu_models
def test_a_film_score_continues_each_bed_from_the_scene_before(
    tiny_musicgen_model: Path, tmp_path: Path
) -> None:
    musicgen = MusicgenMusic(tiny_settings(tiny_musicgen_model, "film"), ModelManager())
    assert musicgen.continues_scenes
    first, second = tmp_path / "first.wav", tmp_path / "second.wav"
    musicgen.score(SCENE, 3.5, "storybook", 5, first)
    musicgen.score(SCENE, 5.0, "storybook", 5, second, PreviousBed(path=first, end_s=3.0))
    info = wav_format(second)
    assert info is not None
    assert (info.sample_rate, info.frames) == (TINY_MUSIC_RATE, 5 * TINY_MUSIC_RATE)


def test_scene_beds_stand_alone_unless_the_film_is_one_score(tiny_musicgen_model: Path) -> None:
    assert not MusicgenMusic(tiny_settings(tiny_musicgen_model), ModelManager()).continues_scenes


@pytest.mark.gpu_models
def test_a_continued_bed_is_made_from_the_bed_it_continues(
    tiny_musicgen_model: Path, tmp_path: Path
) -> None:
    """A bed continued from the scene before is not the bed made with none; from a bed it
    cannot continue (another sample rate) it is. A lead-in that silently failed to load
    would make all three the same. (The tiny random codec hears no difference between two
    lead-ins, so what is checked is that the lead-in is used at all.)"""
    musicgen = MusicgenMusic(tiny_settings(tiny_musicgen_model, "film"), ModelManager())
    tone = np.sin(2 * np.pi * 220 * np.arange(3 * TINY_MUSIC_RATE) / TINY_MUSIC_RATE)
    stereo = np.repeat((0.5 * tone).astype(np.float32)[:, None], 2, axis=1)
    before, other_rate = tmp_path / "before.wav", tmp_path / "other-rate.wav"
    write_wav(before, stereo, TINY_MUSIC_RATE)
    write_wav(other_rate, stereo, TINY_MUSIC_RATE * 2)

    def continued(previous: Path | None) -> np.ndarray:
        out = tmp_path / f"after-{previous.stem if previous else 'none'}.wav"
        bed = PreviousBed(path=previous, end_s=3.0) if previous else None
        musicgen.score(SCENE, 2.0, "storybook", 5, out, bed)
        return read_wav(out)[0]

    alone = continued(None)
    assert not np.array_equal(continued(before), alone)
    assert np.array_equal(continued(other_rate), alone)
