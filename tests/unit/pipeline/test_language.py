"""Detecting a story's language from its text, with the model the wheel ships."""

from __future__ import annotations

import pytest

from shotgraph.pipeline.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mara ran up the green hill at dawn with her red kite. The wind was strong.", "en"),
        ("¿Dónde está el niño? Él tiene una cometa roja y corre por la colina.", "es"),
        ("Il était une fois un renard qui vivait au bord de la forêt.", "fr"),
        ("Der Fuchs lief über den Hügel, und der Wind war kalt.", "de"),
        ("A raposa correu pela colina enquanto o vento soprava forte.", "pt"),
        ("Маша вышла из дома рано утром и пошла в лес за грибами.", "ru"),
        ("狐狸在山上跑，风很大，村子里的人都睡着了。", "zh"),
    ],
)
def test_a_story_is_told_in_its_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "1984 — 2026!", "Hola"])
def test_too_little_to_tell_is_english(text: str) -> None:
    assert detect_language(text) == "en"
