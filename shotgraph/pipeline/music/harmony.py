"""The music theory of the procedural score: modes, chords, voicings, and how each mood plays.

A mood is a small recipe (a mode, a few progressions, a tempo range, which instruments play and
how busily); the synth turns a recipe and a seed into notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shotgraph.models import Mood

# Semitones above the tonic of each degree of a mode.
MODES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
}

ChordKind = Literal["triad", "sus2", "sus4", "add9", "seventh"]
# Which degrees above the chord's root each kind stacks, counted in steps of the mode.
_CHORD_STEPS: dict[str, tuple[int, ...]] = {
    "triad": (0, 2, 4),
    "sus2": (0, 1, 4),
    "sus4": (0, 3, 4),
    "add9": (0, 2, 4, 8),
    "seventh": (0, 2, 4, 6),
}

ArpPattern = Literal["up", "updown", "scatter"]
PadTimbre = Literal["warm", "dark", "brass", "glass"]


@dataclass(frozen=True)
class Chord:
    degree: int
    """0 is the tonic; 4 the dominant; may be negative or above 6 to change octave."""
    kind: ChordKind = "triad"


def chords(*spec: int | tuple[int, ChordKind]) -> tuple[Chord, ...]:
    """A progression written compactly: `chords(0, 4, 5, (3, "sus2"))`."""
    return tuple(Chord(*item) if isinstance(item, tuple) else Chord(item) for item in spec)


@dataclass(frozen=True)
class MoodStyle:
    """How one mood plays."""

    mode: str
    progressions: tuple[tuple[Chord, ...], ...]
    tempo_bpm: tuple[int, int]
    beats_per_chord: int
    tonics: tuple[int, ...]
    """MIDI notes the key may start on, chosen by the seed."""
    pad: PadTimbre
    pad_center: int
    """MIDI note the pad's voicing gathers around."""
    bass_beats: tuple[float, ...]
    """Beats within a chord on which the bass plays its root."""
    arp_steps_per_beat: int
    arp_pattern: ArpPattern
    arp_density: float
    """Share of arpeggio steps that sound; the rest are rests."""
    drone: bool = False
    pulse: bool = False
    """A low staccato pulse on every eighth note, for suspense."""
    bass_octaves: bool = False


MOOD_STYLES: dict[Mood, MoodStyle] = {
    Mood.CALM: MoodStyle(
        mode="major",
        progressions=(chords(0, 4, 5, 3), chords(0, 3, 5, 4), chords(0, (5, "seventh"), 3, 4)),
        tempo_bpm=(70, 80),
        beats_per_chord=8,
        tonics=(60, 62, 65, 67),
        pad="warm",
        pad_center=62,
        bass_beats=(0, 4),
        arp_steps_per_beat=2,
        arp_pattern="up",
        arp_density=0.7,
    ),
    Mood.SAD: MoodStyle(
        mode="minor",
        progressions=(chords(0, 5, 2, 6), chords(0, 3, 5, 4), chords(0, 5, 3, (4, "sus4"))),
        tempo_bpm=(58, 66),
        beats_per_chord=8,
        tonics=(57, 62, 64, 60),
        pad="dark",
        pad_center=60,
        bass_beats=(0,),
        arp_steps_per_beat=1,
        arp_pattern="updown",
        arp_density=0.6,
    ),
    Mood.TENSE: MoodStyle(
        mode="harmonic_minor",
        progressions=(chords(0, 0, 5, 4), chords(0, 1, 0, 4), chords(0, 5, 1, 4)),
        tempo_bpm=(92, 108),
        beats_per_chord=4,
        tonics=(57, 59, 62, 64),
        pad="dark",
        pad_center=57,
        bass_beats=(0,),
        arp_steps_per_beat=2,
        arp_pattern="scatter",
        arp_density=0.3,
        drone=True,
        pulse=True,
    ),
    Mood.MYSTERIOUS: MoodStyle(
        mode="dorian",
        progressions=(
            chords((0, "sus2"), (3, "add9"), (6, "sus2"), (0, "sus4")),
            chords((0, "add9"), (1, "sus4"), (3, "sus2"), (0, "sus2")),
        ),
        tempo_bpm=(64, 76),
        beats_per_chord=8,
        tonics=(57, 62, 64, 55),
        pad="glass",
        pad_center=64,
        bass_beats=(0,),
        arp_steps_per_beat=2,
        arp_pattern="scatter",
        arp_density=0.35,
        drone=True,
    ),
    Mood.JOYFUL: MoodStyle(
        mode="major",
        progressions=(chords(0, 3, 4, 0), chords(0, 5, 3, 4), chords(0, 4, 5, 3)),
        tempo_bpm=(112, 126),
        beats_per_chord=4,
        tonics=(60, 62, 67, 65),
        pad="warm",
        pad_center=64,
        bass_beats=(0, 2),
        arp_steps_per_beat=4,
        arp_pattern="updown",
        arp_density=0.85,
    ),
    Mood.TRIUMPHANT: MoodStyle(
        mode="major",
        progressions=(chords(0, 4, 5, 3), chords(0, 3, 0, 4), chords(0, 4, 3, 4)),
        tempo_bpm=(96, 108),
        beats_per_chord=4,
        tonics=(60, 62, 58, 65),
        pad="brass",
        pad_center=60,
        bass_beats=(0, 2, 3),
        arp_steps_per_beat=2,
        arp_pattern="up",
        arp_density=0.9,
        bass_octaves=True,
    ),
}


def chord_intervals(mode: str, chord: Chord) -> list[int]:
    """Semitones above the tonic of each note of a chord, built by stacking steps of the mode."""
    scale = MODES[mode]
    notes = []
    for step in _CHORD_STEPS[chord.kind]:
        degree = chord.degree + step
        octave, position = divmod(degree, len(scale))
        notes.append(scale[position] + 12 * octave)
    return notes


def root_interval(mode: str, chord: Chord) -> int:
    return chord_intervals(mode, chord)[0]


def voice_near(pitches: list[int], center: int) -> list[int]:
    """The chord's pitch classes placed within six semitones of `center`, sorted.

    Gathering every chord around one centre keeps the voices moving by small steps from chord
    to chord, the way a pianist's hand would.
    """
    placed = {center - 6 + (pitch - (center - 6)) % 12 for pitch in pitches}
    return sorted(placed)
