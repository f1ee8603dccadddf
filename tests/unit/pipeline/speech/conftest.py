"""The edge-tts stand-in and settings that keep its failures quick."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shotgraph.config import Settings
from tests.fakes.edge_tts_server import FakeEdgeTts


@pytest.fixture
async def edge_service() -> AsyncIterator[FakeEdgeTts]:
    async with FakeEdgeTts() as service:
        yield service


@pytest.fixture
def edge_settings(settings: Settings) -> Settings:
    """One retry after a short wait, and a silent service given up on within a second."""
    return settings.model_copy(
        update={
            "tts_backend": "edge",
            "narration_retries": 1,
            "narration_retry_backoff_s": 0.01,
            "narration_timeout_s": 0.8,
        }
    )
