"""The procedural score: real renders, read back and measured."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from shotgraph.models import Mood, Scene, Setting
from shotgraph.pipeline.audio_files import read_wav, wav_format
from shotgraph.pipeline.music.instruments import SAMPLE_RATE
from shotgraph.pipeline.music.synth import FADE_S, SynthMusic, plan_score

SECONDS = 16.0


def _scene(mood: Mood, index: int = 0) -> Scene:
    return Scene(index=index, setting=Setting(location="the hill", mood=mood))


@pytest.fixture(scope="module")
def beds(tmp_path_factory: pytest.TempPathFactory) -> dict[Mood, np.ndarray]:
    """Every mood scored once for the module; each bed as float (frames, 2)."""
    folder = tmp_path_factory.mktemp("beds")
    rendered = {}
    for mood in Mood:
        out = folder / f"{mood}.wav"
        SynthMusic().score(_scene(mood), SECONDS, "storybook", 7, out)
        rendered[mood] = read_wav(out)[0]
    return rendered


def _spectrum(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mono = samples.mean(axis=1) * np.hanning(samples.shape[0])
    return np.fft.rfftfreq(samples.shape[0], 1 / SAMPLE_RATE), np.abs(np.fft.rfft(mono))


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples**2)))


def test_writes_stereo_16_bit_of_exactly_the_asked_length(tmp_path: Path) -> None:
    out = tmp_path / "bed.wav"
    SynthMusic().score(_scene(Mood.CALM), 7.3333, "storybook", 1, out)
    info = wav_format(out)
    assert info is not None
    assert (info.sample_rate, info.channels, info.frames) == (44_100, 2, round(7.3333 * 44_100))


@pytest.mark.parametrize("mood", list(Mood))
def test_every_mood_is_audible_and_never_clips(beds: dict[Mood, np.ndarray], mood: Mood) -> None:
    bed = beds[mood]
    assert 0.03 < _rms(bed) < 0.3
    assert np.abs(bed).max() < 0.99
    # Faded in and out: the first and last samples are near silence.
    edge = round(0.05 * SAMPLE_RATE)
    assert _rms(bed[:edge]) < 0.1 * _rms(bed)
    assert _rms(bed[-edge:]) < 0.1 * _rms(bed)
    # Stereo, but not two copies of one channel.
    assert not np.allclose(bed[:, 0], bed[:, 1], atol=1e-3)


@pytest.mark.parametrize("mood", list(Mood))
def test_several_pitches_sound_together(beds: dict[Mood, np.ndarray], mood: Mood) -> None:
    """A chord, not a sine: within one second, strong spectral peaks on three pitch classes."""
    middle = round(SECONDS / 2 * SAMPLE_RATE)
    freqs, spectrum = _spectrum(beds[mood][middle : middle + SAMPLE_RATE])
    band = (freqs > 60) & (freqs < 2000)
    freqs, spectrum = freqs[band], spectrum[band]
    peaks = (spectrum[1:-1] > spectrum[:-2]) & (spectrum[1:-1] > spectrum[2:])
    strong = peaks & (spectrum[1:-1] > 0.1 * spectrum.max())
    pitch_classes = {round(12 * np.log2(f / 440.0)) % 12 for f in freqs[1:-1][strong]}
    assert len(pitch_classes) >= 3


def test_the_music_moves_from_chord_to_chord(beds: dict[Mood, np.ndarray]) -> None:
    """The spectrum one chord later is a different one."""
    plan = plan_score(_scene(Mood.JOYFUL), SECONDS, "storybook", 7)
    bed = beds[Mood.JOYFUL]
    bar = plan.bar_frames
    windows = [bed[start : start + SAMPLE_RATE // 2] for start in (bar, 2 * bar)]
    first, second = (_spectrum(window)[1][:2000] for window in windows)
    correlation = np.dot(first, second) / (np.linalg.norm(first) * np.linalg.norm(second))
    assert correlation < 0.8


def test_joyful_is_brighter_and_faster_than_tense(beds: dict[Mood, np.ndarray]) -> None:
    def centroid(samples: np.ndarray) -> float:
        freqs, spectrum = _spectrum(samples)
        return float(np.sum(freqs * spectrum) / np.sum(spectrum))

    body = slice(round(FADE_S * SAMPLE_RATE), -round(FADE_S * SAMPLE_RATE))
    assert centroid(beds[Mood.JOYFUL][body]) > 1.3 * centroid(beds[Mood.TENSE][body])
    joyful = plan_score(_scene(Mood.JOYFUL), SECONDS, "storybook", 7)
    tense = plan_score(_scene(Mood.TENSE), SECONDS, "storybook", 7)
    sad = plan_score(_scene(Mood.SAD), SECONDS, "storybook", 7)
    assert joyful.beat_frames < tense.beat_frames < sad.beat_frames
    assert (joyful.style.mode, tense.style.mode) == ("major", "harmonic_minor")


def test_same_scene_and_seed_give_the_same_file(tmp_path: Path) -> None:
    music = SynthMusic()
    paths = [tmp_path / name for name in ("a.wav", "b.wav", "c.wav", "d.wav")]
    music.score(_scene(Mood.MYSTERIOUS), 6.0, "storybook", 3, paths[0])
    music.score(_scene(Mood.MYSTERIOUS), 6.0, "storybook", 3, paths[1])
    music.score(_scene(Mood.MYSTERIOUS), 6.0, "storybook", 4, paths[2])
    music.score(_scene(Mood.MYSTERIOUS, index=1), 6.0, "storybook", 3, paths[3])
    blobs = [path.read_bytes() for path in paths]
    assert blobs[0] == blobs[1]
    assert blobs[0] != blobs[2]  # another seed
    assert blobs[0] != blobs[3]  # another scene


def test_a_ten_minute_bed_takes_seconds(tmp_path: Path) -> None:
    started = time.perf_counter()
    SynthMusic().score(_scene(Mood.TRIUMPHANT), 600.0, "storybook", 0, tmp_path / "long.wav")
    assert time.perf_counter() - started < 6.0  # about 0.6 s on two cores
    info = wav_format(tmp_path / "long.wav")
    assert info is not None
    assert info.frames == 600 * 44_100


def test_a_very_short_bed_still_fades(tmp_path: Path) -> None:
    out = tmp_path / "short.wav"
    SynthMusic().score(_scene(Mood.SAD), 1.2, "storybook", 0, out)
    bed, _ = read_wav(out)
    assert bed.shape[0] == round(1.2 * SAMPLE_RATE)
    assert np.abs(bed[:10]).max() < 0.01
    assert np.abs(bed[-10:]).max() < 0.01
    assert _rms(bed) > 0.005
