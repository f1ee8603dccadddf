"""The online narrator: Microsoft Edge's read-aloud voices through the `edge-tts` library.

Each line is one request, spoken by the narrator's voice or by its character's, with the
word-boundary events asked for explicitly (the library's default is sentence boundaries). The
service streams MP3 frames, decoded here to the 16-bit WAV the mix reads, and the words it
reports are matched back to the written words, punctuation included, so subtitles follow the
voice and can break at the end of a sentence.

The service is unofficial and fails in waves; every failure surfaces as SpeechUnavailable and
requests go out one at a time (parallel bursts get 429 blocks). Retrying and falling back are
the job of `speech.fallback`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import weakref
from bisect import bisect_right
from collections.abc import Callable
from pathlib import Path

import aiohttp
import edge_tts
import numpy as np
from edge_tts.exceptions import EdgeTTSException

from shotgraph.config import Settings
from shotgraph.models import SpokenLine
from shotgraph.pipeline.audio_files import write_wav
from shotgraph.pipeline.composition.ffmpeg import FfmpegFailed, decode_audio
from shotgraph.pipeline.speech.casting import Casting
from shotgraph.pipeline.speech.edge_voices import (
    MULTILINGUAL_VOICE,
    UnknownEdgeVoice,
    is_voice_name,
    narrator_voice,
    voice_for_part,
)
from shotgraph.pipeline.speech.joining import Utterance, join_utterances
from shotgraph.pipeline.speech.protocol import Speech, SpeechUnavailable, WordTiming

log = logging.getLogger(__name__)

# The library asks for audio-24khz-48kbitrate-mono-mp3; decoding keeps its rate.
SAMPLE_RATE = 24_000
# Offsets and durations in the service's metadata count 100-nanosecond ticks.
_TICKS_PER_SECOND = 10_000_000

ConnectorFactory = Callable[[], aiohttp.BaseConnector]


class EdgeNarrator:
    """Speaks a shot's lines with edge-tts voices chosen by language and by part."""

    name = "edge"

    def __init__(self, settings: Settings, connector: ConnectorFactory | None = None) -> None:
        """`connector` makes the aiohttp connector of each request: the library builds its
        service address from a constant, so this hook (which the library offers) is how tests
        point the real client at a local stand-in. Production leaves it unset."""
        configured = settings.edge_tts_voice
        if configured and not is_voice_name(configured):
            raise UnknownEdgeVoice(configured)
        self._configured = configured
        self._rate = settings.edge_tts_rate
        self._pitch_hz = int(settings.edge_tts_pitch.removesuffix("Hz"))
        self._timeout_s = settings.narration_timeout_s
        self._connector = connector
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def speak(
        self,
        lines: list[SpokenLine],
        language: str,
        voice: str | None,
        out: Path,
        casting: Casting | None = None,
    ) -> Speech:
        """Write a mono 16-bit WAV to `out` and say when each word falls; raise
        SpeechUnavailable when the service fails on any line."""
        narrator, note = self.choose_voice(language, voice)
        casting = casting or Casting()
        utterances = []
        for line in lines:
            part = casting.part(line.speaker)
            name, shift = voice_for_part(part, language, narrator) if part else (narrator, 0)
            utterances.append(await self._say(line.text, name, self._pitch_hz + shift))
        samples, words = join_utterances(utterances, SAMPLE_RATE)
        if samples.size:
            write_wav(out, samples.astype(np.float32) / 32767.0, SAMPLE_RATE)
        return Speech(
            duration_s=samples.size / SAMPLE_RATE,
            sample_rate=SAMPLE_RATE,
            words=words,
            voice=narrator,
            backend=self.name,
            note=note,
        )

    def choose_voice(self, language: str, requested: str | None) -> tuple[str, str | None]:
        """The narrator's voice, and a note when a wish could not be met: the request's voice,
        then EDGE_TTS_VOICE, then the language's own voice, then a multilingual one."""
        note = None
        if requested:
            if is_voice_name(requested):
                return requested, None
            note = f"voice {requested!r} is not an edge-tts voice"
        if self._configured:
            chosen = self._configured
        elif by_language := narrator_voice(language):
            chosen = by_language
        else:
            chosen = MULTILINGUAL_VOICE
            note = f"{note}, and " if note else ""
            note += f"no edge-tts voice is listed for language {language!r}"
        if note:
            note = f"{note}; spoke with {chosen}"
            log.info("edge-tts: %s", note)
        return chosen, note

    def _lock(self) -> asyncio.Lock:
        """One request at a time per event loop (an asyncio lock belongs to one loop)."""
        loop = asyncio.get_running_loop()
        if loop not in self._locks:
            self._locks[loop] = asyncio.Lock()
        return self._locks[loop]

    async def _say(self, text: str, voice: str, pitch_hz: int) -> Utterance:
        if not any(char.isalnum() for char in text):
            return Utterance(samples=np.zeros(0, np.int16), words=[])
        communicate = edge_tts.Communicate(
            text,
            voice,
            rate=self._rate,
            pitch=f"{pitch_hz:+d}Hz",
            boundary="WordBoundary",
            connector=self._connector() if self._connector else None,
            connect_timeout=math.ceil(self._timeout_s),
            receive_timeout=math.ceil(self._timeout_s),
        )
        audio = bytearray()
        heard: list[WordTiming] = []
        async with self._lock():
            loop = asyncio.get_running_loop()
            try:
                # A service gone silent, not one still streaming a long line, is given up on.
                async with asyncio.timeout(self._timeout_s) as silence:
                    async for chunk in communicate.stream():
                        silence.reschedule(loop.time() + self._timeout_s)
                        if chunk["type"] == "audio":
                            audio += chunk["data"]
                        elif chunk["type"] == "WordBoundary":
                            start = chunk["offset"] / _TICKS_PER_SECOND
                            end = start + chunk["duration"] / _TICKS_PER_SECOND
                            heard.append(WordTiming(text=chunk["text"], start_s=start, end_s=end))
            except TimeoutError as exc:
                raise SpeechUnavailable(f"no answer for {self._timeout_s:g} s") from exc
            except aiohttp.WSServerHandshakeError as exc:
                raise SpeechUnavailable(f"HTTP {exc.status}", blocked=exc.status == 429) from exc
            except aiohttp.ClientConnectorError as exc:
                why = exc.os_error.strerror or exc.os_error
                raise SpeechUnavailable(f"cannot reach {exc.host}: {why}") from exc
            except (EdgeTTSException, aiohttp.ClientError, OSError) as exc:
                raise SpeechUnavailable(f"{type(exc).__name__}: {exc}") from exc
        try:
            samples = await asyncio.to_thread(decode_audio, bytes(audio), SAMPLE_RATE)
        except FfmpegFailed as exc:
            raise SpeechUnavailable("the audio it sent could not be decoded") from exc
        return Utterance(samples=samples, words=align_words(text, heard))


def align_words(text: str, heard: list[WordTiming]) -> list[WordTiming]:
    """The written words of `text` timed by the words the service reports hearing.

    The service reports bare words ("Hello" for `"Hello,`); each is found in the text after the
    previous one, and the written word holding it takes its timing, so punctuation stays with
    its word. A written word nothing was reported for joins the word before it, so the words
    joined by spaces always give back the text. When every report was found but the last word
    never came, the answer was cut short: that is a failure, not a shorter line.
    """
    tokens = [(match.start(), match.group()) for match in re.finditer(r"\S+", text)]
    token_starts = [start for start, _ in tokens]
    timed: dict[int, WordTiming] = {}
    cursor, unmatched = 0, 0
    for word in heard:
        found = text.find(word.text, cursor)
        if not word.text or found < 0:
            unmatched += 1
            continue
        index = bisect_right(token_starts, found) - 1
        earlier = timed.get(index)
        start = earlier.start_s if earlier else word.start_s
        timed[index] = WordTiming(text="", start_s=start, end_s=max(word.end_s, start))
        cursor = found + len(word.text)
    spoken = [index for index, (_, token) in enumerate(tokens) if any(c.isalnum() for c in token)]
    if spoken and spoken[-1] not in timed and not unmatched:
        raise SpeechUnavailable("the answer stopped before the last word")
    groups: list[tuple[WordTiming, list[str]]] = []
    leading: list[str] = []
    for index, (_, token) in enumerate(tokens):
        if index in timed:
            groups.append((timed[index], [*leading, token]))
            leading = []
        elif groups:
            groups[-1][1].append(token)
        else:
            leading.append(token)
    if leading:  # nothing at all was reported: the line is one untimed word
        return []
    return [
        WordTiming(text=" ".join(parts), start_s=timing.start_s, end_s=timing.end_s)
        for timing, parts in groups
    ]
