"""16-bit PCM WAV files: what the offline narrator and the synth write, and what the mix reads.

The standard library's `wave` does the container; numpy does the samples. Writing goes block by
block and reading takes any range, so a ten-minute bed never sits in memory as one float array.
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from pydantic import BaseModel

_INT16_SCALE = 32767.0


class WavFormat(BaseModel):
    """What the mix needs to know about a WAV before reading it."""

    sample_rate: int
    channels: int
    frames: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples on a -1..1 scale as 16-bit PCM, clipped rather than wrapped."""
    return np.clip(np.rint(samples * _INT16_SCALE), -_INT16_SCALE, _INT16_SCALE).astype("<i2")


class WavWriter:
    """Appends blocks of float samples, shaped (frames, channels) or (frames,) for mono."""

    def __init__(self, file: wave.Wave_write) -> None:
        self._file = file

    def write(self, samples: np.ndarray) -> None:
        self._file.writeframes(to_int16(samples).tobytes())


@contextmanager
def wav_writer(path: Path, sample_rate: int, channels: int) -> Iterator[WavWriter]:
    with wave.open(str(path), "wb") as file:
        file.setnchannels(channels)
        file.setsampwidth(2)
        file.setframerate(sample_rate)
        yield WavWriter(file)


def write_wav(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write a whole signal at once: float (frames, channels), or (frames,) for mono."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    with wav_writer(path, sample_rate, channels) as writer:
        writer.write(samples)


def wav_format(path: Path) -> WavFormat | None:
    """The format of a 16-bit PCM WAV, or None for anything else (float, 24-bit, not a WAV)."""
    try:
        with wave.open(str(path), "rb") as file:
            if file.getsampwidth() != 2:
                return None
            return WavFormat(
                sample_rate=file.getframerate(),
                channels=file.getnchannels(),
                frames=file.getnframes(),
            )
    except (wave.Error, EOFError):
        return None


def read_wav_range(path: Path, first: int, count: int) -> np.ndarray:
    """Frames [first, first + count) of a 16-bit WAV as float32 (frames, channels), -1..1;
    fewer if the file ends sooner."""
    with wave.open(str(path), "rb") as file:
        channels = file.getnchannels()
        file.setpos(first)
        raw = file.readframes(count)
    return np.frombuffer(raw, dtype="<i2").reshape(-1, channels).astype(np.float32) / _INT16_SCALE


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A whole 16-bit WAV as float32 (frames, channels) and its sample rate (for short clips)."""
    info = wav_format(path)
    if info is None:
        raise ValueError(f"{path} is not a 16-bit PCM WAV")
    return read_wav_range(path, 0, info.frames), info.sample_rate
