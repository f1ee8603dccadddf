"""The contact sheet stays a picture every platform takes, however long the film."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from shotgraph.config import Resolution
from shotgraph.models import ShotType
from shotgraph.pipeline.video.contact_sheet import SheetPanel, draw_contact_sheet


def _keyframe(folder: Path, size: tuple[int, int]) -> Path:
    path = folder / "key.png"
    Image.new("RGB", size, (90, 120, 160)).save(path)
    return path


def test_a_long_film_fits_telegrams_photo_limits(tmp_path: Path) -> None:
    frame = Resolution(width=1024, height=576)
    key = _keyframe(tmp_path, (1280, 720))
    panels = [
        SheetPanel(number=n, keyframe=key, type=ShotType.WIDE, narration="word " * 40)
        for n in range(1, 151)
    ]
    out = tmp_path / "sheet.jpg"

    draw_contact_sheet("A very long film " * 10, "150 shots", panels, frame, out)

    with Image.open(out) as sheet:
        assert sheet.width + sheet.height <= 10_000
        assert max(sheet.size) / min(sheet.size) <= 20
    assert out.stat().st_size < 10 * 1024 * 1024


def test_a_portrait_film_gets_portrait_panels(tmp_path: Path) -> None:
    frame = Resolution(width=576, height=1024)
    key = _keyframe(tmp_path, (576, 1024))
    panels = [SheetPanel(number=1, keyframe=key, type=ShotType.CLOSE_UP, narration="")]
    out = tmp_path / "sheet.jpg"

    draw_contact_sheet("Tall", "1 shot", panels, frame, out)

    with Image.open(out) as sheet:
        # One panel, as tall as the frame's shape makes it, plus the heading and caption.
        assert sheet.height > sheet.width
