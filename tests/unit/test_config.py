import pytest
from pydantic import ValidationError

from shotgraph.config import Resolution, Settings, resolve_backends


def test_profiles_fill_in_unset_backends() -> None:
    cpu = Settings(_env_file=None, execution_profile="debug_cpu")
    assert (cpu.video_backend, cpu.tts_backend, cpu.music_backend) == (
        "animatic",
        "espeak",
        "synth",
    )
    gpu = Settings(_env_file=None, execution_profile="prod_gpu", tts_backend="espeak")
    assert (gpu.video_backend, gpu.music_backend, gpu.llm_provider) == (
        "diffusion",
        "musicgen",
        "together",
    )
    assert gpu.tts_backend == "espeak"  # an explicit choice beats the profile


def test_gpu_backends_fall_back_with_a_reason_when_there_is_no_gpu() -> None:
    settings = Settings(_env_file=None, execution_profile="prod_gpu", gpu_enabled=False)
    choice = resolve_backends(settings)
    assert (choice.video, choice.music, choice.llm_provider, choice.safety) == (
        "animatic",
        "synth",
        "none",
        "rules",
    )
    joined = " ".join(choice.notes)
    assert "GPU_ENABLED=false" in joined
    assert "LLM_API_KEY" in joined


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDEO_RESOLUTION", "640x360")
    monkeypatch.setenv("VIDEO_FPS", "30")
    monkeypatch.setenv("USE_TOON_FORMAT", "false")
    settings = Settings(_env_file=None)
    assert settings.video_resolution == Resolution(width=640, height=360)
    assert settings.video_fps == 30
    assert settings.use_toon_format is False


@pytest.mark.parametrize("text", ["1024", "1024x", "abcx576", "1023x576", "10x10"])
def test_bad_resolutions_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, video_resolution=text)


def test_resolution_turns_for_portrait() -> None:
    landscape = Resolution.parse("1024x576")
    assert str(landscape.for_portrait()) == "576x1024"
    assert landscape.for_portrait().for_landscape() == landscape


def test_cache_inputs_select_by_prefix() -> None:
    inputs = Settings(_env_file=None).cache_inputs("video_")
    assert inputs["video_resolution"] == "1024x576"
    assert "tts_backend" not in inputs


def test_gpu_backends_asked_for_on_the_cpu_are_kept() -> None:
    choice = resolve_backends(
        Settings(
            _env_file=None,
            gpu_enabled=False,
            video_backend="diffusion",
            music_backend="musicgen",
            diffusion_device="cpu",
        )
    )
    assert (choice.video, choice.music, choice.notes) == ("diffusion", "musicgen", [])


def test_the_redis_address_shown_to_people_hides_its_password() -> None:
    locked = Settings(_env_file=None, redis_url="rediss://:hunter22@redis.example.org:6380/0")
    assert locked.redis_address == "rediss://:***@redis.example.org:6380/0"
    assert Settings(_env_file=None).redis_address == "redis://127.0.0.1:6379"


def test_s3_storage_needs_a_bucket() -> None:
    with pytest.raises(ValueError, match="STORAGE_BACKEND=s3 needs S3_BUCKET"):
        Settings(_env_file=None, storage_backend="s3")
