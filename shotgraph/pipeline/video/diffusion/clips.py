"""A generated clip as an artefact: an H.264 file at the model's own size and frame rate, and
its frames conformed to the film (VIDEO_RESOLUTION, VIDEO_FPS, the shot's exact length) while
the film is encoded.

Diffusion models make few frames (SVD: 7 a second) at sizes in multiples of 64; the compositor
wants the film's frame rate and size. Time is resampled by interpolating along the motion
between neighbouring frames, space by scaling to cover the frame and cropping the overflow, so
nothing is letterboxed.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np

from shotgraph.config import Resolution
from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg
from shotgraph.pipeline.video.protocol import YuvFrame
from shotgraph.pipeline.video.yuv import rgb_to_i420

# Diffusion UNets downsample the latent (itself 1/8 of the picture) three times.
SIZE_MULTIPLE = 64
# Near-lossless: a clip is an intermediate, and its last frame seeds the next shot.
_CLIP_CRF = 12
# A moment this close to a source frame shows that frame as it is.
_SAME_FRAME = 1e-3


def generation_size(resolution: Resolution) -> tuple[int, int]:
    """The width and height to generate at: the film's frame rounded to multiples of 64."""

    def rounded(side: int) -> int:
        return max(SIZE_MULTIPLE, round(side / SIZE_MULTIPLE) * SIZE_MULTIPLE)

    return rounded(resolution.width), rounded(resolution.height)


def source_frame_count(duration_s: float, fps: int) -> int:
    """How many frames a shot needs at the model's frame rate (two at least, to move)."""
    return max(2, math.ceil(duration_s * fps))


def pass_count(frame_count: int, frames_per_pass: int) -> int:
    """Passes a model making `frames_per_pass` frames at a time needs for `frame_count` frames,
    when each pass after the first starts from the last frame of the one before (and so adds
    one fewer new frame than it makes)."""
    if frame_count <= frames_per_pass:
        return 1
    return 1 + -(-(frame_count - frames_per_pass) // (frames_per_pass - 1))


def write_clip(frames: Sequence[np.ndarray], fps: int, out: Path) -> None:
    """Encode RGB uint8 frames, all of one even size, as an H.264 MP4."""
    height, width = frames[0].shape[:2]
    raw = b"".join(rgb_to_i420(frame).tobytes() for frame in frames)
    run_ffmpeg(
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-video_size", f"{width}x{height}",
        "-framerate", str(fps), "-i", "pipe:0", "-an", "-c:v", "libx264", "-preset", "veryfast",
        "-crf", str(_CLIP_CRF), "-pix_fmt", "yuv420p", "-f", "mp4", out,
        stdin=raw,
    )  # fmt: skip


def _read_bgr(clip: Path) -> Iterator[np.ndarray]:
    capture = cv2.VideoCapture(str(clip))
    if not capture.isOpened():
        raise ValueError(f"{clip} is not a readable clip")
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                return
            yield frame
    finally:
        capture.release()


def tail_frames(clip: Path, count: int) -> list[np.ndarray]:
    """The clip's last `count` frames (fewer if it is shorter) as RGB uint8: what a shot that
    continues this one starts from."""
    tail: deque[np.ndarray] = deque(maxlen=count)
    tail.extend(_read_bgr(clip))
    if not tail:
        raise ValueError(f"{clip} has no frames")
    return [cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) for frame in tail]


def last_frame(clip: Path) -> np.ndarray:
    """The clip's last frame as RGB uint8: what the next shot of the scene starts from."""
    return tail_frames(clip, 1)[0]


def read_rgb(picture: Path) -> np.ndarray:
    """A picture file (a keyframe, a reference sheet) as RGB uint8."""
    bgr = cv2.imread(str(picture), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"{picture} is not a readable picture")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def write_png(picture: np.ndarray, out: Path) -> None:
    """Write RGB uint8 as a PNG, whatever `out`'s suffix (the stage writes to a partial name)."""
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    if not ok:
        raise ValueError("the picture could not be encoded as PNG")
    out.write_bytes(encoded.tobytes())


def cover(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale a picture to cover width x height, then crop the overflow evenly."""
    source_h, source_w = frame.shape[:2]
    if (source_w, source_h) == (width, height):
        return frame
    scale = max(width / source_w, height / source_h)
    scaled_w, scaled_h = math.ceil(source_w * scale), math.ceil(source_h * scale)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(frame, (scaled_w, scaled_h), interpolation=interpolation)
    left, top = (scaled_w - width) // 2, (scaled_h - height) // 2
    return scaled[top : top + height, left : left + width]


class ClipFootage:
    """A clip's frames at the film's size, stretched or squeezed in time to the shot's length.

    Output frame i sits at source position i * (n - 1) / (count - 1). Between two source frames
    it is interpolated along the motion between them, so a moving thing is drawn once where it
    is at that moment rather than twice, faded, where it was and where it will be (SVD's 7
    frames a second become the film's 24). Only two source frames are held at a time.
    """

    def __init__(self, clip: Path, resolution: Resolution) -> None:
        self.clip = clip
        self.resolution = resolution

    def _source(self) -> Iterator[np.ndarray]:
        width, height = self.resolution.width, self.resolution.height
        for bgr in _read_bgr(self.clip):
            yield np.ascontiguousarray(cover(bgr, width, height))

    def frames(self, frame_count: int) -> Iterator[YuvFrame]:
        source_count = _frame_count(self.clip)
        source = self._source()
        window = [next(source)]  # source frames first, first + 1 (at most two held)
        first = 0
        between: MotionBetween | None = None
        motion = MotionField(window[0].shape[1], window[0].shape[0])
        step = (source_count - 1) / (frame_count - 1) if frame_count > 1 else 0.0
        for i in range(frame_count):
            position = i * step
            low = min(int(position), source_count - 1)
            high = min(low + 1, source_count - 1)
            while first + len(window) - 1 < high:
                # A container that overstates its length repeats its real last frame.
                window.append(next(source, window[-1]))
            while first < low:
                window.pop(0)
                first += 1
                between = None
            share = position - low
            if high == low or share < _SAME_FRAME:
                yield cv2.cvtColor(window[0], cv2.COLOR_BGR2YUV_I420)
                continue
            if between is None:
                between = MotionBetween(motion, window[0], window[1])
            yield cv2.cvtColor(between.at(share), cv2.COLOR_BGR2YUV_I420)


class MotionField:
    """What every pair of one clip's frames shares: the optical-flow estimator (OpenCV's DIS)
    and the grid of pixel positions the flow is added to, made once per clip."""

    def __init__(self, width: int, height: int) -> None:
        self.flow = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        grid = np.meshgrid(np.arange(width), np.arange(height))
        self.grid = np.stack(grid, -1).astype(np.float32)


class MotionBetween:
    """Two neighbouring frames and the optical flow each way between them (OpenCV's DIS), for
    drawing the moments in between.

    A frame at time t (0 at the first, 1 at the second) takes each pixel from both frames along
    the flow, estimated for that moment from the two flows as in Super SloMo (Jiang et al.,
    2018), and mixes the two by nearness in time.
    """

    def __init__(self, field: MotionField, before: np.ndarray, after: np.ndarray) -> None:
        self.grid = field.grid
        self.before, self.after = before, after
        grey_before = cv2.cvtColor(before, cv2.COLOR_BGR2GRAY)
        grey_after = cv2.cvtColor(after, cv2.COLOR_BGR2GRAY)
        self.forward = field.flow.calc(grey_before, grey_after, None)
        self.backward = field.flow.calc(grey_after, grey_before, None)

    def at(self, t: float) -> np.ndarray:
        to_before = -(1 - t) * t * self.forward + t * t * self.backward
        to_after = (1 - t) ** 2 * self.forward - t * (1 - t) * self.backward
        from_before = self._sample(self.before, to_before)
        from_after = self._sample(self.after, to_after)
        return cv2.addWeighted(from_before, 1.0 - t, from_after, t, 0.0)

    def _sample(self, frame: np.ndarray, flow: np.ndarray) -> np.ndarray:
        where = self.grid + flow
        return cv2.remap(
            frame, where[..., 0], where[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )


def _frame_count(clip: Path) -> int:
    capture = cv2.VideoCapture(str(clip))
    try:
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    finally:
        capture.release()
    if count < 1:
        raise ValueError(f"{clip} has no frames")
    return count
