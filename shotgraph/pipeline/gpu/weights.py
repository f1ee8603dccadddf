"""Which model weights the settings ask for, and fetching them ahead of time.

A worker should not find out at its first job that a 10 GB model is missing: `shotgraph
models download` fetches every configured model into the Hugging Face cache (HF_HOME) once,
and `doctor` reports what is there. Model ids that are local folders are used as they are.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel

from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable


class Purpose(StrEnum):
    VIDEO = "video"
    MUSIC = "music"


# The video model families the diffusion backend runs (VIDEO_MODEL).
PRESET_MODEL = "preset"
SVD_MODEL = "stable-video-diffusion"
LTX_MODEL = "ltx-video"
# Weights of other frameworks that repositories often carry beside the PyTorch ones.
_FOREIGN = (".onnx", ".onnx_data", ".msgpack", ".h5", ".ckpt", ".mlmodel", ".tflite", ".gguf")


class ModelWeights(BaseModel):
    purpose: Purpose
    model_id: str
    marker: str
    """A file every copy of the model has: `model_index.json` for a diffusers pipeline."""

    @property
    def local(self) -> bool:
        return Path(self.model_id).expanduser().is_dir()


def configured_weights(settings: Settings, only: Purpose | None = None) -> list[ModelWeights]:
    """The models the configured GPU backends will load, in the order they load them."""
    wanted: list[ModelWeights] = []
    if settings.video_backend == "diffusion" and only in (None, Purpose.VIDEO):
        if settings.video_model == PRESET_MODEL:
            from shotgraph.pipeline.gpu.presets import lineup

            chosen = lineup(settings)
            ids = [chosen.picture_model, chosen.video_model]
        elif settings.video_model == LTX_MODEL:
            ids = [settings.diffusion_t2v_model]
        else:
            ids = [settings.diffusion_keyframe_model, settings.diffusion_svd_model]
        wanted += [
            ModelWeights(purpose=Purpose.VIDEO, model_id=i, marker="model_index.json") for i in ids
        ]
    if settings.music_backend == "musicgen" and only in (None, Purpose.MUSIC):
        wanted.append(
            ModelWeights(
                purpose=Purpose.MUSIC, model_id=settings.musicgen_model, marker="config.json"
            )
        )
    return wanted


class RepoFile(BaseModel):
    path: str
    """Relative to the repository (or folder) root, with forward slashes."""
    size: int


class RepoListing(BaseModel):
    """A model repository's (or folder's) files, and its model_index.json when it has one."""

    files: list[RepoFile]
    model_index: dict[str, object] | None = None


class DownloadPlan(BaseModel):
    """The files of one model that its pipeline loads, and so the ones worth fetching."""

    model_id: str
    files: list[RepoFile]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


class VariantMissing(BackendUnavailable):
    """DIFFUSION_WEIGHTS_VARIANT names weights a repository does not have."""


# Weights file names as diffusers and transformers save them; the rest of a component
# (configs, tokenizers, schedulers) is always wanted.
_WEIGHTS = re.compile(r"\.(safetensors|bin)$")
_WEIGHTS_INDEX = re.compile(r"\.(safetensors|bin)\.index(\.[^.]+)?\.json$")


def _variant_of(name: str) -> str | None:
    """`fp16` for `diffusion_pytorch_model.fp16.safetensors`, shards
    (`model-00001-of-00002.fp16.safetensors`) and indexes (`...safetensors.index.fp16.json`)."""
    parts = name.split(".")
    if _WEIGHTS_INDEX.search(name):
        return parts[-2] if len(parts) > 4 else None
    return parts[-2] if len(parts) > 2 else None


def _component_files(component: str, files: list[RepoFile], variant: str | None) -> list[RepoFile]:
    """One component folder's files as from_pretrained reads them: every small file, and the
    weights of one format (safetensors before bin) and of the asked variant."""
    weights = [f for f in files if _WEIGHTS.search(f.path) or _WEIGHTS_INDEX.search(f.path)]
    others = [f for f in files if f not in weights and not f.path.endswith(tuple(_FOREIGN))]
    if not weights:
        return others
    safetensors = [f for f in weights if "safetensors" in f.path.rsplit("/", 1)[-1]]
    weights = safetensors or weights
    chosen = [f for f in weights if _variant_of(f.path.rsplit("/", 1)[-1]) == variant]
    if not chosen:
        have = sorted({_variant_of(f.path.rsplit("/", 1)[-1]) or "default" for f in weights})
        raise VariantMissing(
            f"{component} has no {variant or 'default'} weights (it has: {', '.join(have)}); "
            + (
                "unset DIFFUSION_WEIGHTS_VARIANT to fetch the default ones."
                if variant
                else "set DIFFUSION_WEIGHTS_VARIANT to one of those."
            )
        )
    return others + chosen


def plan_download(
    model_id: str, listing: RepoListing, variant: str | None, purpose: Purpose
) -> DownloadPlan:
    """The files of `listing` the model's pipeline loads. A diffusers pipeline loads what its
    model_index.json names, component by component (not the single-file checkpoints, other
    variants and other frameworks' weights many repositories carry beside them); any other
    model loads its top folder. The weights variant applies to the video models only."""
    if purpose is not Purpose.VIDEO:
        variant = None
    index = next((f for f in listing.files if f.path == "model_index.json"), None)
    if index is None or listing.model_index is None:
        top = [f for f in listing.files if "/" not in f.path]
        return DownloadPlan(model_id=model_id, files=_component_files(model_id, top, None))
    files = [index]
    for component in pipeline_components(listing.model_index):
        inside = [f for f in listing.files if f.path.startswith(f"{component}/")]
        try:
            files += _component_files(component, inside, variant)
        except VariantMissing as missing:
            raise VariantMissing(f"{model_id}: {missing}") from None
    return DownloadPlan(model_id=model_id, files=files)


def pipeline_components(model_index: dict[str, object]) -> list[str]:
    """The component folders model_index.json names (entries that are a [library, class]
    pair; `null` entries are optional parts the repository leaves out)."""
    return [
        name
        for name, value in model_index.items()
        if not name.startswith("_") and isinstance(value, list) and value[0] is not None
    ]


def repo_listing(weights: ModelWeights, settings: Settings) -> RepoListing:
    """Every file of the model with its size: from the folder when the id names one, else
    from the hub (one metadata request; nothing is downloaded)."""
    if weights.local:
        root = Path(weights.model_id).expanduser()
        files = [
            RepoFile(path=p.relative_to(root).as_posix(), size=p.stat().st_size)
            for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith(".")
        ]
        index = root / "model_index.json"
        model_index = json.loads(index.read_text()) if index.is_file() else None
        return RepoListing(files=files, model_index=model_index)
    if settings.hf_hub_offline:
        raise BackendUnavailable(
            "HF_HUB_OFFLINE is set, so nothing can be downloaded; unset it for this command."
        )
    try:
        from huggingface_hub import HfApi, hf_hub_download
    except ImportError as exc:
        raise BackendUnavailable(
            "Downloading models needs the GPU extra: pip install 'shotgraph[gpu]'."
        ) from exc
    try:
        info = HfApi().model_info(weights.model_id, files_metadata=True)
        files = [RepoFile(path=s.rfilename, size=s.size or 0) for s in info.siblings or []]
        model_index = None
        if any(f.path == "model_index.json" for f in files):
            index = Path(hf_hub_download(weights.model_id, "model_index.json"))
            model_index = json.loads(index.read_text())
    except Exception as exc:  # no connection, no such repository, no access
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackendUnavailable(
            f"The files of {weights.model_id} could not be listed on the Hugging Face hub "
            f"({reason}); check the connection, the model id and HF_TOKEN for gated models."
        ) from exc
    return RepoListing(files=files, model_index=model_index)


def download_plan(weights: ModelWeights, settings: Settings) -> DownloadPlan:
    """What `download` fetches for one model (or, for a local folder, what is loaded of it)."""
    return plan_download(
        weights.model_id,
        repo_listing(weights, settings),
        settings.diffusion_weights_variant,
        weights.purpose,
    )


def download(plan: DownloadPlan) -> Path:
    """Fetch exactly the planned files into the Hugging Face cache."""
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(plan.model_id, allow_patterns=[f.path for f in plan.files]))
