"""Captions burned into the picture, styled the way short-video apps show them.

Chat apps' players ignore an MP4's soft subtitle track, so a film shared in a chat shows its
words only if they are in the picture. These are the film's own cues (from the narration's
word timings), re-cut to a line length that fits the frame, and written as an ASS script whose
canvas is the film's own size, so sizes and margins are in the film's pixels: a bold sans
face sized from the frame's short side, at most two lines, centred low in the frame above
the band a phone's player covers, on a soft translucent box that reads on any picture.
"""

from __future__ import annotations

from pathlib import Path

from shotgraph.config import Resolution
from shotgraph.pipeline.composition.subtitles import MAX_LINE_CHARS, Cue

FONT_NAME = "DejaVu Sans"
# The caption's font size, as a share of the frame's short side.
_FONT_SHARE = 0.062
# A glyph of DejaVu Sans Bold is about this wide, as a share of the font size (average text).
_GLYPH_WIDTH = 0.6
# Text keeps this share of the frame's width clear at each side.
_SIDE_MARGIN_SHARE = 0.06
# The lowest line sits this share of the frame's height above the bottom: clear of the
# controls a phone's player draws over a vertical film, and of a TV's overscan on a landscape.
_BOTTOM_MARGIN = {True: 0.14, False: 0.08}
# The box around each line: its padding as a share of the font size, and its colour
# (ASS colours are &HAABBGGRR, alpha 00 opaque .. FF clear).
_BOX_PADDING = 0.28
_BOX_COLOUR = "&H60000000"
_TEXT_COLOUR = "&H00FFFFFF"


class CaptionStyle:
    """Font size, line length and margins for one frame size."""

    def __init__(self, resolution: Resolution) -> None:
        width, height = resolution.width, resolution.height
        self.width, self.height = width, height
        self.vertical = height > width
        self.font_size = max(10, round(min(width, height) * _FONT_SHARE))
        self.side_margin = round(width * _SIDE_MARGIN_SHARE)
        self.bottom_margin = round(height * _BOTTOM_MARGIN[self.vertical])
        usable = width - 2 * self.side_margin
        self.line_chars = max(
            12, min(MAX_LINE_CHARS, int(usable / (self.font_size * _GLYPH_WIDTH)))
        )

    def script_header(self) -> str:
        padding = max(1, round(self.font_size * _BOX_PADDING))
        # BorderStyle 3 draws an opaque box (OutlineColour) behind each line.
        style = ",".join(
            str(value)
            for value in (
                "Caption", FONT_NAME, self.font_size, _TEXT_COLOUR, _TEXT_COLOUR, _BOX_COLOUR,
                _BOX_COLOUR, -1, 0, 0, 0, 100, 100, 0, 0, 3, padding, 0, 2, self.side_margin,
                self.side_margin, self.bottom_margin, 1,
            )
        )  # fmt: skip
        return "\n".join(
            [
                "[Script Info]",
                "ScriptType: v4.00+",
                f"PlayResX: {self.width}",
                f"PlayResY: {self.height}",
                "WrapStyle: 2",
                "ScaledBorderAndShadow: yes",
                "",
                "[V4+ Styles]",
                "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour,"
                " BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle,"
                " BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
                f"Style: {style}",
                "",
                "[Events]",
                "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
            ]
        )


def write_captions(cues: list[Cue], style: CaptionStyle, path: Path) -> None:
    """The cues as an ASS script for ffmpeg's libass renderer (WrapStyle 2: only our breaks)."""
    events = [
        f"Dialogue: 0,{_ass_time(cue.start_s)},{_ass_time(cue.end_s)},Caption,,0,0,0,,"
        + _ass_text(cue.text)
        for cue in cues
    ]
    path.write_text(style.script_header() + "\n" + "\n".join(events) + "\n", encoding="utf-8")


def _ass_time(seconds: float) -> str:
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{whole:02d}.{centis:02d}"


def _ass_text(text: str) -> str:
    """Cue text as ASS dialogue: braces would open override tags and a backslash an escape;
    our line breaks become ASS's hard break."""
    escaped = text.replace("\\", "∖").replace("{", "(").replace("}", ")")
    return escaped.replace("\n", r"\N")
