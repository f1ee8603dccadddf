"""Settings: the only module that reads the environment (and `.env`).

Every variable of the README lives here as a field. The execution profile fills in the backends
left unset, and `resolve_backends` turns the wishes into what this machine can really run,
with a reason for every fallback.
"""

from __future__ import annotations

import logging
import re
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shotgraph.hardware import GpuInfo, detect_gpu

log = logging.getLogger(__name__)


class ExecutionProfile(StrEnum):
    """How much machine the pipeline expects: a laptop CPU or a GPU box."""

    DEBUG_CPU = "debug_cpu"
    PROD_GPU = "prod_gpu"


LlmProvider = Literal["none", "together", "openai"]
VideoBackendName = Literal["animatic", "diffusion"]
TtsBackendName = Literal["espeak", "edge", "none"]
MusicBackendName = Literal["synth", "musicgen", "none"]
SafetyBackendName = Literal["rules", "llm", "none"]


class Resolution(BaseModel):
    """A frame size; always even, as H.264 with 4:2:0 chroma requires."""

    model_config = {"frozen": True}

    width: Annotated[int, Field(ge=64, le=7680, multiple_of=2)]
    height: Annotated[int, Field(ge=64, le=4320, multiple_of=2)]

    @classmethod
    def parse(cls, text: str) -> Resolution:
        try:
            width, height = (int(part) for part in text.lower().split("x"))
        except ValueError as exc:
            raise ValueError(f"resolution must look like 1024x576, not {text!r}") from exc
        return cls(width=width, height=height)

    def for_portrait(self) -> Resolution:
        """The same frame turned on its side, for 9:16 films."""
        long, short = max(self.width, self.height), min(self.width, self.height)
        return Resolution(width=short, height=long)

    def for_landscape(self) -> Resolution:
        long, short = max(self.width, self.height), min(self.width, self.height)
        return Resolution(width=long, height=short)

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


class ModelPrice(BaseModel):
    """What a model costs, in dollars per million input and output tokens."""

    input_per_m: Annotated[float, Field(ge=0)]
    output_per_m: Annotated[float, Field(ge=0)]


# Defaults per profile for the fields a user leaves unset.
_PROFILE_DEFAULTS: dict[ExecutionProfile, dict[str, str]] = {
    ExecutionProfile.DEBUG_CPU: {
        "llm_provider": "none",
        "video_backend": "animatic",
        "tts_backend": "espeak",
        "music_backend": "synth",
        "safety_backend": "rules",
        "video_preset": "superfast",
    },
    ExecutionProfile.PROD_GPU: {
        "llm_provider": "together",
        "video_backend": "diffusion",
        "tts_backend": "edge",
        "music_backend": "musicgen",
        "safety_backend": "llm",
        "video_preset": "veryfast",
    },
}


# What Telegram allows as a webhook's secret token.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class Settings(BaseSettings):
    """All configuration, from environment variables or `.env` (see `.env.example`)."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    # Execution profile
    execution_profile: ExecutionProfile = ExecutionProfile.DEBUG_CPU
    gpu_enabled: bool | None = Field(
        default=None, description="true/false; unset means use a GPU when one is found"
    )

    # LLM
    llm_provider: LlmProvider | None = None
    llm_api_key: SecretStr | None = None
    llm_base_url: str | None = None
    llm_model: str = "mistralai/Mistral-7B-Instruct-v0.3"
    llm_parallel: bool = False
    llm_model_story_compress: str = "google/gemma-3n-E4B-it"
    llm_model_story_compress_fallback: str = "meta-llama/Llama-3.2-3B-Instruct-Turbo"
    llm_model_scene_draft: str = "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"
    llm_model_scene_draft_large: str = "meta-llama/Llama-4-Scout-17B-16E-Instruct"
    llm_model_shot_final: str = "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8"
    llm_model_shot_final_fallback: str = "meta-llama/Llama-3.3-70B-Instruct-Turbo"
    llm_model_json_repair: str = "meta-llama/Llama-3.2-3B-Instruct-Turbo"
    llm_safety_model: str = "meta-llama/Llama-Guard-4-12B"
    llm_skip_summarization_threshold: int = Field(default=2000, ge=0)
    llm_use_large_context_threshold: int = Field(default=8000, ge=0)
    use_toon_format: bool = True
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_attempts: int = Field(default=3, ge=1, le=10)
    llm_backoff_s: float = Field(default=1.0, ge=0)
    llm_backoff_max_s: float = Field(default=30.0, ge=0)
    llm_parallel_limit: int = Field(default=4, ge=1, le=64)
    llm_prices: dict[str, ModelPrice] = Field(
        default_factory=dict, description="JSON; per model, dollars per 1M tokens, over defaults"
    )

    # Backends (unset: the profile decides)
    video_backend: VideoBackendName | None = None
    tts_backend: TtsBackendName | None = None
    music_backend: MusicBackendName | None = None
    safety_backend: SafetyBackendName | None = None

    # Video
    video_model: str = Field(
        default="preset",
        description="preset: references, keyframes and image-to-video from GPU_PRESET",
    )
    # NoDecode: the environment spells it 1024x576, not JSON.
    video_resolution: Annotated[Resolution, NoDecode] = Resolution(width=1024, height=576)
    video_fps: int = Field(default=24, ge=1, le=60)
    video_preset: str | None = Field(
        default=None, description="libx264 preset; the profile picks one when unset"
    )
    video_crf: int = Field(default=21, ge=0, le=51)
    burn_subtitles: bool = False
    # Films made for a chat burn their captions in by default: chat apps' players do not show
    # an MP4's soft subtitle track. A server, a chat or a request may choose otherwise.
    chat_captions: Literal["burned", "soft", "off"] = "burned"

    # Diffusion / MusicGen (the GPU backends; model ids may be hub ids or local folders)
    diffusion_device: str = Field(
        default="cuda", description="torch device; cpu runs float32 (tests, debugging)"
    )
    diffusion_dtype: Literal["float16", "bfloat16"] = "float16"
    gpu_preset: Literal["auto", "24gb", "48gb", "80gb"] = Field(
        default="auto", description="model lineup per card size; auto: from the GPU's memory"
    )
    diffusion_picture_model: str | None = Field(
        default=None, description="references and keyframes; unset: the preset's"
    )
    diffusion_picture_steps: int | None = Field(default=None, ge=1, le=100)
    diffusion_i2v_model: str | None = Field(
        default=None, description="image-to-video model; unset: the preset's"
    )
    diffusion_i2v_steps: int | None = Field(default=None, ge=1, le=100)
    diffusion_i2v_max_frames: int | None = Field(default=None, ge=9, le=257)
    diffusion_weights_variant: str | None = Field(
        default=None, description="weights variant to load, e.g. fp16; unset loads the default"
    )
    diffusion_keyframe_model: str = "stabilityai/sdxl-turbo"
    diffusion_keyframe_steps: int = Field(default=2, ge=1, le=100)
    diffusion_keyframe_guidance: float = Field(default=0.0, ge=0.0, le=20.0)
    diffusion_continuity_strength: float = Field(default=0.55, ge=0.05, le=1.0)
    diffusion_svd_model: str = "stabilityai/stable-video-diffusion-img2vid-xt"
    diffusion_svd_steps: int = Field(default=25, ge=1, le=100)
    diffusion_svd_frames: int = Field(default=25, ge=2, le=64)
    diffusion_svd_fps: int = Field(default=7, ge=1, le=30)
    diffusion_t2v_model: str = "Lightricks/LTX-Video"
    diffusion_t2v_steps: int = Field(default=30, ge=1, le=100)
    diffusion_t2v_frames: int = Field(default=121, ge=9, le=257)
    diffusion_decode_chunk_size: int = Field(default=8, ge=1, le=64)
    diffusion_cpu_offload: bool | None = Field(
        default=None, description="unset: as the preset plans it (on for 24gb)"
    )
    diffusion_vae_slicing: bool = False
    diffusion_vae_tiling: bool = False
    diffusion_attention_backend: str | None = Field(
        default=None, description="diffusers attention backend (e.g. flash, _native_cudnn)"
    )
    diffusion_compile: bool = False
    hf_hub_offline: bool = False
    musicgen_model: str = "facebook/musicgen-small"
    musicgen_guidance: float = Field(default=3.0, ge=1.0, le=10.0)
    musicgen_chunk_s: float = Field(default=30.0, ge=1.0, le=30.0)
    musicgen_context_s: float = Field(default=10.0, ge=0.0, le=20.0)
    musicgen_scope: Literal["scene", "film"] = Field(
        default="scene", description="film: one score, each scene's bed continuing the last"
    )

    # Narration
    espeak_voice: str | None = Field(
        default=None, description="espeak-ng voice name; unset picks one for the story's language"
    )
    espeak_words_per_minute: int = Field(default=165, ge=80, le=450)
    edge_tts_voice: str | None = Field(
        default=None, description="edge-tts voice (en-US-AriaNeural); unset: by the language"
    )
    # The formats edge-tts accepts for its prosody (a signed percentage, signed hertz).
    edge_tts_rate: str = Field(default="+0%", pattern=r"^[+-]\d+%$")
    edge_tts_pitch: str = Field(default="+0Hz", pattern=r"^[+-]\d+Hz$")
    tts_character_voices: bool = Field(
        default=True, description="speak attributed dialogue in each character's own voice"
    )
    narration_retries: int = Field(default=3, ge=0, le=10)
    narration_retry_backoff_s: float = Field(default=2.0, ge=0.0)
    narration_timeout_s: float = Field(default=30.0, gt=0.0)
    narration_blocked_s: float = Field(
        default=300.0, ge=0.0, description="after a 429, skip edge-tts for this long"
    )

    # Limits
    max_story_bytes: int = Field(default=200_000, ge=1_000)

    # Storage and services
    storage_path: Path = Path("./output")
    assets_path: Path = Path("./assets")
    redis_url: str = Field(
        default="redis://127.0.0.1:6379",
        description="redis:// or rediss:// (TLS), with a password: rediss://:secret@host:6380/0",
    )
    redis_password: SecretStr | None = Field(
        default=None, description="Redis's password when REDIS_URL carries none (compose)"
    )
    redis_tls_ca_file: Path | None = Field(
        default=None, description="CA bundle that signed a rediss:// server's certificate"
    )

    # Where films and artefacts are kept (see storage/); the worker renders in scratch_path
    # and publishes each finished artefact when the store is an S3 bucket.
    storage_backend: Literal["local", "s3"] = "local"
    scratch_path: Path = Field(
        default=Path("./scratch"), description="the worker's own folder for the job in hand (s3)"
    )
    s3_bucket: str | None = None
    s3_prefix: str = Field(default="shotgraph", description="key prefix inside the bucket")
    s3_endpoint_url: str | None = Field(
        default=None, description="R2, MinIO, SeaweedFS...; unset means AWS S3"
    )
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_presigned_redirect: bool = Field(
        default=False, description="signed links redirect to a presigned URL of the film"
    )
    film_retention_days: float = Field(
        default=30.0, ge=0, description="films, subtitles, plans and storyboards"
    )
    artefact_retention_hours: float = Field(
        default=72.0, ge=0, description="a finished job's clips, keyframes, narration, music"
    )
    storage_prune_interval_s: float = Field(
        default=3600.0, ge=0, description="how often a worker prunes what expired; 0: never"
    )
    min_free_disk_gb: float = Field(
        default=2.0, ge=0, description="refuse new jobs and stop the running one below this"
    )
    log_level: str = "WARNING"

    # Queue and worker (arq on Redis; see PLATFORM-FACTS.md for why these differ from arq's)
    queue_name: str = "shotgraph:queue"
    worker_max_jobs: int | None = Field(
        default=None, ge=1, le=64, description="jobs at once; unset: one per GPU (1 without)"
    )
    job_timeout_s: int = Field(default=3 * 3600, ge=1)
    job_keep_result_s: int = Field(default=86_400, ge=0)
    job_heartbeat_s: float = Field(default=5.0, gt=0)
    job_heartbeat_ttl_s: float = Field(default=30.0, gt=0)
    sweep_interval_s: float = Field(default=15.0, gt=0)
    cancel_grace_s: float = Field(default=10.0, ge=0)
    shutdown_grace_s: float = Field(default=30.0, ge=0)
    event_stream_maxlen: int = Field(default=2_000, ge=10)
    event_ttl_s: int = Field(default=7 * 86_400, ge=60)

    # Storyboard first: approval before the render (per request, Discord server, Telegram chat)
    storyboard_default: Literal["ask", "auto"] = "auto"
    storyboard_ttl_s: int = Field(default=86_400, ge=60)

    # Limits checked when a story is submitted
    max_active_jobs_per_user: int = Field(default=2, ge=1)
    max_jobs_per_user_per_day: int = Field(default=10, ge=1)
    max_jobs_per_server_per_day: int = Field(default=50, ge=1)
    max_queued_jobs: int = Field(default=100, ge=1)
    # NoDecode: the environment spells lists as comma-separated words, not JSON.
    admin_users: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="platform:user ids that may cancel any job"
    )

    # HTTP API
    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8000, ge=1, le=65535)
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="name:key pairs; a key sees only its own jobs"
    )
    api_public_url: str = "http://127.0.0.1:8000"
    link_secret: SecretStr | None = None
    link_ttl_s: int = Field(default=7 * 86_400, ge=60)

    # Discord bot (`shotgraph bot discord`; PLATFORM-FACTS.md, Discord)
    discord_bot_token: SecretStr | None = None
    discord_api_base_url: str = Field(
        default="https://discord.com/api/v10",
        description="REST base; a proxy or, in tests, a local fake may stand in for Discord",
    )
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    discord_test_guild_id: int | None = Field(
        default=None, description="sync commands to this server only (instant), not globally"
    )
    discord_interaction_token_s: float = Field(
        default=14 * 60,
        gt=0,
        description="edit through the interaction this long; its token dies at 15 minutes",
    )
    discord_edit_interval_s: float = Field(default=2.5, ge=0)

    # Telegram bot (limits: PLATFORM-FACTS.md; a self-hosted Bot API server raises them)
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    telegram_local_mode: bool = Field(
        default=False, description="true when the base URL is a self-hosted `--local` server"
    )
    telegram_upload_limit_bytes: int = Field(default=50_000_000, ge=10_000)
    telegram_download_limit_bytes: int = Field(default=20 << 20, ge=1_000)
    telegram_paste_wait_s: float = Field(
        default=2.0,
        ge=0,
        description="how long a story near 4,096 characters waits for the rest of a split paste",
    )
    telegram_webhook_url: str | None = Field(
        default=None, description="public HTTPS URL of the webhook; unset means long polling"
    )
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_edit_interval_s: float = Field(
        default=1.0, ge=0, description="least time between two edits of a progress message"
    )

    @field_validator("video_resolution", mode="before")
    @classmethod
    def _parse_resolution(cls, value: object) -> object:
        return Resolution.parse(value) if isinstance(value, str) else value

    @field_validator("admin_users", "api_keys", mode="before")
    @classmethod
    def _split_words(cls, value: object) -> object:
        if isinstance(value, str):
            return [word.strip() for word in value.split(",") if word.strip()]
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts only this alphabet in the secret it echoes in every request."""
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("use 1 to 256 of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _check_s3(self) -> Self:
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        return self

    @model_validator(mode="after")
    def _apply_profile(self) -> Self:
        for field, default in _PROFILE_DEFAULTS[self.execution_profile].items():
            if getattr(self, field) is None:
                setattr(self, field, default)
        return self

    @property
    def redis_address(self) -> str:
        """REDIS_URL with its password hidden, for messages a person reads."""
        parts = urlsplit(self.redis_url)
        if parts.password is None:
            return self.redis_url
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))

    def cache_inputs(self, *prefixes: str) -> dict[str, str]:
        """The settings (by field-name prefix) that shape an artefact, for its cache key."""
        return {
            name: str(getattr(self, name))
            for name in type(self).model_fields
            if name.startswith(prefixes)
        }

    @property
    def wants_cuda(self) -> bool:
        """Whether the configured backends would run on a CUDA GPU."""
        gpu_backend = self.video_backend == "diffusion" or self.music_backend == "musicgen"
        return gpu_backend and self.diffusion_device.startswith("cuda")

    @property
    def job_slots(self) -> int:
        """Jobs one worker runs at once: WORKER_MAX_JOBS, else one per GPU the backends use
        (each in its own pipeline process on its own device), else one. The GPU is looked
        for only when a GPU backend is configured, so an animatic worker never imports torch."""
        if self.worker_max_jobs is not None:
            return self.worker_max_jobs
        if self.wants_cuda and self.gpu is not None:
            return self.gpu.device_count
        return 1

    @cached_property
    def gpu(self) -> GpuInfo | None:
        """The CUDA device this process may use, or None (disabled, or none found)."""
        if self.gpu_enabled is False:
            return None
        return detect_gpu()


class BackendChoice(BaseModel):
    """The backends a job really runs with, and why any differ from what was asked for."""

    llm_provider: LlmProvider
    video: VideoBackendName
    tts: TtsBackendName
    music: MusicBackendName
    safety: SafetyBackendName
    notes: list[str] = Field(default_factory=list)


def resolve_backends(settings: Settings) -> BackendChoice:
    """Turn the configured backends into ones this machine can run, saying why when it cannot."""
    notes: list[str] = []
    video, music = settings.video_backend, settings.music_backend
    provider, safety = settings.llm_provider, settings.safety_backend
    # Only a GPU backend on CUDA needs the GPU (and so torch imported to look for one);
    # DIFFUSION_DEVICE=cpu asks for the GPU backends on the CPU on purpose (tests, debugging).
    wants_gpu = video == "diffusion" or music == "musicgen"
    if wants_gpu and settings.diffusion_device.startswith("cuda") and settings.gpu is None:
        reason = (
            "GPU disabled by GPU_ENABLED=false"
            if settings.gpu_enabled is False
            else ("no CUDA GPU found (torch missing or no device)")
        )
        if video == "diffusion":
            video = "animatic"
            notes.append(f"video: diffusion needs a GPU, {reason}; using the animatic renderer")
        if music == "musicgen":
            music = "synth"
            notes.append(f"music: MusicGen needs a GPU, {reason}; using procedural synthesis")
    if provider != "none" and settings.llm_api_key is None and settings.llm_base_url is None:
        notes.append(f"llm: {provider} needs LLM_API_KEY; planning with the rules backend")
        provider = "none"
    if safety == "llm" and provider == "none":
        notes.append("safety: the LLM moderator needs an LLM provider; using the rules moderator")
        safety = "rules"
    for note in notes:
        log.warning("backend fallback: %s", note)
    return BackendChoice(
        llm_provider=provider,
        video=video,
        tts=settings.tts_backend,
        music=music,
        safety=safety,
        notes=notes,
    )
