"""A local stand-in for the read-aloud service edge-tts talks to, speaking its websocket
protocol, so the real `edge_tts.Communicate` client can be tested without the network.

It listens on a Unix socket. The library builds its service address from a module constant
(`wss://speech.platform.bing.com/...`) that no parameter changes, but it accepts an aiohttp
connector; an `aiohttp.UnixConnector` sends the very same handshake and frames over this socket,
in plain text, whatever host the URL names. Nothing in the library or in our code is patched.

Like the real service it checks what a client must send (the trusted-client token, a current
Sec-MS-GEC token and its version, the extension's Origin, a muid cookie, word boundaries asked
for, the MP3 format) and refuses with 403 otherwise. It speaks with espeak-ng, encodes MP3 with
the bundled ffmpeg, and reports each word's offset and duration in 100 ns ticks.

Each connection takes the next behaviour from the script it was given, then `default`.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Awaitable
from dataclasses import dataclass, field
from email.utils import formatdate
from enum import StrEnum
from pathlib import Path

import aiohttp
from aiohttp import web
from edge_tts.constants import TRUSTED_CLIENT_TOKEN, WSS_HEADERS
from edge_tts.drm import generate_sec_ms_gec_v2

from shotgraph.config import Settings
from shotgraph.models import SpokenLine
from shotgraph.pipeline.composition.ffmpeg import ffmpeg_command
from shotgraph.pipeline.speech.espeak import EspeakNarrator

SERVICE_PATH = "/consumer/speech/synthesize/readaloud/edge/v1"
AUDIO_CHUNK_BYTES = 4096
_TICKS_PER_SECOND = 10_000_000
_MP3_BYTES_PER_S = 48_000 // 8
# The token changes every five minutes; a client at a window's edge may hold the last one.
_TOKEN_WINDOW_S = 300
# The first edge-tts release that sends the token scheme checked here (Sec-MS-GEC v2, version
# "2-..."); older 7.x releases send v1 tokens, which the service no longer takes.
TOKEN_SCHEME_SINCE = (7, 3, 0)


class Behaviour(StrEnum):
    SPEAK = "speak"
    FORBIDDEN = "403"
    TOO_MANY_REQUESTS = "429"
    DROP = "drop"
    """Half the audio and words, then the connection is cut without a goodbye."""
    SILENT = "silent"
    """Accepts the request, then never answers."""
    STALL = "stall"
    """Half the audio and words, then silence with the connection still open."""


@dataclass
class SpeechRequest:
    """What one client asked for, as the stand-in understood it."""

    voice: str
    pitch: str
    rate: str
    text: str
    word_boundaries: bool
    output_format: str


@dataclass
class SentWord:
    text: str
    start_s: float
    end_s: float


@dataclass
class FakeEdgeTts:
    """The stand-in, run as `async with FakeEdgeTts() as service`; it records what it was asked
    and what it answered, for tests to compare with what the narrator made of it."""

    script: list[Behaviour] = field(default_factory=list)
    default: Behaviour = Behaviour.SPEAK
    connections: int = 0
    most_at_once: int = 0
    """The most connections open at the same time."""
    requests: list[SpeechRequest] = field(default_factory=list)
    sent_words: list[list[SentWord]] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    """Why a client was refused for what it sent (not for a scripted failure)."""

    def __post_init__(self) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="edge-"))  # short: socket paths are limited
        self.socket_path = self._folder / "s"
        self._voice = EspeakNarrator(Settings(_env_file=None))
        self._runner: web.AppRunner | None = None
        self._connectors: list[_RetryableUnixConnector] = []
        self._open = 0

    def connector(self) -> aiohttp.BaseConnector:
        """A connector to this stand-in, one per request."""
        connector = _RetryableUnixConnector(path=str(self.socket_path))
        self._connectors.append(connector)
        return connector

    async def __aenter__(self) -> FakeEdgeTts:
        app = web.Application()
        app.router.add_get(SERVICE_PATH, self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True)
        await self._runner.setup()
        await web.UnixSite(self._runner, str(self.socket_path)).start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for connector in self._connectors:
            await connector.really_close()
        if self._runner is not None:
            await self._runner.cleanup()
        shutil.rmtree(self._folder, ignore_errors=True)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.connections += 1
        self._open += 1
        self.most_at_once = max(self.most_at_once, self._open)
        try:
            return await self._answer(request)
        finally:
            self._open -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        behaviour = self.script.pop(0) if self.script else self.default
        date = {"Date": formatdate(usegmt=True)}
        if refusal := _refusal(request):
            self.refusals.append(refusal)
            return web.Response(status=403, headers=date, text=refusal)
        if behaviour is Behaviour.FORBIDDEN:
            return web.Response(status=403, headers=date)
        if behaviour is Behaviour.TOO_MANY_REQUESTS:
            return web.Response(status=429, headers=date)

        ws = web.WebSocketResponse()
        await ws.prepare(request)
        config = await ws.receive_str()
        ssml = await ws.receive_str()
        spoken = _parse_request(config, ssml)
        self.requests.append(spoken)
        if behaviour is Behaviour.SILENT:
            await ws.receive()  # until the client gives up and goes
            return ws
        if not spoken.word_boundaries or spoken.output_format != "audio-24khz-48kbitrate-mono-mp3":
            await ws.close()
            return ws

        mp3, words = await self._speak(spoken)
        chunks = [mp3[i : i + AUDIO_CHUNK_BYTES] for i in range(0, len(mp3), AUDIO_CHUNK_BYTES)]
        if behaviour in (Behaviour.DROP, Behaviour.STALL):
            chunks = chunks[: len(chunks) // 2]
        request_id = uuid.uuid4().hex
        await ws.send_str(_text_frame(request_id, "turn.start", {"context": {}}))
        await ws.send_str(_text_frame(request_id, "response", {"context": {}}))
        sent: list[SentWord] = []
        for index, chunk in enumerate(chunks):
            await ws.send_bytes(_audio_frame(request_id, chunk))
            # Each word is reported once the audio it starts in has gone out.
            heard_until_s = (index + 1) * AUDIO_CHUNK_BYTES / _MP3_BYTES_PER_S
            for word in words[len(sent) :]:
                if word.start_s >= heard_until_s:
                    break
                await ws.send_str(_text_frame(request_id, "audio.metadata", _metadata(word)))
                sent.append(word)
        if behaviour is Behaviour.DROP:
            self.sent_words.append(sent)
            assert request.transport is not None
            request.transport.abort()
            return ws
        if behaviour is Behaviour.STALL:
            self.sent_words.append(sent)
            await ws.receive()
            return ws
        for word in words[len(sent) :]:
            await ws.send_str(_text_frame(request_id, "audio.metadata", _metadata(word)))
        self.sent_words.append(words)
        await ws.send_str(_text_frame(request_id, "turn.end", {}))
        await ws.close()
        return ws

    async def _speak(self, spoken: SpeechRequest) -> tuple[bytes, list[SentWord]]:
        """Real speech for the text, in the voice's language, as 48 kb/s 24 kHz mono MP3."""
        language = spoken.voice.split("(")[-1].split("-")[0]
        wav = self._folder / f"{uuid.uuid4().hex}.wav"
        speech = await self._voice.speak([SpokenLine(text=spoken.text)], language, None, wav)
        encode = ffmpeg_command(
            "-i", wav, "-ac", "1", "-ar", "24000", "-b:a", "48k", "-f", "mp3", "pipe:1"
        )
        done = await asyncio.to_thread(subprocess.run, encode, capture_output=True, check=True)
        wav.unlink()
        # The service reports bare words: no quote marks, no punctuation.
        words = [
            SentWord(text=bare, start_s=w.start_s, end_s=w.end_s)
            for w in speech.words
            if (bare := re.sub(r"^\W+|\W+$", "", w.text))
        ]
        return done.stdout, words


class _RetryableUnixConnector(aiohttp.UnixConnector):
    """edge-tts answers a 403 by trying once more, in a new session over the connector it was
    given, which the first session has closed by then; this one outlives its sessions (each
    websocket closes its own connection) and is closed with the stand-in."""

    def close(self, *, abort_ssl: bool = False) -> Awaitable[None]:
        return asyncio.sleep(0)

    async def really_close(self) -> None:
        await super().close()


def _refusal(request: web.Request) -> str | None:
    query, headers = request.query, request.headers
    if query.get("TrustedClientToken") != TRUSTED_CLIENT_TOKEN:
        return "wrong trusted client token"
    now = time.time()
    current = {generate_sec_ms_gec_v2(now), generate_sec_ms_gec_v2(now - _TOKEN_WINDOW_S)}
    if query.get("Sec-MS-GEC") not in current:
        return "Sec-MS-GEC missing or stale"
    if not query.get("Sec-MS-GEC-Version", "").startswith("2-"):
        return "Sec-MS-GEC-Version missing"
    if not re.fullmatch(r"[0-9a-f]{32}", query.get("ConnectionId", "")):
        return "ConnectionId missing"
    if headers.get("Origin") != WSS_HEADERS["Origin"]:
        return "wrong Origin"
    if not re.match(r"muid=[0-9A-F]{32};", headers.get("Cookie", "")):
        return "muid cookie missing"
    return None


def _parse_request(config: str, ssml: str) -> SpeechRequest:
    config_headers, config_body = config.split("\r\n\r\n", 1)
    ssml_headers, ssml_body = ssml.split("\r\n\r\n", 1)
    assert "Path:speech.config" in config_headers
    assert "Path:ssml" in ssml_headers
    audio = json.loads(config_body)["context"]["synthesis"]["audio"]
    root = ElementTree.fromstring(ssml_body)
    namespace = "{http://www.w3.org/2001/10/synthesis}"
    voice = root.find(f"{namespace}voice")
    assert voice is not None
    prosody = voice.find(f"{namespace}prosody")
    assert prosody is not None
    return SpeechRequest(
        voice=voice.attrib["name"],
        pitch=prosody.attrib["pitch"],
        rate=prosody.attrib["rate"],
        text=prosody.text or "",
        word_boundaries=audio["metadataoptions"]["wordBoundaryEnabled"] == "true",
        output_format=audio["outputFormat"],
    )


def _text_frame(request_id: str, path: str, body: dict) -> str:
    return (
        f"X-RequestId:{request_id}\r\nContent-Type:application/json; charset=utf-8\r\n"
        f"Path:{path}\r\n\r\n{json.dumps(body)}"
    )


def _audio_frame(request_id: str, data: bytes) -> bytes:
    """A binary frame: a two-byte header length, the headers, then the MP3 bytes."""
    header = f"X-RequestId:{request_id}\r\nContent-Type:audio/mpeg\r\nPath:audio\r\n".encode()
    return len(header).to_bytes(2, "big") + header + data


def _metadata(word: SentWord) -> dict:
    return {
        "Metadata": [
            {
                "Type": "WordBoundary",
                "Data": {
                    "Offset": round(word.start_s * _TICKS_PER_SECOND),
                    "Duration": round((word.end_s - word.start_s) * _TICKS_PER_SECOND),
                    "text": {"Text": word.text, "Length": len(word.text), "BoundaryType": "Word"},
                },
            }
        ]
    }
