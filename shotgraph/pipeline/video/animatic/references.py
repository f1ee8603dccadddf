"""The animatic's character reference sheet: the character as every plate draws them (a person,
or a creature of their kind), alone on plain paper, with the name beneath.

The animatic needs no reference to keep a face (its drawings come from the name and the
description), so the sheet is what a person checks on the storyboard: is this who the story
means?
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from shotgraph.models import Character, Mood, Setting, TimeOfDay
from shotgraph.pipeline.video.animatic.backend import write_png
from shotgraph.pipeline.video.animatic.figures import draw_character_alone
from shotgraph.pipeline.video.animatic.palette import palette_for
from shotgraph.pipeline.video.text import font

# A square sheet: big enough to read on a phone, small enough to sit beside a storyboard.
SHEET_SIZE = 512
# The strip under the drawing that holds the name.
_NAME_STRIP = 0.12
# Plain daylight, so the character's own colours show.
_DAYLIGHT = Setting(location="studio", time_of_day=TimeOfDay.DAY, mood=Mood.CALM)


class AnimaticReferenceMaker:
    name = "animatic-characters"

    def make(self, character: Character, style: str, seed: int, out: Path) -> None:
        palette = palette_for(_DAYLIGHT)
        drawing_height = round(SHEET_SIZE * (1 - _NAME_STRIP))
        sheet = Image.new("RGB", (SHEET_SIZE, SHEET_SIZE), palette.paper)
        drawing = draw_character_alone(character, palette, SHEET_SIZE, drawing_height)
        sheet.paste(Image.fromarray(drawing), (0, 0))
        draw = ImageDraw.Draw(sheet)
        face = font(round(SHEET_SIZE * 0.06), bold=True)
        middle = (SHEET_SIZE / 2, SHEET_SIZE * (1 - _NAME_STRIP / 2))
        draw.text(middle, character.name, fill=palette.ink, font=face, anchor="mm")
        write_png(np.asarray(sheet), out)
