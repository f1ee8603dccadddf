"""The offline narrator: espeak-ng through its C library, which the espeakng-loader wheel ships
with its voice data, so no system package is needed.

libespeak-ng holds one synthesiser per process in global state: it is initialised once, and every
call into it goes through one lock. Its word events (a character offset and a millisecond) become
the word timings that subtitles are cut from.

Two voice features, pitch flutter and roughness, keep counters in function statics that no API
call resets, so a line would come out a few samples different depending on what the process said
before. Each voice is therefore loaded from a private copy of its file with both turned off
(a change of at most 2 Hz in pitch): the same line then always gives the same file.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import re
import shutil
import tempfile
import threading
import weakref
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import espeakng_loader
import numpy as np

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable
from shotgraph.models import SpokenLine
from shotgraph.pipeline.audio_files import write_wav
from shotgraph.pipeline.speech.casting import Casting, Part, VoiceGender
from shotgraph.pipeline.speech.espeak_voices import (
    FALLBACK_LANGUAGE,
    EspeakVoice,
    UnknownVoice,
    find_voice,
    voice_for_language,
)
from shotgraph.pipeline.speech.joining import Utterance, join_utterances
from shotgraph.pipeline.speech.protocol import Speech, WordTiming

log = logging.getLogger(__name__)

# espeak-ng's neutral pitch (0-100) for the narrator; characters' pitches by part, far enough
# apart to tell two speakers of a scene apart.
_NARRATOR_PITCH = 50
_PART_PITCHES: dict[VoiceGender, tuple[int, ...]] = {
    "female": (64, 74, 84, 58, 90, 69, 79),
    "male": (38, 30, 44, 24, 34, 41, 27),
}
# A 10 ms frame counts as voiced when its peak passes this (16-bit scale, about -40 dBFS).
_VOICED_PEAK = 330
_FRAME_S = 0.01
# A word is shown for at least this long, even when espeak-ng runs it into the next one.
_MIN_WORD_S = 0.05

# From espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAMETER_RATE = 1
_PARAMETER_PITCH = 3
_EE_OK = 0


class _EventId(ctypes.Union):
    _fields_ = (("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8))


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # in characters, counted from 1
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # in milliseconds from the start of the synthesis
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


class _VoiceEntry(ctypes.Structure):
    _fields_ = (
        ("name", ctypes.c_char_p),
        # Not a string: (priority byte, tag, NUL) pairs, ended by an empty tag.
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass
class _Utterance:
    samples: np.ndarray  # int16, mono
    word_marks: list[tuple[int, int]]  # (text position from 1, milliseconds)


class _Engine:
    """The initialised library, and what its callback collects during one synthesis."""

    def __init__(self) -> None:
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except OSError as exc:
            raise BackendUnavailable(
                "espeak-ng could not be loaded: reinstall the espeakng-loader package"
            ) from exc
        lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
        lib.espeak_SetSynthCallback.argtypes = (_SynthCallback,)
        lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetVoiceByFile.argtypes = (ctypes.c_char_p,)
        lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        lib.espeak_Synth.argtypes = (
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        )
        lib.espeak_ListVoices.argtypes = (ctypes.c_void_p,)
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceEntry))
        data = espeakng_loader.get_data_path().encode()
        self.sample_rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if self.sample_rate <= 0:
            raise BackendUnavailable("espeak-ng could not read its voice data")
        self._lib = lib
        self._chunks: list[bytes] = []
        self._marks: list[tuple[int, int]] = []
        # Kept on self: the library holds only a raw pointer to the callback.
        self._callback = _SynthCallback(self._collect)
        lib.espeak_SetSynthCallback(self._callback)
        self.voices = self._list_voices()
        self._data = Path(espeakng_loader.get_data_path())
        self._steady_files: dict[str, bytes | None] = {}
        self._steady_dir = Path(tempfile.mkdtemp(prefix="shotgraph-espeak-"))
        weakref.finalize(self, shutil.rmtree, self._steady_dir, ignore_errors=True)

    def _collect(self, wav: ctypes.Array, count: int, events: ctypes.Array) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_WORD:
                self._marks.append((event.text_position, event.audio_position))
            index += 1
        return 0  # go on synthesising

    def _list_voices(self) -> list[EspeakVoice]:
        entries = self._lib.espeak_ListVoices(None)
        voices = []
        index = 0
        while entries[index]:
            entry = entries[index].contents
            voices.append(
                EspeakVoice(
                    name=entry.name.decode(),
                    identifier=entry.identifier.decode(),
                    languages=_parse_languages(entry.languages),
                )
            )
            index += 1
        return voices

    def _steady_file(self, voice: EspeakVoice) -> bytes | None:
        """A copy of the voice's file without flutter and roughness, written once.

        espeak-ng reads the path through a 60-byte buffer that it lower-cases, so a temporary
        folder that does not survive that unchanged means the voice's own file, by name.
        """
        if voice.identifier not in self._steady_files:
            path = self._steady_dir / f"v{len(self._steady_files)}"
            sources = [
                self._data / "lang" / voice.identifier,
                self._data / "voices" / voice.identifier,
            ]
            source = next((file for file in sources if file.is_file()), None)
            name = str(path)
            if source is None or name != name.lower() or len(name) >= 60:
                self._steady_files[voice.identifier] = None
            else:
                path.write_bytes(source.read_bytes() + b"\nflutter 0\nroughness 0\n")
                self._steady_files[voice.identifier] = name.encode()
        return self._steady_files[voice.identifier]

    def synthesize(
        self, text: str, voice: EspeakVoice, words_per_minute: int, pitch: int
    ) -> _Utterance:
        """Speak one line; the caller holds the module lock."""
        steady = self._steady_file(voice)
        loaded = steady is not None and self._lib.espeak_SetVoiceByFile(steady) == _EE_OK
        if not loaded and self._lib.espeak_SetVoiceByName(voice.identifier.encode()) != _EE_OK:
            raise BackendUnavailable(f"espeak-ng could not load its voice {voice.identifier}")
        self._lib.espeak_SetParameter(_PARAMETER_RATE, words_per_minute, 0)
        self._lib.espeak_SetParameter(_PARAMETER_PITCH, pitch, 0)
        self._chunks, self._marks = [], []
        encoded = text.encode()
        status = self._lib.espeak_Synth(
            encoded, len(encoded) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        if status != _EE_OK:
            raise RuntimeError(f"espeak_Synth returned {status}")
        self._lib.espeak_Synchronize()
        samples = np.frombuffer(b"".join(self._chunks), dtype=np.int16)
        return _Utterance(samples=samples, word_marks=self._marks)


def _parse_languages(pointer: int) -> dict[str, int]:
    languages: dict[str, int] = {}
    position = pointer
    while (priority := ctypes.c_ubyte.from_address(position).value) != 0:
        tag = ctypes.string_at(position + 1)
        languages[tag.decode().lower()] = priority
        position += len(tag) + 2
    return languages


_lock = threading.Lock()
_engine_instance: _Engine | None = None


def _engine() -> _Engine:
    """The process's one engine, made on first use; the caller holds `_lock`."""
    global _engine_instance
    if _engine_instance is None:
        _engine_instance = _Engine()
    return _engine_instance


def list_voices() -> list[EspeakVoice]:
    """Every voice of the bundled espeak-ng data (for `shotgraph doctor` and for error texts)."""
    with _lock:
        return list(_engine().voices)


class EspeakNarrator:
    """Speaks a shot's lines with espeak-ng: narrator at the neutral pitch, each character at a
    pitch of their own, lines joined by a short pause."""

    name = "espeak"

    def __init__(self, settings: Settings) -> None:
        self._words_per_minute = settings.espeak_words_per_minute
        self._configured: EspeakVoice | None = None
        if settings.espeak_voice:
            voices = list_voices()
            self._configured = find_voice(voices, settings.espeak_voice)
            if self._configured is None:
                raise UnknownVoice(settings.espeak_voice, voices)

    async def speak(
        self,
        lines: list[SpokenLine],
        language: str,
        voice: str | None,
        out: Path,
        casting: Casting | None = None,
    ) -> Speech:
        """Write a mono 16-bit WAV to `out` and say when each word falls.

        Lines with nothing to say give a Speech of zero seconds and no file at all.
        """
        return await asyncio.to_thread(
            self._speak, lines, language, voice, out, casting or Casting()
        )

    def _speak(
        self,
        lines: list[SpokenLine],
        language: str,
        requested: str | None,
        out: Path,
        casting: Casting,
    ) -> Speech:
        chosen, note = self.choose_voice(language, requested)
        with _lock:
            engine = _engine()
            rate = engine.sample_rate
            utterances = []
            for line in lines:
                pitch = part_pitch(casting.part(line.speaker))
                spoken = engine.synthesize(line.text, chosen, self._words_per_minute, pitch)
                timings = word_timings(line.text, spoken.word_marks, spoken.samples, rate)
                utterances.append(Utterance(samples=spoken.samples, words=timings))
        samples, words = join_utterances(utterances, rate)
        if samples.size:
            write_wav(out, samples.astype(np.float32) / 32767.0, rate)
        return Speech(
            duration_s=samples.size / rate,
            sample_rate=rate,
            words=words,
            voice=chosen.tag,
            backend=self.name,
            note=note,
        )

    def choose_voice(self, language: str, requested: str | None) -> tuple[EspeakVoice, str | None]:
        """The voice to speak with, and a note when a wish could not be met.

        A voice asked for in the request that espeak-ng does not know (say an edge-tts name, on a
        job that fell back to espeak-ng) is not fatal: the job goes on with the language's voice.
        """
        voices = list_voices()
        note = None
        if requested:
            if found := find_voice(voices, requested):
                return found, None
            note = f"voice {requested!r} is not an espeak-ng voice"
        if self._configured is not None:
            chosen = self._configured
        elif by_language := voice_for_language(voices, language):
            chosen = by_language
        else:
            chosen = find_voice(voices, FALLBACK_LANGUAGE) or voices[0]
            note = _join(note, f"espeak-ng has no voice for language {language!r}")
        if note:
            note = f"{note}; spoke with {chosen.tag}"
            log.info("espeak-ng: %s", note)
        return chosen, note


def _join(first: str | None, second: str) -> str:
    return f"{first}, and {second}" if first else second


def part_pitch(part: Part | None) -> int:
    """The pitch a part speaks at: the narrator at the neutral pitch, women above it, men
    below it, each next character of a gender at a pitch of their own."""
    if part is None:
        return _NARRATOR_PITCH
    pitches = _PART_PITCHES[part.gender]
    return pitches[part.rank % len(pitches)]


def word_timings(
    text: str, marks: list[tuple[int, int]], samples: np.ndarray, sample_rate: int
) -> list[WordTiming]:
    """Timings for the whitespace-separated words of `text`, from espeak-ng's word events.

    espeak-ng may mark one written word several times (a number read as several words) or not
    at all (a lone dash); the first mark wins, and an unmarked word joins the word before it, so
    the words joined by spaces always give back the text. A word ends where its sound does, not
    where the next one starts, so pauses belong to no word.
    """
    tokens = [(match.start(), match.group()) for match in re.finditer(r"\S+", text)]
    if not tokens:
        return []
    token_starts = [start for start, _ in tokens]
    heard: dict[int, float] = {}
    for position, milliseconds in marks:
        index = bisect_right(token_starts, position - 1) - 1
        heard.setdefault(max(index, 0), milliseconds / 1000)
    groups: list[tuple[float, list[str]]] = []
    for index, (_, token) in enumerate(tokens):
        if index in heard or not groups:
            start = max(heard.get(index, 0.0), groups[-1][0] if groups else 0.0)
            groups.append((start, [token]))
        else:
            groups[-1][1].append(token)
    duration = samples.size / sample_rate
    voiced_until = _voiced_ends(samples, sample_rate)
    timings = []
    for position, (start, parts) in enumerate(groups):
        following = groups[position + 1][0] if position + 1 < len(groups) else duration
        end = min(max(voiced_until(start, following), start + _MIN_WORD_S), following)
        timings.append(WordTiming(text=" ".join(parts), start_s=start, end_s=end))
    return timings


def _voiced_ends(samples: np.ndarray, sample_rate: int) -> Callable[[float, float], float]:
    """A function giving the last voiced moment between two times (or the later time if none)."""
    frame = max(1, round(_FRAME_S * sample_rate))
    frame_s = frame / sample_rate
    count = samples.size // frame
    peaks = np.abs(samples[: count * frame].astype(np.int32)).reshape(count, frame).max(axis=1)
    voiced = np.flatnonzero(peaks >= _VOICED_PEAK)

    def voiced_until(start_s: float, end_s: float) -> float:
        first, last = int(start_s / frame_s), int(np.ceil(end_s / frame_s))
        inside = voiced[(voiced >= first) & (voiced < last)]
        return float(inside[-1] + 1) * frame_s if inside.size else end_s

    return voiced_until
