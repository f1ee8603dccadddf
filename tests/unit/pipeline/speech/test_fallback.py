"""Every way edge-tts fails in the wild ends in an audible espeak-ng shot, noted as such."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import numpy as np
import pytest

from shotgraph.config import Settings
from shotgraph.models import SpokenLine
from shotgraph.pipeline.audio_files import read_wav
from shotgraph.pipeline.speech.edge import EdgeNarrator
from shotgraph.pipeline.speech.espeak import EspeakNarrator
from shotgraph.pipeline.speech.fallback import FallbackNarrator
from tests.fakes.edge_tts_server import Behaviour, FakeEdgeTts

LINE = [SpokenLine(text="The wind was strong and cold, and the village slept below.")]


def _narrator(settings: Settings, service: FakeEdgeTts) -> FallbackNarrator:
    return FallbackNarrator(
        EdgeNarrator(settings, service.connector), EspeakNarrator(settings), settings
    )


def _rms(path: Path) -> float:
    samples, _ = read_wav(path)
    return float(np.sqrt(np.mean(samples**2)))


@pytest.mark.parametrize(
    ("behaviour", "reason", "connections"),
    [
        # edge-tts itself answers a 403 once more (after correcting its clock), so each of our
        # two attempts makes two connections.
        (Behaviour.FORBIDDEN, "HTTP 403", 4),
        (Behaviour.DROP, "the answer stopped before the last word", 2),
        (Behaviour.SILENT, "no answer for 0.8 s", 2),
        (Behaviour.STALL, "no answer for 0.8 s", 2),
        # A 429 is not retried: it would only lengthen the block.
        (Behaviour.TOO_MANY_REQUESTS, "HTTP 429", 1),
    ],
)
async def test_a_failing_service_gives_an_audible_espeak_shot_with_a_note(
    edge_settings: Settings,
    edge_service: FakeEdgeTts,
    tmp_path: Path,
    behaviour: Behaviour,
    reason: str,
    connections: int,
) -> None:
    edge_service.default = behaviour
    out = tmp_path / "shot.wav"
    speech = await _narrator(edge_settings, edge_service).speak(LINE, "en", None, out)

    assert edge_service.connections == connections
    assert speech.backend == "espeak"
    assert speech.note == f"edge failed ({reason}); spoke with espeak"
    assert _rms(out) > 0.03
    assert [w.text for w in speech.words] == LINE[0].text.split()
    assert speech.duration_s > 2.0


async def test_a_failure_that_passes_is_retried_and_the_voice_stays_online(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    edge_service.script = [Behaviour.DROP]
    speech = await _narrator(edge_settings, edge_service).speak(LINE, "en", None, tmp_path / "x")
    assert (speech.backend, speech.note, edge_service.connections) == ("edge", None, 2)


async def test_after_a_429_the_service_is_left_alone(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    edge_service.script = [Behaviour.TOO_MANY_REQUESTS]
    narrator = _narrator(edge_settings, edge_service)
    await narrator.speak(LINE, "en", None, tmp_path / "1.wav")
    later = await narrator.speak(LINE, "en", None, tmp_path / "2.wav")
    assert edge_service.connections == 1
    assert later.backend == "espeak"
    assert "asked us to wait" in (later.note or "")
    assert _rms(tmp_path / "2.wav") > 0.03


async def test_the_fallback_reads_a_spanish_shot_with_a_spanish_voice(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    edge_service.default = Behaviour.FORBIDDEN
    line = [SpokenLine(text="El viento soplaba fuerte sobre la colina.")]
    speech = await _narrator(edge_settings, edge_service).speak(line, "es", None, tmp_path / "x")
    assert (speech.backend, speech.voice) == ("espeak", "es")


async def test_once_a_shot_has_fallen_back_the_next_ones_try_only_once(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    edge_service.default = Behaviour.DROP
    narrator = _narrator(edge_settings, edge_service)
    await narrator.speak(LINE, "en", None, tmp_path / "1.wav")
    assert edge_service.connections == 2  # the first try and its retry
    await narrator.speak(LINE, "en", None, tmp_path / "2.wav")
    assert edge_service.connections == 3
    edge_service.default = Behaviour.SPEAK
    back = await narrator.speak(LINE, "en", None, tmp_path / "3.wav")
    assert back.backend == "edge"
    edge_service.script = [Behaviour.DROP]
    again = await narrator.speak(LINE, "en", None, tmp_path / "4.wav")
    assert (again.backend, edge_service.connections) == ("edge", 6)  # retries are back


async def test_requests_go_out_one_at_a_time(
    edge_settings: Settings, edge_service: FakeEdgeTts, tmp_path: Path
) -> None:
    narrator = _narrator(edge_settings, edge_service)
    shots = [
        narrator.speak([SpokenLine(text=f"Shot {n} has words.")], "en", None, tmp_path / f"{n}")
        for n in range(4)
    ]
    spoken = await asyncio.gather(*shots)
    assert {speech.backend for speech in spoken} == {"edge"}
    assert edge_service.most_at_once == 1


async def test_no_service_at_all_falls_back_with_the_reason(
    edge_settings: Settings, tmp_path: Path
) -> None:
    def nowhere() -> aiohttp.BaseConnector:
        return aiohttp.UnixConnector(path=str(tmp_path / "no-such-socket"))

    narrator = FallbackNarrator(
        EdgeNarrator(edge_settings, nowhere), EspeakNarrator(edge_settings), edge_settings
    )
    out = tmp_path / "x.wav"
    speech = await narrator.speak(LINE, "en", None, out)
    assert speech.backend == "espeak"
    assert speech.note is not None
    assert "cannot reach speech.platform.bing.com" in speech.note
    assert _rms(out) > 0.03
