"""Fixtures for the pipeline's tests: settings pointing at the fake LLM server."""

from __future__ import annotations

import pytest

from shotgraph.config import Settings
from tests.fakes.llm_server import FakeLlmServer


@pytest.fixture
def llm_settings(settings: Settings, llm_server: FakeLlmServer) -> Settings:
    """Settings for an OpenAI-compatible provider at the fake, with short timeouts and backoff."""
    return settings.model_copy(
        update={
            "llm_provider": "openai",
            "llm_base_url": llm_server.url,
            "llm_timeout_s": 0.5,
            "llm_max_attempts": 2,
            "llm_backoff_s": 0.01,
            "llm_backoff_max_s": 1.0,
            "use_toon_format": True,
        }
    )
