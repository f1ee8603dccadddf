"""Procedural music: a scene's bed from its mood, played by a small synth ensemble.

The score is a chord progression repeated bar by bar: a pad holds each chord, a bass plays its
root, an arpeggio picks through it, and tense or mysterious scenes add a drone and a pulse. A
bar's sound depends only on its chord and section, so each distinct bar is rendered once
(reverb included) and then laid end to end; the output is written block by block, so a long
scene never holds its whole score in memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Literal

import numpy as np

from shotgraph.models import Scene, fingerprint
from shotgraph.pipeline.audio_files import wav_writer
from shotgraph.pipeline.music.harmony import (
    MODES,
    MOOD_STYLES,
    Chord,
    MoodStyle,
    chord_intervals,
    voice_near,
)
from shotgraph.pipeline.music.instruments import (
    SAMPLE_RATE,
    TIMBRES,
    drone,
    pan_gains,
    render_note,
    reverb,
)
from shotgraph.pipeline.music.protocol import PreviousBed

FADE_S = 1.0
_BLOCK_FRAMES = 5 * SAMPLE_RATE
# Level of the loudest bar, and the ceiling its peaks may reach (the mix sets the final level).
_TARGET_RMS = 0.1
_PEAK_CEILING = 0.7
_REVERB_LEVEL = 0.35
_LEVELS = {"pad": 0.5, "bass": 0.55, "arp": 0.3, "pulse": 0.35, "drone": 0.12}
# How far the arrangement swells and ebbs over four bars.
_SWELL_DEPTH = 0.15
_CONTROL_FRAMES = 256
_BASS_RANGE = (36, 48)

Section = Literal["intro", "main", "variation"]


@dataclass(frozen=True)
class BarKey:
    """What makes one bar sound different from another."""

    chord: int
    """Position in the progression."""
    section: Section


@dataclass(frozen=True)
class ScorePlan:
    """Everything chosen about a bed before a note of it is rendered."""

    style: MoodStyle
    tonic: int
    beat_frames: int
    progression: tuple[Chord, ...]
    bars: tuple[BarKey, ...]
    total_frames: int
    seed: int

    @property
    def bar_frames(self) -> int:
        return self.beat_frames * self.style.beats_per_chord


class SynthMusic:
    """The offline music backend; it needs no settings."""

    name = "synth"
    continues_scenes = False
    """Each procedural bed stands alone; the mix crossfades them."""

    def load_models(self) -> None:
        """Synthesis needs no models."""

    def score(
        self,
        scene: Scene,
        duration_s: float,
        style: str,
        seed: int,
        out: Path,
        previous: PreviousBed | None = None,
    ) -> None:
        """Write a stereo 16-bit WAV of exactly `duration_s` seconds (to the sample)."""
        plan = plan_score(scene, duration_s, style, seed)
        write_score(plan, out)


def plan_score(scene: Scene, duration_s: float, style: str, seed: int) -> ScorePlan:
    """Key, tempo, progression and arrangement: everything chosen, nothing rendered yet."""
    digest = fingerprint("synth", scene.index, scene.setting, style, seed)
    rng = np.random.default_rng(int(digest[:16], 16))
    mood = MOOD_STYLES[scene.setting.mood]
    tempo = rng.uniform(*mood.tempo_bpm) * _pace(duration_s)
    beat_frames = round(60 / tempo * SAMPLE_RATE)
    progression = mood.progressions[rng.integers(len(mood.progressions))]
    total_frames = round(duration_s * SAMPLE_RATE)
    bar_count = max(1, math.ceil(total_frames / (beat_frames * mood.beats_per_chord)))
    return ScorePlan(
        style=mood,
        tonic=int(rng.choice(mood.tonics)),
        beat_frames=beat_frames,
        progression=progression,
        bars=tuple(_arrange(bar_count, len(progression))),
        total_frames=total_frames,
        seed=int(rng.integers(2**31)),
    )


def _pace(duration_s: float) -> float:
    """Short scenes move a little faster, long ones settle a little slower."""
    if duration_s < 20:
        return 1.06
    if duration_s > 90:
        return 0.95
    return 1.0


def _arrange(bar_count: int, cycle: int) -> list[BarKey]:
    """An intro without the arpeggio (when there is time for one), then the progression over
    and over, every third pass a variation."""
    intro = min(2, bar_count // 4)
    keys = []
    for bar in range(bar_count):
        section: Section = "intro" if bar < intro else "main"
        if section == "main" and (bar // cycle) % 3 == 2:
            section = "variation"
        keys.append(BarKey(chord=bar % cycle, section=section))
    return keys


def write_score(plan: ScorePlan, out: Path) -> None:
    """Render each distinct bar once, then lay the bars end to end into the WAV, block by
    block (a bar's tails run on under the next ones)."""
    rendered: dict[tuple[str, float, float], np.ndarray] = {}
    bars = {key: render_bar(plan, key, rendered) for key in set(plan.bars)}
    gain = _gain(plan, bars)
    longest = max(buffer.shape[0] for buffer in bars.values())
    with wav_writer(out, SAMPLE_RATE, 2) as writer:
        for start in range(0, plan.total_frames, _BLOCK_FRAMES):
            frames = min(_BLOCK_FRAMES, plan.total_frames - start)
            block = np.zeros((frames, 2), np.float32)
            first = max(0, (start - longest) // plan.bar_frames)
            last = min(len(plan.bars), (start + frames) // plan.bar_frames + 1)
            for index in range(first, last):
                _add_at(block, bars[plan.bars[index]], index * plan.bar_frames - start)
            if plan.style.drone:
                block += _LEVELS["drone"] * drone(_bass_note(plan.tonic), start, frames)
            block *= (gain * _master_envelope(plan, start, frames))[:, None]
            writer.write(block)


def _add_at(block: np.ndarray, sound: np.ndarray, offset: int) -> None:
    """Add `sound` into `block` starting `offset` frames in (negative: already under way)."""
    begin, end = max(offset, 0), min(offset + sound.shape[0], block.shape[0])
    if begin < end:
        block[begin:end] += sound[begin - offset : end - offset]


def _master_envelope(plan: ScorePlan, start: int, frames: int) -> np.ndarray:
    """Fade in, fade out, and a slow swell over every four bars.

    The swell is computed once every `_CONTROL_FRAMES` and held between: it moves far too
    slowly for the steps to be heard, and a per-sample cosine would cost more than the music.
    """
    control = np.arange(start, start + frames, _CONTROL_FRAMES, dtype=np.float64)
    swell = 1 - _SWELL_DEPTH * (1 - np.cos(2 * np.pi * control / (4 * plan.bar_frames))) / 2
    envelope = np.repeat(swell.astype(np.float32), _CONTROL_FRAMES)[:frames]
    fade = max(1, round(min(FADE_S * SAMPLE_RATE, plan.total_frames / 3)))
    if start < fade:
        head = np.arange(start, min(fade, start + frames)) / fade
        envelope[: head.size] *= np.sin(head * np.pi / 2) ** 2
    tail_start = plan.total_frames - fade
    if start + frames > tail_start:
        begin = max(tail_start, start)
        tail = (plan.total_frames - np.arange(begin, start + frames)) / fade
        envelope[begin - start :] *= np.sin(tail * np.pi / 2) ** 2
    return envelope


def _gain(plan: ScorePlan, bars: dict[BarKey, np.ndarray]) -> float:
    """One gain for the whole bed, from its loudest bar: the level never jumps mid-scene."""
    loudest = max(float(np.sqrt(np.mean(bar[: plan.bar_frames] ** 2))) for bar in bars.values())
    # Tails of the bar before add to every bar's peaks; allow for them.
    peak = 1.3 * max(float(np.abs(bar).max()) for bar in bars.values())
    return min(_TARGET_RMS / max(loudest, 1e-6), _PEAK_CEILING / max(peak, 1e-6))


def render_bar(
    plan: ScorePlan, key: BarKey, rendered: dict[tuple[str, float, float], np.ndarray]
) -> np.ndarray:
    """One bar of every instrument, its release and reverb tails included, as stereo float32.

    `rendered` caches notes across the bars of one score: chords share notes.
    """
    mood = plan.style
    chord = plan.progression[key.chord]
    pitches = [plan.tonic + interval for interval in chord_intervals(mood.mode, chord)]
    bar_s = plan.bar_frames / SAMPLE_RATE
    beat_s = plan.beat_frames / SAMPLE_RATE
    notes = _Notes(rendered)

    pad = voice_near(pitches, mood.pad_center)
    for position, note in enumerate(pad):
        pan = 0.5 * (2 * position / max(len(pad) - 1, 1) - 1)
        notes.play(mood.pad, note, 0.0, bar_s, _LEVELS["pad"] / np.sqrt(len(pad)), pan)

    root = _bass_note(pitches[0])
    beats = (*mood.bass_beats, mood.beats_per_chord)
    for beat, following in pairwise(beats):
        hold = (following - beat) * beat_s * 0.92
        notes.play("bass", root, beat * beat_s, hold, _LEVELS["bass"])
        if mood.bass_octaves:
            notes.play("bass", root + 12, beat * beat_s, hold, 0.5 * _LEVELS["bass"])

    if mood.pulse:
        eighth = beat_s / 2
        for step in range(mood.beats_per_chord * 2):
            accent = 1.0 if step % 2 == 0 else 0.6
            notes.play("pulse", root, step * eighth, 0.4 * eighth, _LEVELS["pulse"] * accent)

    if key.section != "intro":
        _arpeggio(plan, key, pitches, notes)

    dry = notes.mix()
    out = reverb(dry) * _REVERB_LEVEL
    out[: dry.shape[0]] += dry
    return out


def _arpeggio(plan: ScorePlan, key: BarKey, pitches: list[int], notes: _Notes) -> None:
    mood = plan.style
    rng = np.random.default_rng([plan.seed, key.chord, ("main", "variation").index(key.section)])
    center = mood.pad_center + (19 if key.section == "variation" else 12)
    tones = voice_near(pitches, center)
    tones.append(tones[0] + 12)
    steps = mood.beats_per_chord * mood.arp_steps_per_beat
    step_s = plan.beat_frames / SAMPLE_RATE / mood.arp_steps_per_beat
    scale = {(plan.tonic + interval) % 12 for interval in MODES[mood.mode]}
    for step in range(steps):
        if rng.random() > mood.arp_density and step > 0:
            continue
        note = _arp_tone(mood.arp_pattern, tones, step, rng)
        # Now and then a passing note of the scale, so the line is not a machine's.
        if step % mood.arp_steps_per_beat and rng.random() < 0.12:
            note = next(note + up for up in (1, 2, 3) if (note + up) % 12 in scale)
        on_beat = step % mood.arp_steps_per_beat == 0
        velocity = (1.0 if on_beat else 0.72) * rng.uniform(0.85, 1.0)
        nudge = rng.uniform(0, 0.008) if step else 0.0
        pan = 0.3 if step % 2 else -0.3
        notes.play(
            "pluck", note, step * step_s + nudge, 0.9 * step_s, _LEVELS["arp"] * velocity, pan
        )


def _arp_tone(pattern: str, tones: list[int], step: int, rng: np.random.Generator) -> int:
    if pattern == "up":
        return tones[step % len(tones)]
    if pattern == "updown":
        cycle = [*tones, *tones[-2:0:-1]]
        return cycle[step % len(cycle)]
    return tones[int(rng.integers(len(tones)))]


def _bass_note(pitch: int) -> int:
    low, high = _BASS_RANGE
    return low + (pitch - low) % (high - low)


class _Notes:
    """The notes of one bar, added into one stereo buffer; a repeated note renders once."""

    def __init__(self, rendered: dict[tuple[str, float, float], np.ndarray]) -> None:
        self._placed: list[tuple[int, np.ndarray, float, float]] = []
        self._rendered = rendered

    def play(
        self,
        timbre: str,
        note: float,
        at_s: float,
        hold_s: float,
        level: float,
        pan: float = 0.0,
    ) -> None:
        key = (timbre, note, round(hold_s, 4))
        if key not in self._rendered:
            self._rendered[key] = render_note(TIMBRES[timbre], note, hold_s)
        left, right = pan_gains(pan)
        # Constant-power panning at the centre is -3 dB; scale back so pan 0 is unity.
        norm = np.sqrt(2)
        self._placed.append(
            (
                round(at_s * SAMPLE_RATE),
                self._rendered[key],
                level * left * norm,
                level * right * norm,
            )
        )

    def mix(self) -> np.ndarray:
        frames = max(start + sound.shape[0] for start, sound, _, _ in self._placed)
        out = np.zeros((frames, 2), np.float32)
        for start, sound, left, right in self._placed:
            end = start + sound.shape[0]
            out[start:end, 0] += sound[:, 0] * left
            out[start:end, 1] += sound[:, 1] * right
        return out
