"""`shotgraph doctor`: what this machine has, what the settings pick, what can be reached.

Each check is independent and never raises: a broken piece is reported, not fatal, so one run
shows everything that needs fixing.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
from collections.abc import Callable, Iterator

import httpx
import redis
from pydantic import BaseModel

from shotgraph.config import Settings, resolve_backends
from shotgraph.logs import secrets_of
from shotgraph.pipeline.gpu.manager import WORKER_REPORTS, ModelReport
from shotgraph.pipeline.gpu.weights import configured_weights
from shotgraph.queue import keys
from shotgraph.queue.client import quick_redis
from shotgraph.queue.worker import alive_workers
from shotgraph.storage import open_storage, work_root
from shotgraph.storage.disk import free_bytes

# Seconds a Redis check waits before it reports Redis as unreachable.
_REDIS_TIMEOUT_S = 1.0
# Seconds the LLM check waits for the provider's model list.
_LLM_TIMEOUT_S = 10.0


class Check(BaseModel):
    name: str
    ok: bool
    detail: str
    warning: bool = False
    """Works, but an operator should change it; not a failure."""


def run_checks(settings: Settings) -> Iterator[Check]:
    checks: list[tuple[str, Callable[[Settings], tuple[bool, str]]]] = [
        ("python", _python),
        ("packages", _packages),
        ("ffmpeg", _ffmpeg),
        ("espeak-ng", _espeak),
        ("gpu", _gpu),
        ("models", _models),
        ("redis", _redis),
        ("workers", _workers),
        ("storage", _storage),
        ("backends", _backends),
        ("llm", _llm),
    ]
    for name, check in checks:
        try:
            ok, detail = check(settings)
        except Exception as exc:  # a doctor reports every failure instead of stopping at one
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        yield Check(name=name, ok=ok, detail=detail)
    yield _logging(settings)


def _python(settings: Settings) -> tuple[bool, str]:
    return True, f"{platform.python_version()} on {platform.machine()}"


_PACKAGES = (
    "pydantic",
    "numpy",
    "opencv-python-headless",
    "imageio-ffmpeg",
    "espeakng-loader",
    "edge-tts",
    "py3langid",
    "redis",
    "torch",
    "diffusers",
    "transformers",
)


def _packages(settings: Settings) -> tuple[bool, str]:
    found = []
    for name in _PACKAGES:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return True, ", ".join(found)


def _ffmpeg(settings: Settings) -> tuple[bool, str]:
    from shotgraph.pipeline.composition.ffmpeg import ffmpeg_exe, ffmpeg_version

    return True, f"{ffmpeg_version()} at {ffmpeg_exe()}"


def _espeak(settings: Settings) -> tuple[bool, str]:
    from shotgraph.pipeline.speech.espeak import list_voices

    voices = list_voices()
    return bool(voices), f"{len(voices)} voices"


def _gpu(settings: Settings) -> tuple[bool, str]:
    from shotgraph.pipeline.gpu.readiness import gpu_problem

    problem = gpu_problem(settings)
    if problem is not None:  # a prod_gpu worker here would refuse to start
        return False, problem
    gpu = settings.gpu
    if gpu is None:
        why = "disabled by GPU_ENABLED" if settings.gpu_enabled is False else "no CUDA device"
        return True, f"none ({why}); GPU backends fall back to offline ones"
    from shotgraph.pipeline.gpu.presets import chosen_preset

    return True, (
        f"{gpu.name}, {gpu.total_memory_gib} GiB, {gpu.device_count} device(s); "
        f"GPU_PRESET {chosen_preset(settings)}"
    )


def _models(settings: Settings) -> tuple[bool, str]:
    """The GPU backends' weights (present or the command to fetch them), what this process has
    loaded, and the GPU's memory."""
    wanted = configured_weights(settings)
    if not wanted:
        return True, "no GPU backend configured"
    if importlib.util.find_spec("torch") is None:
        return (
            False,
            "the GPU backends need torch, diffusers and transformers: pip install '.[gpu]'",
        )
    from shotgraph.pipeline.gpu.manager import gpu_memory, weights_on_disk

    parts, ok = [], True
    for weights in wanted:
        if weights_on_disk(weights.model_id, weights.marker):
            parts.append(f"{weights.model_id} on disk")
        else:
            ok = False
            parts.append(f"{weights.model_id} missing (shotgraph models download)")
    memory = gpu_memory()
    if memory is not None:
        parts.append(f"GPU memory {memory.free_gib} of {memory.total_gib} GiB free")
    return ok, "; ".join(parts)


def _redis(settings: Settings) -> tuple[bool, str]:
    try:
        with quick_redis(settings, _REDIS_TIMEOUT_S) as client:
            client.ping()
    except redis.RedisError as exc:
        return False, f"{settings.redis_address}: {exc} (only `shotgraph render` works without it)"
    return True, f"{settings.redis_address} answers (needed by the worker, bots and API)"


def _workers(settings: Settings) -> tuple[bool, str]:
    """The live workers, each with the models its pipelines hold warm and their GPU memory."""
    try:
        with quick_redis(settings, _REDIS_TIMEOUT_S) as client:
            beats = client.hgetall(keys.WORKERS)
            reports = client.hgetall(keys.WORKER_MODELS)
    except redis.RedisError:
        return True, "unknown (Redis does not answer)"
    alive = alive_workers(beats, settings.job_heartbeat_ttl_s)
    if not alive:
        return True, "none running (start one with `shotgraph worker`)"
    found = {
        name: WORKER_REPORTS.validate_json(raw)
        for name in alive
        if (raw := reports.get(name.encode()))
    }
    described = [_worker_line(name, found.get(name, [])) for name in alive]
    fell_back = any(r.fallbacks for worker in found.values() for r in worker)
    return not fell_back, f"{len(alive)} alive: " + "; ".join(described)


def _worker_line(name: str, reports: list[ModelReport]) -> str:
    """`name (models: ..., GPU x of y GiB free, fell back: ...)`."""
    models = sorted({f"{m.key} ({m.device}, {m.dtype})" for r in reports for m in r.models})
    facts = [f"models: {', '.join(models)}" if models else "no models (offline backends)"]
    facts += [
        f"GPU {r.gpu.free_gib} of {r.gpu.total_gib} GiB free, {r.gpu.allocated_gib} GiB used"
        for r in reports
        if r.gpu is not None
    ]
    fallbacks = sorted({note for r in reports for note in r.fallbacks})
    facts += [f"fell back: {note}" for note in fallbacks]
    return f"{name} ({'; '.join(facts)})"


def _logging(settings: Settings) -> Check:
    """Secrets are redacted at every level, but a debug log of a production box still holds
    every story, prompt and chat id: say so."""
    count = len(secrets_of(settings))
    redacted = (
        f"the {count} configured secrets, bot tokens and signed links are redacted from every line"
    )
    level = settings.log_level.upper()
    if level == "DEBUG" and settings.execution_profile == "prod_gpu":
        return Check(
            name="logging",
            ok=True,
            warning=True,
            detail=f"LOG_LEVEL=DEBUG on a prod_gpu box logs every story and request; use INFO "
            f"or WARNING ({redacted})",
        )
    return Check(name="logging", ok=True, detail=f"LOG_LEVEL={level}; {redacted}")


def _storage(settings: Settings) -> tuple[bool, str]:
    path = work_root(settings)
    path.mkdir(parents=True, exist_ok=True)
    probe = path / ".doctor-probe"
    probe.write_text("ok")
    probe.unlink()
    free_gb = free_bytes(path) / 1e9
    ok = free_gb >= settings.min_free_disk_gb
    room = f"{free_gb:.1f} GB free (MIN_FREE_DISK_GB={settings.min_free_disk_gb:g})"
    if settings.storage_backend == "s3":
        open_storage(settings).stat("jobs/.doctor-probe")  # raises if the bucket refuses us
        where = f"bucket {settings.s3_bucket} at {settings.s3_endpoint_url or 'AWS'} answers"
        return ok, f"{where}; scratch {path.resolve()} is writable, {room}"
    return ok, f"{path.resolve()} is writable, {room}"


def _backends(settings: Settings) -> tuple[bool, str]:
    choice = resolve_backends(settings)
    picked = (
        f"profile {settings.execution_profile}: llm={choice.llm_provider}, video={choice.video}, "
        f"tts={choice.tts}, music={choice.music}, safety={choice.safety}"
    )
    # A configured backend this machine would replace is a problem to fix, not a detail.
    return not choice.notes, "; ".join([picked, *choice.notes])


def _llm(settings: Settings) -> tuple[bool, str]:
    """The LLM provider answers, takes the key and offers every configured model. It asks for
    the model list, which costs no tokens."""
    from shotgraph.pipeline.llm.providers import models_url, offered_models
    from shotgraph.pipeline.llm.routing import Router

    choice = resolve_backends(settings)
    if choice.llm_provider == "none":
        return True, "not used: the rules planner needs no LLM"
    url = models_url(settings, choice.llm_provider)
    key = settings.llm_api_key
    headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}
    try:
        response = httpx.get(url, headers=headers, timeout=_LLM_TIMEOUT_S)
    except httpx.HTTPError as exc:
        return False, f"{url} cannot be reached ({type(exc).__name__}: {exc})"
    if response.status_code in (401, 403):
        return False, f"{url} refused LLM_API_KEY (HTTP {response.status_code})"
    if response.status_code == 404:
        return True, f"{url}: the server answers but lists no models, so none were checked"
    if response.status_code != 200:
        return False, f"{url} answered HTTP {response.status_code}"
    offered = offered_models(response.json())
    wanted = Router.from_settings(settings).model_ids(moderates=choice.safety == "llm")
    missing = [model for model in wanted if model not in offered]
    if missing:
        return False, f"{choice.llm_provider} at {url} does not offer {', '.join(missing)}"
    return True, f"{choice.llm_provider} at {url} offers all {len(wanted)} configured models"
