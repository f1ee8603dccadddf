"""The animatic's character reference sheet: the figure every plate draws for a character,
standing front-on and turned aside on plain paper, with the name beneath.

The animatic needs no reference to keep a face (its figures come from the name), so the sheet is
what a person checks on the storyboard: is this who the story means?
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from shotgraph.models import Character, Mood, Setting, TimeOfDay
from shotgraph.pipeline.video.animatic.backend import write_png
from shotgraph.pipeline.video.animatic.canvas import Canvas
from shotgraph.pipeline.video.animatic.figures import Pose, draw_figure, look_for
from shotgraph.pipeline.video.animatic.palette import palette_for
from shotgraph.pipeline.video.text import font

# A square sheet: big enough to read on a phone, small enough to sit beside a storyboard.
SHEET_SIZE = 512
# Plain daylight, so the figure's own colours show.
_DAYLIGHT = Setting(location="studio", time_of_day=TimeOfDay.DAY, mood=Mood.CALM)


class AnimaticReferenceMaker:
    name = "animatic-figures"

    def make(self, character: Character, style: str, seed: int, out: Path) -> None:
        palette = palette_for(_DAYLIGHT)
        canvas = Canvas(SHEET_SIZE, SHEET_SIZE, palette.paper)
        look = look_for(character)
        feet, size = SHEET_SIZE * 0.84, SHEET_SIZE * 0.7
        draw_figure(canvas, look, palette, SHEET_SIZE * 0.32, feet, size, Pose(facing=0.0))
        draw_figure(canvas, look, palette, SHEET_SIZE * 0.7, feet, size, Pose(facing=1.0))
        image = Image.fromarray(canvas.image)
        draw = ImageDraw.Draw(image)
        face = font(round(SHEET_SIZE * 0.06), bold=True)
        draw.text(
            (SHEET_SIZE / 2, SHEET_SIZE * 0.93), character.name, fill=palette.ink, font=face,
            anchor="mm",
        )  # fmt: skip
        write_png(np.asarray(image), out)
