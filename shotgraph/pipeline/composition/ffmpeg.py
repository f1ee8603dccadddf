"""Finding and running ffmpeg. The `imageio-ffmpeg` wheel ships a full static build (libx264,
AAC, libass, loudnorm, sidechaincompress), so no system package is needed; FFMPEG_BINARY in the
environment overrides it, as imageio-ffmpeg documents."""

from __future__ import annotations

import logging
import subprocess
from functools import cache
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from shotgraph.errors import BackendUnavailable

log = logging.getLogger(__name__)

# Keep this much of ffmpeg's stderr for the log when it fails.
_STDERR_TAIL = 2000


class FfmpegFailed(RuntimeError):
    """ffmpeg exited with an error; a bug or a broken input, never a user's fault."""


@cache
def ffmpeg_exe() -> str:
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise BackendUnavailable(
            "ffmpeg was not found: reinstall the imageio-ffmpeg package or set FFMPEG_BINARY"
        ) from exc


def ffmpeg_command(*args: str | Path) -> list[str]:
    """An ffmpeg command line that overwrites its output and prints only errors."""
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *map(str, args)]


def run_ffmpeg(*args: str | Path, stdin: bytes | None = None) -> None:
    """Run ffmpeg to completion (fed `stdin`, if given), raising FfmpegFailed with the tail of
    its stderr."""
    command = ffmpeg_command(*args)
    log.debug("ffmpeg %s", " ".join(command[1:]))
    done = subprocess.run(command, input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")[-_STDERR_TAIL:]
        raise FfmpegFailed(f"ffmpeg exited {done.returncode}: {stderr}")


def decode_audio(data: bytes, sample_rate: int) -> np.ndarray:
    """Compressed audio (MP3, say) in memory, decoded to 16-bit mono samples at `sample_rate`."""
    command = ffmpeg_command(
        "-i", "pipe:0", "-f", "s16le", "-ac", "1", "-ar", str(sample_rate), "pipe:1"
    )
    done = subprocess.run(command, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")[-_STDERR_TAIL:]
        raise FfmpegFailed(f"ffmpeg could not decode the audio: {stderr}")
    return np.frombuffer(done.stdout, dtype="<i2")


def ffmpeg_version() -> str:
    out = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, text=True, check=True)
    return out.stdout.split("\n", 1)[0]
