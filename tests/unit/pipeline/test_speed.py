"""The render-speed record behind the storyboard's GPU-time estimate."""

from __future__ import annotations

from pathlib import Path

import pytest

from shotgraph.pipeline.speed import RenderSpeed


def test_an_unmeasured_backend_gets_a_cautious_guess(tmp_path: Path) -> None:
    speed = RenderSpeed(tmp_path)

    assert speed.estimate_s("diffusion", 60) > speed.estimate_s("animatic", 60) > 0
    assert speed.estimate_s("diffusion", 120) == pytest.approx(
        2 * speed.estimate_s("diffusion", 60)
    )


def test_measured_films_set_the_estimate_and_later_ones_move_it(tmp_path: Path) -> None:
    speed = RenderSpeed(tmp_path)

    speed.record("diffusion", render_s=600, film_s=60)  # 10 s of GPU per second of film
    assert speed.estimate_s("diffusion", 30) == pytest.approx(300)
    speed.record("diffusion", render_s=1200, film_s=60)  # a slower film pulls it up, partly
    assert 300 < speed.estimate_s("diffusion", 30) < 600
    # Another worker sharing the storage reads the same measurements.
    assert RenderSpeed(tmp_path).estimate_s("diffusion", 30) == speed.estimate_s("diffusion", 30)


def test_an_unreadable_record_falls_back_to_the_guess(tmp_path: Path) -> None:
    (tmp_path / "render-speed.json").write_text("{not json", "utf-8")

    assert RenderSpeed(tmp_path).estimate_s("animatic", 10) == RenderSpeed(
        tmp_path / "fresh"
    ).estimate_s("animatic", 10)
