"""Burned-in captions, read back from the decoded frames: in the lower third while the
narrator speaks, nowhere during the title card, at 16:9 and at 9:16."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.models import AspectRatio, Captions, JobResult, StoryRequest
from shotgraph.pipeline.orchestrator import Orchestrator
from tests.helpers.media import frame_at, probe

pytestmark = pytest.mark.slow

STORY = """The Kite

Mara ran up the green hill at dawn. The wind lifted her red kite high over the village.
"""
# A pixel differs "visibly" between two encodes of the same picture past this (0..255).
_VISIBLE = 60


async def _film(settings: Settings, aspect: AspectRatio, captions: Captions) -> JobResult:
    request = StoryRequest(story=STORY, aspect=aspect, captions=captions, seed=1)
    return await Orchestrator(settings).run(request, lambda event: None)


def _first_cue_s(srt: Path) -> tuple[float, float]:
    start, end = re.findall(r"(\d\d):(\d\d):(\d\d),(\d{3})", srt.read_text())[:2]

    def seconds(parts: tuple[str, ...]) -> float:
        h, m, s, ms = (int(p) for p in parts)
        return h * 3600 + m * 60 + s + ms / 1000

    return seconds(start), seconds(end)


def _visible_change(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pixel: True where the two frames differ by more than encoding noise."""
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > _VISIBLE


@pytest.mark.parametrize("aspect", [AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT])
async def test_burned_captions_show_in_the_lower_third_while_spoken_and_not_on_the_title(
    settings: Settings, aspect: AspectRatio
) -> None:
    burned = await _film(settings, aspect, "burned")
    soft = await _film(settings, aspect, "soft")
    root = settings.storage_path
    burned_film, soft_film = root / burned.files.video, root / soft.files.video
    start_s, end_s = _first_cue_s(root / burned.files.subtitles)
    assert start_s > 1.0, "the first words come after the title card"

    spoken = (start_s + end_s) / 2
    change = _visible_change(frame_at(burned_film, spoken), frame_at(soft_film, spoken))
    height = change.shape[0]
    lower, upper = change[height * 2 // 3 :], change[: height * 2 // 3]
    assert lower.mean() > 0.01, "no caption in the lower third while the narrator speaks"
    assert upper.mean() < 0.002, "the caption reaches above the lower third"
    rows = np.flatnonzero(change.any(axis=1))
    assert rows.max() < height * 0.95, "the caption sits in the frame's bottom margin"

    title = _visible_change(frame_at(burned_film, 0.5), frame_at(soft_film, 0.5))
    assert title.mean() < 0.001, "a caption shows during the title card"
    # The soft track and the .srt stay with burned captions.
    assert probe(burned_film).stream("subtitle").codec == "mov_text"


async def test_captions_off_leave_no_subtitle_track_but_keep_the_srt(settings: Settings) -> None:
    result = await _film(settings, AspectRatio.LANDSCAPE, "off")
    kinds = [stream.kind for stream in probe(settings.storage_path / result.files.video).streams]
    assert "subtitle" not in kinds
    assert " --> " in (settings.storage_path / result.files.subtitles).read_text()
