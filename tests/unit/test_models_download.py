"""`shotgraph models download`: which weights the settings ask for, and the command's answers.
Fetching itself needs the internet, so these tests stop short of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shotgraph.pipeline.gpu.weights import (
    Purpose,
    VariantMissing,
    configured_weights,
    plan_download,
)
from tests.conftest import offline_settings
from tests.helpers.hub_repos import (
    FLUX2_KLEIN_4B,
    FLUX2_KLEIN_INDEX,
    GB,
    LTX_VIDEO_0_9_5,
    LTX_VIDEO_INDEX,
    MB,
    MUSICGEN_SMALL,
    lay_out,
    listing,
)


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


def test_without_the_hub_the_dry_run_says_so_in_a_sentence(tmp_path: Path) -> None:
    done = run_cli(
        tmp_path,
        "--profile",
        "prod_gpu",
        "--dry-run",
        HF_ENDPOINT="http://127.0.0.1:1",  # nothing listens there
    )
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, said
    assert "The files of black-forest-labs/FLUX.2-klein-4B could not be listed" in said
    assert "Traceback" not in said


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


def test_only_the_components_a_pipeline_loads_are_fetched() -> None:
    """Single-file checkpoints, media and a second copy of the weights in another format stay
    on the hub; the 24 GB preset's models come to under 40 GB."""
    flux = plan_download(
        "black-forest-labs/FLUX.2-klein-4B",
        listing(FLUX2_KLEIN_4B, FLUX2_KLEIN_INDEX),
        None,
        Purpose.VIDEO,
    )
    ltx = plan_download(
        "Lightricks/LTX-Video-0.9.5", listing(LTX_VIDEO_0_9_5, LTX_VIDEO_INDEX), None, Purpose.VIDEO
    )
    music = plan_download("facebook/musicgen-small", listing(MUSICGEN_SMALL), None, Purpose.MUSIC)
    paths = {f.path for plan in (flux, ltx, music) for f in plan.files}
    assert "transformer/diffusion_pytorch_model.safetensors" in paths
    assert "text_encoder/model-00002-of-00002.safetensors" in paths
    assert "tokenizer/spiece.model" in paths
    for left in ("flux-2-klein-4b.safetensors", "ltx-video-2b-v0.9.5.safetensors"):
        assert left not in paths
    assert not any(p.startswith(("media/", "assets/")) or p.endswith(".bin") for p in paths)
    total = flux.total_bytes + ltx.total_bytes + music.total_bytes
    whole = sum(FLUX2_KLEIN_4B.values()) + sum(LTX_VIDEO_0_9_5.values())
    assert total < 40 * GB < whole + sum(MUSICGEN_SMALL.values())


def test_a_variant_takes_only_its_weights_and_a_missing_one_is_named() -> None:
    files = {
        "model_index.json": 400,
        "unet/config.json": 1_000,
        "unet/diffusion_pytorch_model.safetensors": 10 * GB,
        "unet/diffusion_pytorch_model.fp16.safetensors": 5 * GB,
        "vae/config.json": 1_000,
        "vae/diffusion_pytorch_model.fp16.safetensors": 160 * MB,
    }
    index = {"unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"]}
    plan = plan_download("sd/model", listing(files, index), "fp16", Purpose.VIDEO)
    weights = sorted(f.path for f in plan.files if f.path.endswith(".safetensors"))
    assert weights == [
        "unet/diffusion_pytorch_model.fp16.safetensors",
        "vae/diffusion_pytorch_model.fp16.safetensors",
    ]
    with pytest.raises(VariantMissing, match=r"FLUX\.2-klein-4B: text_encoder has no fp16"):
        plan_download(
            "black-forest-labs/FLUX.2-klein-4B",
            listing(FLUX2_KLEIN_4B, FLUX2_KLEIN_INDEX),
            "fp16",
            Purpose.VIDEO,
        )


def test_dry_run_prints_every_file_and_the_total(tmp_path: Path) -> None:
    """The preset's models as folders laid out like their hub repositories (sparse files of the
    documented sizes): the dry run lists what each pipeline loads, and the total."""
    flux = lay_out(tmp_path / "flux", FLUX2_KLEIN_4B, FLUX2_KLEIN_INDEX)
    ltx = lay_out(tmp_path / "ltx", LTX_VIDEO_0_9_5, LTX_VIDEO_INDEX)
    music = lay_out(tmp_path / "music", MUSICGEN_SMALL)
    done = run_cli(
        tmp_path,
        "--profile",
        "prod_gpu",
        "--dry-run",
        GPU_PRESET="24gb",
        DIFFUSION_PICTURE_MODEL=str(flux),
        DIFFUSION_I2V_MODEL=str(ltx),
        MUSICGEN_MODEL=str(music),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"{flux} (video, a local folder, used as it is): 15 files, 16.0 GB" in lines
    assert "  transformer/diffusion_pytorch_model.safetensors  7.8 GB" in lines
    assert not any("ltx-video-2b-v0.9.5.safetensors" in line for line in lines)
    assert "Total: 32.3 GB, of which 0 bytes to download" in lines


def test_a_missing_variant_is_one_sentence(tmp_path: Path) -> None:
    flux = lay_out(tmp_path / "flux", FLUX2_KLEIN_4B, FLUX2_KLEIN_INDEX)
    done = run_cli(
        tmp_path,
        "--only",
        "video",
        "--dry-run",
        VIDEO_BACKEND="diffusion",
        DIFFUSION_WEIGHTS_VARIANT="fp16",
        DIFFUSION_PICTURE_MODEL=str(flux),
    )
    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2
    assert (
        "text_encoder has no fp16 weights (it has: default); unset DIFFUSION_WEIGHTS_VARIANT"
        in said
    )
    assert "Traceback" not in said
