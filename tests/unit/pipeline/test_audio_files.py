"""16-bit WAV helpers: round trips, clipping, ranges, and refusing what they cannot read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shotgraph.pipeline.audio_files import (
    read_wav,
    read_wav_range,
    wav_format,
    wav_writer,
    write_wav,
)
from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg


def test_a_stereo_signal_survives_a_round_trip(tmp_path: Path) -> None:
    signal = np.stack([np.linspace(-0.5, 0.5, 1000), np.linspace(0.25, -0.25, 1000)], axis=1)
    write_wav(tmp_path / "a.wav", signal, 44_100)
    back, rate = read_wav(tmp_path / "a.wav")
    assert rate == 44_100
    assert back.dtype == np.float32
    assert np.abs(back - signal).max() < 1 / 32767


def test_blocks_append_and_overloud_samples_clip(tmp_path: Path) -> None:
    with wav_writer(tmp_path / "b.wav", 22_050, 1) as writer:
        writer.write(np.full(100, 0.5))
        writer.write(np.array([2.0, -2.0]))
    info = wav_format(tmp_path / "b.wav")
    assert info is not None
    assert (info.sample_rate, info.channels, info.frames) == (22_050, 1, 102)
    assert info.duration_s == 102 / 22_050
    tail = read_wav_range(tmp_path / "b.wav", 99, 10)
    assert tail[:, 0] == pytest.approx([0.5, 1.0, -1.0], abs=1e-4)  # and stops at the end


def test_formats_other_than_16_bit_pcm_are_not_read(tmp_path: Path) -> None:
    run_ffmpeg("-f", "lavfi", "-i", "sine=duration=0.1", "-c:a", "pcm_f32le", tmp_path / "f.wav")
    (tmp_path / "text.wav").write_text("not a wav")
    assert wav_format(tmp_path / "f.wav") is None
    assert wav_format(tmp_path / "text.wav") is None
