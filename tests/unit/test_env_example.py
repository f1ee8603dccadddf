"""`.env.example` documents every setting, and nothing else."""

import re
from pathlib import Path

from shotgraph.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_exactly_the_settings() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE)
    assert len(listed) == len(set(listed)), "a variable is listed twice"
    # COMPOSE_PROFILES is Docker Compose's, read from the same .env by `docker compose`.
    assert set(listed) - {"COMPOSE_PROFILES"} == {name.upper() for name in Settings.model_fields}


def test_env_example_loads_as_settings(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((ROOT / ".env.example").read_text())
    settings = Settings(_env_file=env)
    assert settings.execution_profile == "debug_cpu"
    assert settings.video_backend == "animatic"
