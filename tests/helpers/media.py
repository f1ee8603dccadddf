"""Reading back what we rendered, through libav (PyAV): the same demuxers and decoders ffprobe
uses, without needing an ffprobe binary on the machine."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from pydantic import BaseModel


class StreamInfo(BaseModel):
    kind: str
    codec: str
    width: int = 0
    height: int = 0
    fps: float = 0.0
    sample_rate: int = 0
    channels: int = 0
    language: str | None = None
    frames: int = 0


class MediaInfo(BaseModel):
    duration_s: float
    streams: list[StreamInfo]

    def stream(self, kind: str) -> StreamInfo:
        return next(s for s in self.streams if s.kind == kind)


def probe(path: Path) -> MediaInfo:
    with av.open(str(path)) as container:
        streams = []
        for stream in container.streams:
            info = StreamInfo(
                kind=stream.type,
                codec=stream.codec_context.name,
                language=stream.metadata.get("language"),
                frames=stream.frames,
            )
            if stream.type == "video":
                rate = stream.average_rate or Fraction(0)
                info.width, info.height, info.fps = stream.width, stream.height, float(rate)
            elif stream.type == "audio":
                info.sample_rate = stream.sample_rate
                info.channels = stream.codec_context.channels
            streams.append(info)
        return MediaInfo(duration_s=container.duration / av.time_base, streams=streams)


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """The decoded RGB frame shown at `seconds`."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise ValueError(f"{path} has no frame at {seconds}s")


def audio_rms(path: Path, start_s: float = 0.0, end_s: float | None = None) -> float:
    """Root mean square of the first audio stream between two times, on a 0..1 scale."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        chunks = []
        for frame in container.decode(stream):
            if frame.time is None or frame.time < start_s:
                continue
            if end_s is not None and frame.time > end_s:
                break
            chunks.append(frame.to_ndarray().astype(np.float64).ravel())
    samples = np.concatenate(chunks) if chunks else np.zeros(1)
    return float(np.sqrt(np.mean(samples**2)))
