"""Title and end cards: drawn once with Pillow, converted to I420 once, held as a still.

The fades in and out come from the timeline's transitions, like any shot's.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PIL import Image, ImageDraw
from pydantic import BaseModel

from shotgraph.config import Resolution
from shotgraph.pipeline.video.protocol import YuvFrame
from shotgraph.pipeline.video.text import Font, font
from shotgraph.pipeline.video.yuv import rgb_to_i420

_BACKGROUND = (22, 24, 34)
_HEADING = (244, 236, 222)
_LINE = (178, 170, 160)
_RULE = (120, 110, 96)
# The heading wraps onto at most this many lines (landscape, portrait) before its type shrinks.
_MAX_LINES = (3, 5)


class Card(BaseModel):
    heading: str
    line: str = ""


def title_card(title: str, line: str = "An animatic by ShotGraph") -> Card:
    return Card(heading=title, line=line)


def end_card(credits: str = "Made with ShotGraph") -> Card:
    return Card(heading="The End", line=credits)


def draw_card(card: Card, resolution: Resolution) -> YuvFrame:
    width, height = resolution.width, resolution.height
    image = Image.new("RGB", (width, height), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    short = min(width, height)
    max_lines = _MAX_LINES[0] if width >= height else _MAX_LINES[1]
    heading_font, lines = _fit(draw, card.heading, short * 0.12, width * 0.84, max_lines)
    line_font = font(max(8, round(short * 0.045)))
    heights = [_size(draw, text, heading_font)[1] for text in lines]
    spacing = max(heights) * 0.3
    block = sum(heights) + spacing * (len(lines) - 1)
    y = height / 2 - block / 2 - (short * 0.04 if card.line else 0)
    for text, text_height in zip(lines, heights, strict=True):
        _centred(draw, text, heading_font, width / 2, y, _HEADING)
        y += text_height + spacing
    if card.line:
        y += short * 0.04
        draw.line((width * 0.4, y, width * 0.6, y), fill=_RULE, width=max(1, short // 300))
        y += short * 0.04
        line_lines = _wrap(draw, card.line, line_font, width * 0.84)
        for text in line_lines:
            _centred(draw, text, line_font, width / 2, y, _LINE)
            y += _size(draw, text, line_font)[1] * 1.3
    return rgb_to_i420(np.asarray(image))


class StillFootage:
    """One picture held for a number of frames (a card)."""

    def __init__(self, frame: YuvFrame) -> None:
        self.frame = frame

    def frames(self, frame_count: int) -> Iterator[YuvFrame]:
        for _ in range(frame_count):
            yield self.frame


def card_footage(card: Card, resolution: Resolution) -> StillFootage:
    return StillFootage(draw_card(card, resolution))


def _fit(
    draw: ImageDraw.ImageDraw, text: str, size: float, width: float, max_lines: int
) -> tuple[Font, list[str]]:
    """The largest bold type (from `size` down) at which `text` wraps onto `max_lines`."""
    while True:
        face = font(max(8, round(size)), bold=True)
        lines = _wrap(draw, text, face, width)
        fits = all(_size(draw, line, face)[0] <= width for line in lines)
        if (len(lines) <= max_lines and fits) or size <= 8:
            return face, lines
        size *= 0.88


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _size(draw, candidate, face)[0] <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines or [""]


def _size(draw: ImageDraw.ImageDraw, text: str, face: Font) -> tuple[float, float]:
    left, top, right, bottom = draw.textbbox((0, 0), text, font=face)
    return right - left, bottom - top


def _centred(
    draw: ImageDraw.ImageDraw, text: str, face: Font, x: float, y: float, fill: tuple[int, ...]
) -> None:
    draw.text((x, y), text, font=face, fill=fill, anchor="mt")
