"""Settings turn into narrators: edge-tts always with espeak-ng behind it."""

from __future__ import annotations

from shotgraph.config import Settings
from shotgraph.pipeline.backends import build_backends
from shotgraph.pipeline.speech.espeak import EspeakNarrator
from shotgraph.pipeline.speech.fallback import FallbackNarrator


def test_each_tts_backend_setting_gives_its_narrator(settings: Settings) -> None:
    edge = build_backends(settings.model_copy(update={"tts_backend": "edge"}))
    assert isinstance(edge.narrator, FallbackNarrator)
    assert edge.names()["narration"] == "edge"
    assert not [note for note in edge.choice.notes if note.startswith("narration")]
    espeak = build_backends(settings)
    assert isinstance(espeak.narrator, EspeakNarrator)
    assert build_backends(settings.model_copy(update={"tts_backend": "none"})).narrator is None


def test_the_gpu_profile_narrates_with_edge_tts() -> None:
    prod = Settings(
        _env_file=None, execution_profile="prod_gpu", gpu_enabled=False, llm_provider="none"
    )
    assert prod.tts_backend == "edge"
    assert build_backends(prod).names()["narration"] == "edge"
