"""The caption style: sized and cut for the frame, two lines at most, escaped for ASS."""

from __future__ import annotations

from pathlib import Path

from shotgraph.config import Resolution
from shotgraph.pipeline.composition.captions import CaptionStyle, write_captions
from shotgraph.pipeline.composition.subtitles import Cue


def test_a_vertical_frame_gets_shorter_lines_and_a_higher_margin() -> None:
    landscape = CaptionStyle(Resolution(width=1024, height=576))
    vertical = CaptionStyle(Resolution(width=576, height=1024))
    assert landscape.font_size == vertical.font_size
    assert vertical.line_chars < landscape.line_chars <= 42
    # A full line of average text fits between the side margins.
    for style in (landscape, vertical):
        assert style.line_chars * style.font_size * 0.6 <= style.width - 2 * style.side_margin
    assert vertical.bottom_margin / vertical.height > landscape.bottom_margin / landscape.height


def test_the_script_is_in_the_film_s_pixels_and_escapes_the_text(tmp_path: Path) -> None:
    style = CaptionStyle(Resolution(width=320, height=180))
    cue = Cue(index=1, start_s=1.5, end_s=62.25, text="A {brace} and a \\N\nsecond line")
    path = tmp_path / "c.ass"
    write_captions([cue], style, path)
    text = path.read_text()
    assert "PlayResX: 320\nPlayResY: 180" in text
    assert text.splitlines()[-1] == (
        "Dialogue: 0,0:00:01.50,0:01:02.25,Caption,,0,0,0,,A (brace) and a ∖N\\Nsecond line"
    )
