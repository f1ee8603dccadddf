"""Chords built from modes, and voicings that keep the hand in one place."""

from __future__ import annotations

import itertools

from shotgraph.models import Mood
from shotgraph.pipeline.music.harmony import (
    MODES,
    MOOD_STYLES,
    Chord,
    chord_intervals,
    chords,
    voice_near,
)


def test_triads_take_their_quality_from_the_mode() -> None:
    assert chord_intervals("major", Chord(0)) == [0, 4, 7]  # I
    assert chord_intervals("major", Chord(5)) == [9, 12, 16]  # vi
    assert chord_intervals("minor", Chord(0)) == [0, 3, 7]  # i
    assert chord_intervals("harmonic_minor", Chord(4)) == [7, 11, 14]  # V, major
    assert chord_intervals("major", Chord(0, "sus4")) == [0, 5, 7]
    assert chord_intervals("major", Chord(3, "add9")) == [5, 9, 12, 19]


def test_voicings_stay_within_an_octave_of_the_centre() -> None:
    for pitches in ([60, 64, 67], [69, 72, 76], [65, 69, 72, 79]):
        voiced = voice_near(pitches, 62)
        assert all(56 <= note < 68 for note in voiced)
        assert sorted(note % 12 for note in voiced) == sorted({p % 12 for p in pitches})


def test_neighbouring_chords_move_by_small_steps() -> None:
    progression = [voice_near(chord_intervals("major", c), 62) for c in chords(0, 4, 5, 3)]
    for before, after in itertools.pairwise(progression):
        movement = sum(min(abs(a - b) for b in before) for a in after)
        assert movement <= 8


def test_every_mood_has_a_playable_style() -> None:
    assert set(MOOD_STYLES) == set(Mood)
    for style in MOOD_STYLES.values():
        assert style.mode in MODES
        low, high = style.tempo_bpm
        assert 40 <= low <= high <= 160
        assert all(0 <= beat < style.beats_per_chord for beat in style.bass_beats)
        assert all(progression for progression in style.progressions)
