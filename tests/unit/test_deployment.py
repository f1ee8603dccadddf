"""The Dockerfile and docker-compose.yml, checked without a Docker engine: every command is a
real `shotgraph` command, every variable a real setting, every volume and stage exists, and
the slim image never installs torch."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml

from shotgraph.cli import app
from shotgraph.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
# The services built from our Dockerfile (redis and the HTTPS proxy are others' images).
OURS = {name: service for name, service in SERVICES.items() if "build" in service}
SECRET_SETTINGS = {
    name.upper()
    for name, field in Settings.model_fields.items()
    if "SecretStr" in str(field.annotation)
}
# Variables the images need that belong to other programs, not to ShotGraph's settings.
FOREIGN_VARIABLES = {"HF_HOME"}


def stages() -> dict[str, str]:
    """Each Dockerfile stage's name and its text."""
    parts = re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)[1:]
    named = {}
    for part in parts:
        header = part.splitlines()[0]
        match = re.search(r"\bAS (\S+)", header, flags=re.IGNORECASE)
        assert match, f"unnamed stage: FROM {header}"
        named[match.group(1)] = part
    return named


def is_shotgraph_command(argv: list[str]) -> bool:
    """Whether `argv` names a command of our CLI (options after it are the command's own)."""
    if argv[:1] != ["shotgraph"]:
        return False
    # Typer's groups have `commands`; its plain commands do not (it vendors its own click).
    command: Any = typer.main.get_command(app)
    for word in argv[1:]:
        if word.startswith("-") or not hasattr(command, "commands"):
            break
        command = command.commands.get(word)
        if command is None:
            return False
    return not hasattr(command, "commands")


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_service_runs_a_real_shotgraph_command(name: str) -> None:
    service = OURS[name]
    assert is_shotgraph_command(service["command"]), service["command"]
    assert (
        is_shotgraph_command(service["healthcheck"]["test"][1:])
        if "healthcheck" in service
        else True
    )


def test_the_images_default_commands_and_health_checks_are_real() -> None:
    for command in re.findall(r"^(?:CMD|    CMD) (\[.*\])$", DOCKERFILE, flags=re.MULTILINE):
        assert is_shotgraph_command(yaml.safe_load(command)), command


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_variable_passed_is_a_setting(name: str) -> None:
    fields = {field.upper() for field in Settings.model_fields}
    passed = set(OURS[name].get("environment", {}))
    assert passed - fields <= FOREIGN_VARIABLES
    assert OURS[name]["env_file"] == ".env"


def test_dockerfile_variables_are_settings_too() -> None:
    fields = {field.upper() for field in Settings.model_fields}
    set_in_images = set(re.findall(r"^\s+([A-Z][A-Z_]+)=", DOCKERFILE, flags=re.MULTILINE))
    ours = {v for v in set_in_images if not v.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    assert ours - {"PATH"} - fields <= FOREIGN_VARIABLES


def test_volumes_and_build_targets_exist() -> None:
    declared = set(COMPOSE["volumes"])
    for name, service in SERVICES.items():
        for mount in service.get("volumes", []):
            assert mount.split(":")[0] in declared, (name, mount)
        if "build" in service:
            assert service["build"]["target"] in stages(), name


def test_the_app_image_installs_no_torch_and_the_worker_image_does() -> None:
    app_stage, worker_stage = stages()["app"], stages()["worker"]
    assert "gpu.txt" not in app_stage
    assert "torch" not in app_stage
    assert "gpu.txt" in worker_stage
    assert (
        "cuda" in DOCKERFILE.split("AS worker")[0].splitlines()[-1].lower()
        or "CUDA" in (worker_stage.splitlines()[0])
    )


def test_the_worker_image_pins_a_torch_built_for_its_cuda_base() -> None:
    """PyPI's torch is built for a newer CUDA than the base image; on an older driver it sees
    no GPU. The worker installs torch from the PyTorch index of the base image's CUDA, and
    holds it there while the other requirements install."""
    cuda = re.search(r"ARG CUDA_IMAGE=nvidia/cuda:(\d+)\.(\d+)", DOCKERFILE)
    index = re.search(r"ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cu(\d+)", DOCKERFILE)
    version = re.search(r"ARG TORCH_VERSION=(\d+\.\d+\.\d+)$", DOCKERFILE, re.MULTILINE)
    assert cuda
    assert index
    assert version
    assert index.group(1) == cuda.group(1) + cuda.group(2)
    worker_stage = stages()["worker"]
    assert "--index-url ${TORCH_INDEX_URL} torch==${TORCH_VERSION}" in worker_stage
    assert "-c /tmp/requirements/constraints.txt" in worker_stage


def test_services_start_in_order_and_keep_their_data() -> None:
    assert "--appendonly" in SERVICES["redis"]["command"]
    assert SERVICES["redis"]["volumes"] == ["redis-data:/data"]
    for name, service in OURS.items():
        assert service["depends_on"]["redis"]["condition"] == "service_healthy", name
        assert service["restart"] == "unless-stopped", name
    gpu = SERVICES["worker"]["deploy"]["resources"]["reservations"]["devices"][0]
    assert gpu["capabilities"] == ["gpu"]
    assert "deploy" not in SERVICES["worker-cpu"]


def test_optional_services_sit_behind_profiles() -> None:
    assert SERVICES["telegram-bot"]["profiles"] == ["telegram"]
    assert SERVICES["discord-bot"]["profiles"] == ["discord"]
    assert SERVICES["worker"]["profiles"] == ["gpu"]
    assert SERVICES["worker-cpu"]["profiles"] == ["cpu"]
    assert "profiles" not in SERVICES["api"]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_runs_with_least_privilege(name: str) -> None:
    service = SERVICES[name]
    assert service["read_only"] is True
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    # Only the HTTPS proxy gets a capability back: binding ports 80 and 443.
    assert service.get("cap_add", []) == (["NET_BIND_SERVICE"] if name == "https" else [])
    if name in OURS:  # our images run as their own user; scratch goes to a tmpfs
        assert "/tmp" in service["tmpfs"]
    if name == "redis":  # redis's entrypoint would otherwise start as root to switch user
        assert service["user"] == "redis"


def test_secrets_come_from_the_env_file_never_from_compose_or_an_image() -> None:
    assert {"TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "LLM_API_KEY"} <= SECRET_SETTINGS
    for name, service in SERVICES.items():
        assert not SECRET_SETTINGS & set(service.get("environment", {})), name
    baked = set(re.findall(r"^\s*(?:ENV|ARG)?\s*([A-Z][A-Z_]+)=", DOCKERFILE, flags=re.MULTILINE))
    assert not SECRET_SETTINGS & baked
    # Only named sources are copied into an image, and the build context never holds .env.
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, flags=re.MULTILINE):
        assert ".env" not in source, source
        assert source.split()[0] != ".", source
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored


def test_the_https_profile_puts_caddy_in_front_of_the_api() -> None:
    proxy = SERVICES["https"]
    assert proxy["profiles"] == ["https"]
    assert proxy["command"][:2] == ["caddy", "reverse-proxy"]
    assert proxy["command"][proxy["command"].index("--to") + 1] == "api:8000"
    assert {"80:80", "443:443"} <= set(proxy["ports"])
    assert all(mount.split(":")[0] in COMPOSE["volumes"] for mount in proxy["volumes"])
