"""Fonts for the text we draw into pictures (shot captions, title and end cards).

DejaVu Sans covers most scripts a story arrives in; where it is not installed Pillow's own
scalable default font stands in, so text always renders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageFont

FONTS_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def font(size: int, bold: bool = False) -> Font:
    path = FONTS_DIR / _FILES[bold]
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def fonts_dir() -> Path | None:
    """The folder holding our font, for ffmpeg's subtitle renderer; None when it is missing."""
    return FONTS_DIR if (FONTS_DIR / _FILES[False]).exists() else None
