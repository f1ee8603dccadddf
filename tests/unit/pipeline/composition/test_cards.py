"""Title and end cards: real text at either aspect, long titles kept inside the frame."""

from __future__ import annotations

import numpy as np
import pytest

from shotgraph.config import Resolution
from shotgraph.pipeline.composition.cards import card_footage, draw_card, end_card, title_card

LANDSCAPE = Resolution(width=320, height=180)
PORTRAIT = LANDSCAPE.for_portrait()


def luma(frame: np.ndarray, resolution: Resolution) -> np.ndarray:
    return frame[: resolution.height]


@pytest.mark.parametrize("resolution", [LANDSCAPE, PORTRAIT])
def test_cards_carry_text(resolution: Resolution) -> None:
    for card in (title_card("The Lighthouse Keeper"), end_card()):
        frame = draw_card(card, resolution)
        assert frame.shape == (resolution.height * 3 // 2, resolution.width)
        y = luma(frame, resolution)
        assert (y > 150).mean() > 0.005  # light letters on the dark card
        assert y.std() > 10


def test_different_titles_draw_differently() -> None:
    first = draw_card(title_card("The Kite"), LANDSCAPE)
    second = draw_card(title_card("A Storm at Sea"), LANDSCAPE)
    assert np.abs(first.astype(int) - second.astype(int)).mean() > 1


@pytest.mark.parametrize("resolution", [LANDSCAPE, PORTRAIT])
def test_long_titles_wrap_inside_the_frame(resolution: Resolution) -> None:
    title = "The Extraordinarily Long and Winding Tale of the Lighthouse Keeper's Last Winter"
    y = luma(draw_card(title_card(title), resolution), resolution)
    edge = max(2, resolution.width // 20)
    assert y[:, :edge].max() < 60
    assert y[:, -edge:].max() < 60
    lit_rows = np.flatnonzero((y > 150).any(axis=1))
    short = min(resolution.width, resolution.height)
    assert lit_rows.max() - lit_rows.min() > short * 0.3  # several lines


def test_card_footage_holds_the_card() -> None:
    frames = list(card_footage(end_card(), LANDSCAPE).frames(5))
    assert len(frames) == 5
    assert all(np.array_equal(frames[0], frame) for frame in frames)
