"""`shotgraph doctor` on logging: it says that secrets are redacted, and warns (without
failing) when a production box logs at DEBUG."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from shotgraph.doctor import Check, run_checks
from tests.conftest import offline_settings


def logging_check(tmp_path: Path, **overrides: object) -> Check:
    settings = offline_settings(tmp_path, redis_url="redis://127.0.0.1:1", **overrides)
    return next(c for c in run_checks(settings) if c.name == "logging")


def test_debug_on_a_production_box_is_a_warning(tmp_path: Path) -> None:
    check = logging_check(
        tmp_path, execution_profile="prod_gpu", log_level="DEBUG", llm_api_key="sk-0123456789"
    )
    assert check.ok
    assert check.warning
    assert "LOG_LEVEL=DEBUG on a prod_gpu box" in check.detail
    assert "the 1 configured secrets, bot tokens and signed links are redacted" in check.detail


def test_debug_on_a_development_box_and_info_in_production_are_fine(tmp_path: Path) -> None:
    for overrides in ({"log_level": "DEBUG"}, {"execution_profile": "prod_gpu"}):
        check = logging_check(tmp_path, **overrides)
        assert check.ok
        assert not check.warning
        assert "redacted from every line" in check.detail


def test_the_doctor_command_shows_the_warning(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "EXECUTION_PROFILE": "prod_gpu",
        "LOG_LEVEL": "DEBUG",
        "REDIS_URL": "redis://127.0.0.1:1",
        "STORAGE_PATH": str(tmp_path / "out"),
        "GPU_ENABLED": "false",
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [sys.executable, "-m", "shotgraph", "doctor"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next(line for line in done.stdout.splitlines() if "logging" in line)
    assert "warning" in line
    assert "LOG_LEVEL=DEBUG" in line
