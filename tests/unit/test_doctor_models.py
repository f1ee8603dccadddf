"""`shotgraph doctor` on the GPU backends' weights: present, or the command that fetches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.doctor import run_checks

pytest.importorskip("torch", reason="the weights check needs the GPU backends' packages")
pytest.importorskip("huggingface_hub", reason="the weights check needs huggingface_hub")


def models_check(settings: Settings) -> tuple[bool, str]:
    check = next(c for c in run_checks(settings) if c.name == "models")
    return check.ok, check.detail


def test_local_model_folders_are_found_and_missing_hub_models_named(tmp_path: Path) -> None:
    keyframe = tmp_path / "keyframe"
    keyframe.mkdir()
    (keyframe / "model_index.json").write_text("{}")
    ok, detail = models_check(
        Settings(
            _env_file=None,
            gpu_enabled=False,
            storage_path=tmp_path,
            video_backend="diffusion",
            video_model="stable-video-diffusion",
            music_backend="none",
            diffusion_keyframe_model=str(keyframe),
            diffusion_svd_model="shotgraph-tests/absent-svd",
        )
    )
    assert not ok
    assert f"{keyframe} on disk" in detail
    assert "shotgraph-tests/absent-svd missing (shotgraph models download)" in detail


def test_offline_backends_need_no_weights(tmp_path: Path) -> None:
    assert models_check(Settings(_env_file=None, gpu_enabled=False, storage_path=tmp_path)) == (
        True,
        "no GPU backend configured",
    )
