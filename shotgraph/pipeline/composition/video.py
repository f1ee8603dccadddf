"""The picture of the film: every frame, in order, streamed into one libx264 encoder.

Frames stay in I420 from the backend to the encoder's stdin; transitions are blended in I420
(a linear mix of YUV is the same mix of RGB), and the film is never held in memory: each shot's
frames are made while the encoder eats the previous ones. The only costs per frame are the
backend's warp, a blend where two shots or black meet, and the pipe write.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import cv2
import numpy as np
from pydantic import BaseModel

from shotgraph.config import Resolution, Settings
from shotgraph.models import Transition
from shotgraph.pipeline.composition.cards import Card, card_footage
from shotgraph.pipeline.composition.ffmpeg import FfmpegFailed, ffmpeg_command
from shotgraph.pipeline.composition.timeline import TRANSITION_S, Segment, Timeline
from shotgraph.pipeline.video.protocol import ShotFootage, YuvFrame
from shotgraph.pipeline.video.text import fonts_dir
from shotgraph.pipeline.video.yuv import black_frame, frame_shape, new_frame

log = logging.getLogger(__name__)

FrameProgress = Callable[[int, int], None]
"""Called with (frames done, total frames) while the film encodes."""

_PROGRESS_INTERVAL_S = 0.25
# Linux lets a pipe hold more than its default 64 KiB; a whole frame in flight saves switches.
_F_SETPIPE_SZ = 1031
_STDERR_TAIL = 2000
_THUMBNAIL_QUALITY = 88
# The subtitles to burn are copied beside ffmpeg under this name and their own suffix
# (.srt or .ass: libass reads both).
_BURN_STEM = "subtitles"


class EncoderSettings(BaseModel):
    """How libx264 encodes the film; also what the benchmark's encode-only floor uses."""

    fps: int
    preset: str = "superfast"
    crf: int = 21
    keyframe_interval_s: float = 2.0

    @classmethod
    def from_settings(cls, settings: Settings) -> EncoderSettings:
        return cls(
            fps=settings.video_fps,
            preset=settings.video_preset or "superfast",
            crf=settings.video_crf,
        )

    def x264_args(self) -> list[str]:
        """Output options for an H.264 stream any player takes: yuv420p, BT.601 as cv2
        converts, a keyframe at least every `keyframe_interval_s` for seeking."""
        gop = max(1, round(self.fps * self.keyframe_interval_s))
        return [
            "-c:v", "libx264", "-preset", self.preset, "-crf", str(self.crf),
            "-g", str(gop), "-threads", "0", "-pix_fmt", "yuv420p",
            "-colorspace", "smpte170m", "-color_range", "tv", "-r", str(self.fps),
        ]  # fmt: skip


class EncodedVideo(BaseModel):
    path: Path
    thumbnail: Path
    frame_count: int
    width: int
    height: int
    fps: int


def encode_film(
    timeline: Timeline,
    shots: Mapping[str, ShotFootage],
    title: Card,
    end: Card,
    resolution: Resolution,
    encoder: EncoderSettings,
    out: Path,
    thumbnail: Path,
    progress: FrameProgress | None = None,
    burn_subtitles: Path | None = None,
) -> EncodedVideo:
    """Write the film's picture (no sound) to `out`, and a JPEG of its first shot to `thumbnail`.

    `burn_subtitles`, an SRT file, is drawn into the picture by ffmpeg's libass renderer while
    encoding, which costs far less than a second encode at mux time.
    """
    width, height = resolution.width, resolution.height
    footage: dict[str, ShotFootage] = {
        "title": card_footage(title, resolution),
        "end": card_footage(end, resolution),
        **shots,
    }
    total = timeline.total_frames
    thumbnail_frame = _thumbnail_frame(timeline)
    frames = _film_frames(timeline, footage, width, height)
    with _Encoder(resolution, encoder, out, burn_subtitles) as sink:
        reported = 0.0
        for index, frame in enumerate(frames):
            sink.write(frame)
            if index == thumbnail_frame:
                _save_thumbnail(frame, thumbnail)
            now = time.monotonic()
            if progress is not None and now - reported >= _PROGRESS_INTERVAL_S:
                progress(index + 1, total)
                reported = now
    if progress is not None:
        progress(total, total)
    return EncodedVideo(
        path=out,
        thumbnail=thumbnail,
        frame_count=total,
        width=width,
        height=height,
        fps=encoder.fps,
    )


def _segment_key(segment: Segment) -> str:
    return segment.shot_id if segment.kind == "shot" and segment.shot_id else segment.kind


def _thumbnail_frame(timeline: Timeline) -> int:
    """The middle of the first shot: it shows the film's world, not a card."""
    shots = timeline.shot_segments()
    if not shots:
        return timeline.total_frames // 2
    return shots[0].start_frame + shots[0].frame_count // 2


def _film_frames(
    timeline: Timeline, footage: Mapping[str, ShotFootage], width: int, height: int
) -> Iterator[YuvFrame]:
    """Every frame of the film in order. A yielded buffer is valid until the next one."""
    segments = sorted(timeline.segments, key=lambda s: s.start_frame)
    edge_fade = max(1, round(TRANSITION_S * timeline.fps))
    gains = [_gains(segments, i, edge_fade) for i in range(len(segments))]
    black = black_frame(width, height)
    mixed = new_frame(width, height)
    running: list[tuple[int, Iterator[YuvFrame]]] = []
    upcoming = 0
    for index in range(timeline.total_frames):
        while upcoming < len(segments) and segments[upcoming].start_frame == index:
            segment = segments[upcoming]
            running.append((upcoming, footage[_segment_key(segment)].frames(segment.frame_count)))
            upcoming += 1
        layers = []
        for position, frames in running:
            segment = segments[position]
            frame = next(frames, None)
            if frame is None:
                raise ValueError(f"the footage of {_segment_key(segment)} ran out of frames")
            layers.append((segment, frame, gains[position](index - segment.start_frame)))
        if not layers:
            yield black
        elif len(layers) == 1:
            segment, frame, gain = layers[0]
            if gain >= 1.0:
                yield frame
            else:
                cv2.addWeighted(frame, gain, black, 1.0 - gain, 0.0, dst=mixed)
                yield mixed
        else:
            (_, outgoing, _), (incoming_segment, incoming, _) = layers[-2], layers[-1]
            step = index - incoming_segment.start_frame + 1
            share = step / (incoming_segment.transition_frames + 1)
            cv2.addWeighted(outgoing, 1.0 - share, incoming, share, 0.0, dst=mixed)
            yield mixed
        running = [(p, f) for p, f in running if segments[p].end_frame > index + 1]


def _gains(segments: list[Segment], position: int, edge_fade: int) -> Callable[[int], float]:
    """Brightness of a segment's n-th frame: fades through black at FADE_BLACK transitions,
    and from and to black at the very start and end of the film."""
    segment = segments[position]
    following = segments[position + 1] if position + 1 < len(segments) else None
    fade_in = segment.transition_frames if segment.transition_in is Transition.FADE_BLACK else 0
    if position == 0:
        fade_in = edge_fade
    if following is None:
        fade_out = edge_fade
    elif following.transition_in is Transition.FADE_BLACK:
        fade_out = following.transition_frames
    else:
        fade_out = 0
    fade_in, fade_out = min(fade_in, segment.frame_count), min(fade_out, segment.frame_count)

    def gain(n: int) -> float:
        level = 1.0
        if n < fade_in:
            level = (n + 1) / (fade_in + 1)
        left = segment.frame_count - n
        if left <= fade_out:
            level = min(level, left / (fade_out + 1))
        return level

    return gain


def _save_thumbnail(frame: YuvFrame, path: Path) -> None:
    bgr = cv2.cvtColor(frame, cv2.COLOR_YUV2BGR_I420)
    if not cv2.imwrite(str(path), bgr, [cv2.IMWRITE_JPEG_QUALITY, _THUMBNAIL_QUALITY]):
        raise OSError(f"could not write the thumbnail {path}")


class _Encoder:
    """One ffmpeg process reading raw I420 frames on stdin and writing an H.264 MP4."""

    def __init__(
        self,
        resolution: Resolution,
        encoder: EncoderSettings,
        out: Path,
        burn_subtitles: Path | None,
    ) -> None:
        self.resolution = resolution
        self.encoder = encoder
        self.out = out.resolve()
        self.burn_subtitles = burn_subtitles
        suffix = burn_subtitles.suffix if burn_subtitles is not None else ".srt"
        self._burn_name = _BURN_STEM + suffix
        self.shape = frame_shape(resolution.width, resolution.height)
        self.frame_bytes = self.shape[0] * self.shape[1]

    def __enter__(self) -> _Encoder:
        self.scratch = tempfile.TemporaryDirectory(prefix="shotgraph-encode-")
        folder = Path(self.scratch.name)
        if self.burn_subtitles is not None:
            shutil.copyfile(self.burn_subtitles, folder / self._burn_name)
        command = ffmpeg_command(
            "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", str(self.resolution),
            "-framerate", str(self.encoder.fps), "-i", "pipe:0",
            *(_subtitle_filter(self._burn_name) if self.burn_subtitles else []),
            "-an", *self.encoder.x264_args(), "-f", "mp4", self.out,
        )  # fmt: skip
        self.stderr = (folder / "stderr.log").open("w+b")
        log.debug("ffmpeg %s", " ".join(map(str, command[1:])))
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stderr=self.stderr, cwd=folder
        )
        assert self.process.stdin is not None
        self.stdin = self.process.stdin
        with contextlib.suppress(OSError):
            fcntl.fcntl(
                self.stdin.fileno(), _F_SETPIPE_SZ, 1 << (self.frame_bytes - 1).bit_length()
            )
        return self

    def write(self, frame: YuvFrame) -> None:
        if frame.shape != self.shape:
            raise ValueError(f"a frame of shape {frame.shape} in a film of {self.shape}")
        try:
            self.stdin.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            self._fail()

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            with contextlib.suppress(BrokenPipeError):
                self.stdin.close()
            if kind is not None:
                self.process.kill()
            code = self.process.wait()
            if kind is None and code != 0:
                self._fail()
        finally:
            self.stderr.close()
            self.scratch.cleanup()

    def _fail(self) -> None:
        code = self.process.wait()
        self.stderr.seek(0)
        tail = self.stderr.read().decode(errors="replace")[-_STDERR_TAIL:]
        raise FfmpegFailed(f"the video encoder exited {code}: {tail}")


def _subtitle_filter(name: str) -> list[str]:
    """Burn the subtitles copied beside ffmpeg in with libass. ffmpeg runs in that folder, so
    the filter names the file bare, free of the escaping a full path needs inside a
    filtergraph. An .ass script brings its own style; an .srt gets our font."""
    options = f"subtitles=filename={name}"
    fonts = fonts_dir()
    if fonts is not None and all(ch.isalnum() or ch in "._-/" for ch in str(fonts)):
        options += f":fontsdir={fonts}"
        if not name.endswith(".ass"):
            options += ":force_style='FontName=DejaVu Sans'"
    return ["-vf", options]
