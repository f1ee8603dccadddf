"""The synth's instruments: wavetable notes with envelopes, a drone, and a convolution reverb.

Every note is a lookup into a one-cycle table built from its partials (only those below the
Nyquist limit, so high notes do not alias), shaped by an attack, an optional pluck decay and a
release. Notes are cached: a score repeats the same few notes many times.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np

SAMPLE_RATE = 44_100
_TABLE_SIZE = 4096
_PHASE_ONE = 1 << 32
_PHASE_SHIFT = 32 - 12  # the top 12 bits of the phase index the 4096-entry table
# Highest partial kept, as a share of the sample rate (just under Nyquist's half).
_PARTIAL_CEILING = 0.45
# A plucked note's first partials ring longer than the rest, as a real string's do.
_PLUCK_BODY_PARTIALS = 2
_REVERB_S = 2.2


@dataclass(frozen=True)
class Timbre:
    partials: tuple[float, ...]
    """Amplitude of harmonic 1, 2, 3, ..."""
    attack_s: float
    release_s: float
    decay_s: float | None = None
    """Plucked notes fade by a factor e every `decay_s`; None holds the note at full level."""
    unison_cents: tuple[float, ...] = (0.0,)
    """Detuned copies played together, spread across the stereo field by `width`."""
    width: float = 0.0


def _harmonic_series(count: int, tilt: float) -> tuple[float, ...]:
    return tuple(1.0 / n**tilt for n in range(1, count + 1))


TIMBRES: dict[str, Timbre] = {
    "warm": Timbre(_harmonic_series(8, 1.8), 1.2, 1.8, unison_cents=(-7, 0, 7), width=0.6),
    "dark": Timbre((1.0, 0.35, 0.12, 0.05, 0.02), 1.5, 2.0, unison_cents=(-5, 5), width=0.5),
    "brass": Timbre(_harmonic_series(14, 1.0), 0.35, 1.0, unison_cents=(-9, -3, 3, 9), width=0.7),
    "glass": Timbre(
        (1.0, 0.0, 0.45, 0.0, 0.25, 0.0, 0.12), 0.9, 2.2, unison_cents=(-4, 4), width=0.8
    ),
    "pluck": Timbre(_harmonic_series(10, 1.2), 0.004, 0.15, decay_s=0.35),
    "bass": Timbre((1.0, 0.4, 0.15, 0.05), 0.02, 0.3),
    "pulse": Timbre((1.0, 0.5, 0.25, 0.1), 0.003, 0.06, decay_s=0.09),
}


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def pan_gains(pan: float) -> tuple[float, float]:
    """Constant-power gains for a position from -1 (left) to 1 (right)."""
    angle = (pan + 1) * np.pi / 4
    return float(np.cos(angle)), float(np.sin(angle))


@cache
def _table(partials: tuple[float, ...]) -> np.ndarray:
    phase = np.arange(_TABLE_SIZE) * (2 * np.pi / _TABLE_SIZE)
    wave = np.zeros(_TABLE_SIZE)
    for number, amplitude in enumerate(partials, start=1):
        wave += amplitude * np.sin(number * phase)
    peak = np.abs(wave).max()
    return (wave / peak if peak else wave).astype(np.float32)


def _band_limited(partials: tuple[float, ...], frequency: float) -> tuple[float, ...]:
    keep = max(1, int(_PARTIAL_CEILING * SAMPLE_RATE / frequency))
    return partials[:keep]


def oscillate(
    partials: tuple[float, ...], frequency: float, frames: int, phase: float = 0.0
) -> np.ndarray:
    """`frames` samples of the waveform, starting `phase` cycles in (for seamless blocks).

    The phase is a 32-bit fixed-point accumulator whose overflow is the wrap to the next
    cycle: integer arithmetic, several times faster than a float modulo.
    """
    table = _table(_band_limited(partials, frequency))
    step = np.uint32(round(frequency / SAMPLE_RATE * _PHASE_ONE) % _PHASE_ONE)
    cycles = np.arange(frames, dtype=np.uint32)
    cycles *= step
    cycles += np.uint32(round((phase % 1.0) * _PHASE_ONE) % _PHASE_ONE)
    cycles >>= _PHASE_SHIFT
    return table[cycles]


def _envelope(timbre: Timbre, seconds: np.ndarray, hold_s: float) -> np.ndarray:
    rise = np.clip(seconds / timbre.attack_s, 0.0, 1.0)
    rise = rise * rise * (3 - 2 * rise)
    fall = np.clip(1.0 - (seconds - hold_s) / timbre.release_s, 0.0, 1.0) ** 2
    return (rise * fall).astype(np.float32)


def render_note(timbre: Timbre, note: float, hold_s: float) -> np.ndarray:
    """One note, held `hold_s` and then released, as stereo float32 (frames, 2)."""
    frequency = midi_hz(note)
    frames = round((hold_s + timbre.release_s) * SAMPLE_RATE)
    seconds = np.arange(frames) / SAMPLE_RATE
    envelope = _envelope(timbre, seconds, hold_s)
    out = np.zeros((frames, 2), np.float32)
    voices = timbre.unison_cents
    for position, cents in enumerate(voices):
        detuned = frequency * 2 ** (cents / 1200)
        # Spread the voices' starting phases so they never begin in step and thump.
        start = (position * 0.381966) % 1.0
        if timbre.decay_s is None:
            wave = oscillate(timbre.partials, detuned, frames, start)
        else:
            wave = _plucked(timbre.partials, detuned, seconds, timbre.decay_s, start)
        spread = timbre.width * (2 * position / (len(voices) - 1) - 1) if len(voices) > 1 else 0
        left, right = pan_gains(spread)
        out[:, 0] += wave * left
        out[:, 1] += wave * right
    out *= (envelope / np.sqrt(len(voices)))[:, None]
    return out


def _plucked(
    partials: tuple[float, ...], frequency: float, seconds: np.ndarray, decay_s: float, phase: float
) -> np.ndarray:
    """A plucked string: the body rings for `decay_s`, the brighter partials die three times
    as fast, so the note mellows as it fades."""
    split = _PLUCK_BODY_PARTIALS
    body = oscillate(partials[:split], frequency, seconds.size, phase)
    bright = oscillate((0.0,) * split + partials[split:], frequency, seconds.size, phase)
    body *= np.exp(-seconds / decay_s).astype(np.float32)
    bright *= np.exp(-3 * seconds / decay_s).astype(np.float32)
    return body + 0.5 * bright


def drone(root: float, start_frame: int, frames: int) -> np.ndarray:
    """A low root and fifth held without end, as stereo float32; seamless across blocks.

    The fifth is tuned just (3:2), so root and fifth share one period of two root cycles and
    one table plays both; the two sides are detuned a little against each other, so the
    drone slowly beats and breathes.
    """
    base = midi_hz(root) / 2
    partials = (0.0, 1.0, 1.0, 0.35, 0.0, 0.25)  # root, fifth and their octaves
    out = np.empty((frames, 2), np.float32)
    for side, cents in enumerate((-3.0, 3.0)):
        frequency = base * 2 ** (cents / 1200)
        phase = (frequency * start_frame / SAMPLE_RATE) % 1.0
        out[:, side] = oscillate(partials, frequency, frames, phase)
    return out


@cache
def _impulse_response() -> np.ndarray:
    """A small hall: stereo decaying noise, its highs dying faster than its lows."""
    rng = np.random.default_rng(20240611)
    frames = round(_REVERB_S * SAMPLE_RATE)
    seconds = np.arange(frames) / SAMPLE_RATE
    response = np.empty((frames, 2), np.float32)
    for side in range(2):
        noise = rng.standard_normal(frames)
        # A running mean of 12 samples keeps the lows: the slow-dying, darker part of the tail.
        dark = np.convolve(noise, np.ones(12) / 12, mode="same")
        tail = noise * np.exp(-seconds / 0.12) + 2.5 * dark * np.exp(-seconds / 0.45)
        tail[: round(0.02 * SAMPLE_RATE)] = 0  # pre-delay: the first reflection is 20 ms away
        response[:, side] = tail / np.sqrt(np.sum(tail**2))
    return response


@lru_cache(maxsize=4)
def _response_spectra(size: int) -> np.ndarray:
    return np.fft.rfft(_impulse_response(), size, axis=0)


def reverb(dry: np.ndarray) -> np.ndarray:
    """The wet signal of a stereo buffer, `_REVERB_S` longer than it (mono in, stereo out)."""
    length = dry.shape[0] + _impulse_response().shape[0] - 1
    size = 1 << (length - 1).bit_length()
    spectrum = np.fft.rfft(dry.mean(axis=1), size)
    wet = np.fft.irfft(spectrum[:, None] * _response_spectra(size), size, axis=0)
    return wet[:length].astype(np.float32)
