"""The storyboard caption in the frame's corner: shot type, camera move and shot id.

It is drawn once per shot as a small I420 patch; pasting it into each frame costs three small
copies, where drawing text per frame would cost more than the whole camera move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from shotgraph.models import Shot, ShotType
from shotgraph.pipeline.video.animatic.camera import heading
from shotgraph.pipeline.video.animatic.palette import Rgb
from shotgraph.pipeline.video.protocol import YuvFrame
from shotgraph.pipeline.video.text import font
from shotgraph.pipeline.video.yuv import planes, rgb_to_i420

SHOT_NAMES = {
    ShotType.EXTREME_WIDE: "EXTREME WIDE",
    ShotType.WIDE: "WIDE",
    ShotType.FULL: "FULL SHOT",
    ShotType.MEDIUM: "MEDIUM",
    ShotType.MEDIUM_CLOSE_UP: "MEDIUM CLOSE-UP",
    ShotType.CLOSE_UP: "CLOSE-UP",
    ShotType.EXTREME_CLOSE_UP: "EXTREME CLOSE-UP",
    ShotType.OVER_THE_SHOULDER: "OVER THE SHOULDER",
    ShotType.INSERT: "INSERT",
}


def caption_text(shot: Shot, shot_id: str) -> str:
    move = shot.camera.value.replace("_", " ").upper()
    way = heading(shot.camera, shot.direction)
    if way is not None:
        move = f"{move} {way.value.upper()}"
    return f"{SHOT_NAMES[shot.type]} · {move} · {shot_id}"


@dataclass(frozen=True)
class Caption:
    """An I420 patch and the even pixel position where it goes."""

    patch: YuvFrame
    x: int
    y: int

    def paste(self, frame: YuvFrame) -> None:
        source, target = planes(self.patch), planes(frame)
        height, width = source.y.shape
        target.y[self.y : self.y + height, self.x : self.x + width] = source.y
        cy, cx, ch, cw = self.y // 2, self.x // 2, height // 2, width // 2
        target.u[cy : cy + ch, cx : cx + cw] = source.u
        target.v[cy : cy + ch, cx : cx + cw] = source.v


def draw_caption(
    text: str, frame_width: int, frame_height: int, paper: Rgb, ink: Rgb
) -> Caption | None:
    """A label for the top-left corner; None when the frame is too small to hold one legibly."""
    size = max(9, round(min(frame_width, frame_height) * 0.03))
    face = font(size)
    left, top, right, bottom = face.getbbox(text)
    pad = max(2, size // 3)
    width = _even(right - left + 2 * pad)
    height = _even(bottom - top + 2 * pad)
    margin = _even(size * 0.8)
    if width + 2 * margin > frame_width:
        return None
    image = Image.new("RGB", (width, height), paper)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width - 1, height - 1), outline=ink)
    draw.text((pad - left, pad - top), text, font=face, fill=ink)
    return Caption(rgb_to_i420(np.asarray(image)), margin, margin)


def _even(value: float) -> int:
    return int(np.ceil(value / 2) * 2)
