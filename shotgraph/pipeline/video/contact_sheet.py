"""The storyboard's contact sheet: every shot's keyframe in film order on one JPEG, numbered,
with its shot type and the start of its narration, under a heading with the film's title and
what rendering it will take.

One picture, because every front end can show one picture: Discord embeds it, Telegram sends it
as a photo (at most 10,000 pixels of width plus height, sides at most 20:1), the API serves it.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw
from pydantic import BaseModel

from shotgraph.config import Resolution
from shotgraph.models import ShotType
from shotgraph.pipeline.video.animatic.caption import SHOT_NAMES
from shotgraph.pipeline.video.text import Font, font

SHEET_WIDTH = 1920
# Telegram refuses a photo whose width plus height passes 10,000 pixels: stay well inside.
MAX_SHEET_HEIGHT = 7000
_GAP = 16
_PAPER = (244, 240, 232)
_INK = (34, 32, 40)
_MUTED = (96, 92, 100)
_BADGE = (196, 64, 48)
_NARRATION_LINES = 2
_JPEG_QUALITY = 85


class SheetPanel(BaseModel):
    number: int
    keyframe: Path
    type: ShotType
    narration: str


def draw_contact_sheet(
    title: str, subtitle: str, panels: list[SheetPanel], frame: Resolution, out: Path
) -> None:
    """Write the sheet as a JPEG to `out` (the caller makes the write atomic)."""
    portrait = frame.height > frame.width
    columns = _columns(len(panels), portrait)
    while True:
        cell_w = (SHEET_WIDTH - _GAP * (columns + 1)) // columns
        picture_h = round(cell_w * frame.height / frame.width)
        text_size = max(13, round(cell_w * (0.07 if portrait else 0.045)))
        text_h = round(text_size * 1.35 * (1 + _NARRATION_LINES)) + _GAP // 2
        header_h = round(SHEET_WIDTH * 0.05)
        rows = math.ceil(len(panels) / columns)
        height = header_h + rows * (picture_h + text_h + _GAP) + _GAP
        if height <= MAX_SHEET_HEIGHT or columns >= 16:
            break
        columns += 1
    sheet = Image.new("RGB", (SHEET_WIDTH, height), _PAPER)
    draw = ImageDraw.Draw(sheet)
    heading = font(round(header_h * 0.42), bold=True)
    shown_title = _clip(draw, title, heading, SHEET_WIDTH * 0.6)
    draw.text((_GAP, header_h * 0.12), shown_title, _INK, heading)
    small = font(round(header_h * 0.28))
    draw.text((SHEET_WIDTH - _GAP, header_h * 0.2), subtitle, _MUTED, small, anchor="ra")
    label, body = font(text_size, bold=True), font(text_size)
    for position, panel in enumerate(panels):
        row, column = divmod(position, columns)
        x = _GAP + column * (cell_w + _GAP)
        y = header_h + row * (picture_h + text_h + _GAP)
        sheet.paste(_framed(panel.keyframe, frame, (cell_w, picture_h)), (x, y))
        draw.rectangle((x, y, x + cell_w - 1, y + picture_h - 1), outline=_INK)
        _badge(draw, panel.number, x, y, text_size)
        ty = y + picture_h + _GAP // 3
        draw.text((x, ty), SHOT_NAMES[panel.type], _INK, label)
        for line in _wrap(draw, panel.narration or "(no narration)", body, cell_w):
            ty += round(text_size * 1.35)
            draw.text((x, ty), line, _MUTED, body)
    sheet.save(out, "JPEG", quality=_JPEG_QUALITY, optimize=True)


def _columns(count: int, portrait: bool) -> int:
    """Few shots get big panels; a long film gets more, smaller ones per row."""
    widest = 8 if portrait else 5
    return max(1, min(count, widest, math.ceil(math.sqrt(count * (2.5 if portrait else 1.2)))))


def _framed(keyframe: Path, frame: Resolution, size: tuple[int, int]) -> Image.Image:
    """What the camera sees of the keyframe at rest: its centre at the frame's size (a plate
    drawn larger for camera moves is cropped to the frame), scaled to the panel."""
    with Image.open(keyframe) as image:
        picture = image.convert("RGB")
    width, height = picture.size
    crop_w, crop_h = min(width, frame.width), min(height, frame.height)
    if crop_w / crop_h > frame.width / frame.height:
        crop_w = round(crop_h * frame.width / frame.height)
    else:
        crop_h = round(crop_w * frame.height / frame.width)
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    return picture.crop((left, top, left + crop_w, top + crop_h)).resize(size, Image.LANCZOS)


def _badge(draw: ImageDraw.ImageDraw, number: int, x: int, y: int, size: int) -> None:
    radius = round(size * 0.95)
    centre = (x + radius + 6, y + radius + 6)
    draw.ellipse(
        (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius),
        fill=_BADGE,
        outline=_PAPER,
        width=2,
    )
    draw.text(centre, str(number), (255, 255, 255), font(size, bold=True), anchor="mm")


def _wrap(draw: ImageDraw.ImageDraw, text: str, face: Font, width: float) -> list[str]:
    """Lines that fit `width`; the last line kept ends with an ellipsis if text was left out."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=face) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > _NARRATION_LINES:
        # The joined lines overflow the last one kept, so it is cut with an ellipsis.
        last = _NARRATION_LINES - 1
        lines[last:] = [f"{lines[last]} {lines[last + 1]}"]
    return [_clip(draw, line, face, width) for line in lines]


def _clip(draw: ImageDraw.ImageDraw, text: str, face: Font, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width`."""
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip() + "…"
