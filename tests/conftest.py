"""Fixtures shared by every test: settings that never read the developer's `.env`, and a
storage folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from shotgraph.config import Settings

pytest_plugins = ["tests.helpers.tiny_models"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Offline settings writing under the test's own folder."""
    return Settings(
        _env_file=None,
        execution_profile="debug_cpu",
        gpu_enabled=False,
        storage_path=tmp_path / "output",
        video_resolution="320x180",
        video_fps=12,
    )
