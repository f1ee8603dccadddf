"""Subtitle cues from word timings, and the SRT they are written as."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.models import SpokenLine
from shotgraph.pipeline.composition.subtitles import (
    MAX_CUE_S,
    MAX_LINE_CHARS,
    MAX_LINES,
    MIN_CUE_S,
    MIN_GAP_S,
    Cue,
    cues_for_film,
    srt_timestamp,
    wrap_lines,
    write_srt,
)
from shotgraph.pipeline.composition.timeline import Segment, Timeline
from shotgraph.pipeline.speech.espeak import EspeakNarrator
from shotgraph.pipeline.speech.protocol import Speech, WordTiming

STORY = (
    "Mara ran up the green hill at dawn with her red kite. The wind was strong and cold, "
    "and the grass bent low under it; far below, the village slept. Nobody saw her go, "
    "nobody but the old dog by the well, who lifted his head and watched the red shape climb."
)


def _timeline(starts: dict[str, float], length_s: float = 60.0) -> Timeline:
    return Timeline(
        fps=24,
        segments=[Segment(kind="title", start_frame=0, frame_count=round(length_s * 24))],
        narration_starts_s=starts,
    )


def _speech(text: str, word_s: float = 0.3, sentence_pause_s: float = 0.4) -> Speech:
    """Evenly paced words, with a pause after each sentence, as a narrator would leave."""
    words, clock = [], 0.0
    for token in text.split():
        words.append(WordTiming(text=token, start_s=clock, end_s=clock + word_s - 0.02))
        clock += word_s + (sentence_pause_s if token.endswith(".") else 0.0)
    return Speech(duration_s=clock, sample_rate=22050, words=words, voice="en-us")


def _check_readable(cues: list[Cue]) -> None:
    for cue in cues:
        lines = cue.text.split("\n")
        assert 1 <= len(lines) <= MAX_LINES
        assert all(0 < len(line) <= MAX_LINE_CHARS for line in lines)
        assert cue.end_s - cue.start_s <= MAX_CUE_S + 1e-9
    for before, after in pairwise(cues):
        assert after.start_s - before.end_s >= MIN_GAP_S - 1e-9
    assert [cue.index for cue in cues] == list(range(1, len(cues) + 1))


def test_cues_follow_the_words_from_the_narration_start() -> None:
    speech = _speech(STORY)
    cues = cues_for_film(_timeline({"s000-00": 3.35}), {"s000-00": speech})
    _check_readable(cues)
    assert " ".join(cue.text.replace("\n", " ") for cue in cues) == STORY
    starts = {word.start_s + 3.35 for word in speech.words}
    assert all(any(cue.start_s == pytest.approx(s) for s in starts) for cue in cues)
    assert cues[0].start_s == pytest.approx(3.35)
    assert all(cue.end_s - cue.start_s >= MIN_CUE_S for cue in cues)
    last_word = speech.words[-1]
    assert cues[-1].end_s >= 3.35 + last_word.end_s


def test_cues_break_at_the_ends_of_sentences_and_clauses() -> None:
    cues = cues_for_film(_timeline({"s000-00": 0.0}), {"s000-00": _speech(STORY)})
    endings = [cue.text[-1] for cue in cues[:-1]]
    assert all(ending in ".,;" for ending in endings)
    assert cues[0].text == "Mara ran up the green hill\nat dawn with her red kite."


def test_shots_never_share_a_cue_and_a_long_pause_splits_one() -> None:
    first = _speech("Hold the string tight.")
    second = _speech("It climbs. It climbs higher.")
    second.words[2:] = [
        WordTiming(text=w.text, start_s=w.start_s + 2.0, end_s=w.end_s + 2.0)
        for w in second.words[2:]
    ]
    starts = {"s000-00": 3.35, "s000-01": 5.0}
    cues = cues_for_film(_timeline(starts), {"s000-00": first, "s000-01": second})
    _check_readable(cues)
    assert [cue.text for cue in cues] == [
        "Hold the string tight.",
        "It climbs.",
        "It climbs higher.",
    ]
    assert cues[0].end_s <= 5.0 - MIN_GAP_S


def test_speech_without_word_timings_is_cut_from_its_text() -> None:
    text = "A bell rang over the water, once, twice, and then the harbour was quiet again."
    speech = Speech(duration_s=5.0, sample_rate=24_000)
    cues = cues_for_film(_timeline({"s001-02": 10.0}), {"s001-02": speech}, {"s001-02": text})
    _check_readable(cues)
    assert " ".join(cue.text.replace("\n", " ") for cue in cues) == text
    assert cues[0].start_s == pytest.approx(10.0)
    assert 14.5 <= cues[-1].end_s <= 15.5


def test_a_word_longer_than_a_line_is_cut_to_fit() -> None:
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis-and-then-some"
    speech = _speech(f"She said {word} twice.")
    cues = cues_for_film(_timeline({"s000-00": 0.0}), {"s000-00": speech})
    _check_readable(cues)
    assert "".join(cue.text.replace("\n", "").replace(" ", "") for cue in cues) == (
        f"Shesaid{word}twice."
    )


async def test_real_narration_makes_readable_cues(settings: Settings, tmp_path: Path) -> None:
    speech = await EspeakNarrator(settings).speak(
        [SpokenLine(text=STORY)], "en", None, tmp_path / "story.wav"
    )
    cues = cues_for_film(_timeline({"s000-00": 3.35}), {"s000-00": speech})
    _check_readable(cues)
    assert " ".join(cue.text.replace("\n", " ") for cue in cues) == STORY
    assert cues[-1].end_s <= 3.35 + speech.duration_s + 1.0


def test_lines_are_balanced_and_fail_when_too_long() -> None:
    assert wrap_lines("Short enough.") == ["Short enough."]
    top, bottom = wrap_lines("The wind was strong and cold, and the grass bent low under it")
    assert abs(len(top) - len(bottom)) <= 12
    assert wrap_lines("x" * 30 + " " + "y" * 30 + " " + "z" * 30) is None


def test_srt_is_written_exactly(tmp_path: Path) -> None:
    cues = [
        Cue(index=1, start_s=3.35, end_s=6.4684, text="Mara ran up the green hill\nat dawn."),
        Cue(index=2, start_s=3723.0456, end_s=3725.5, text="¿Dónde está?"),
    ]
    path = tmp_path / "film.srt"
    write_srt(cues, path)
    assert path.read_bytes().decode("utf-8") == (
        "1\n00:00:03,350 --> 00:00:06,468\nMara ran up the green hill\nat dawn.\n"
        "\n"
        "2\n01:02:03,046 --> 01:02:05,500\n¿Dónde está?\n"
    )
    assert srt_timestamp(0) == "00:00:00,000"
    assert srt_timestamp(59.9996) == "00:01:00,000"


def test_a_cue_without_a_natural_break_does_not_end_on_a_little_word() -> None:
    text = "The wind lifted her red kite high over the village and carried it far away"
    words = [
        WordTiming(text=word, start_s=0.3 * i, end_s=0.3 * i + 0.25)
        for i, word in enumerate(text.split())
    ]
    cues = cues_for_film(
        _timeline({"s000-00": 0.0}),
        {"s000-00": Speech(duration_s=5.0, sample_rate=22050, words=words)},
        line_chars=24,
    )
    endings = [cue.text.split()[-1] for cue in cues[:-1]]
    assert endings
    assert not {"the", "over", "and", "a"} & set(endings), [cue.text for cue in cues]
