"""`shotgraph models download`: which weights the settings ask for, and the command's answers.
Fetching itself needs the internet, so these tests stop short of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shotgraph.pipeline.gpu.weights import Purpose, configured_weights
from tests.conftest import offline_settings


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shotgraph", "models", "download", *args],
        cwd=tmp_path,  # no developer .env
        env={**os.environ, "COLUMNS": "200", **env},  # wide enough that nothing wraps
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_profile_decides_which_models_are_wanted(tmp_path: Path) -> None:
    assert configured_weights(offline_settings(tmp_path)) == []
    gpu = offline_settings(
        tmp_path,
        video_backend="diffusion",
        video_model="stable-video-diffusion",
        music_backend="musicgen",
    )
    assert [w.model_id for w in configured_weights(gpu)] == [
        "stabilityai/sdxl-turbo",
        "stabilityai/stable-video-diffusion-img2vid-xt",
        "facebook/musicgen-small",
    ]
    assert [w.purpose for w in configured_weights(gpu, Purpose.MUSIC)] == [Purpose.MUSIC]
    ltx = gpu.model_copy(update={"video_model": "ltx-video"})
    assert [w.model_id for w in configured_weights(ltx, Purpose.VIDEO)] == ["Lightricks/LTX-Video"]


def test_dry_run_lists_the_models_and_local_folders_are_left_alone(tmp_path: Path) -> None:
    local = tmp_path / "my-musicgen"
    local.mkdir()
    done = run_cli(tmp_path, "--profile", "prod_gpu", "--dry-run", MUSICGEN_MODEL=str(local))
    assert done.returncode == 0, done.stderr
    assert "black-forest-labs/FLUX.2-klein-4B: would be downloaded (video)" in (
        done.stdout
    )
    assert f"{local}: a local folder, used as it is" in done.stdout


@pytest.mark.parametrize(
    ("args", "env", "code", "says"),
    [
        ((), {}, 0, "nothing to download"),
        (("--profile", "prod_gpu"), {"HF_HUB_OFFLINE": "1"}, 2, "HF_HUB_OFFLINE is set"),
        (("--only", "pictures"), {}, 2, "'pictures' is not one of 'video', 'music'"),
    ],
)
def test_answers_without_the_internet(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], code: int, says: str
) -> None:
    done = run_cli(tmp_path, *args, **env)
    assert done.returncode == code
    assert says in " ".join((done.stdout + done.stderr).split())
