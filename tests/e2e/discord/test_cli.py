"""`shotgraph bot discord` as a real process, configured through its environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.e2e.discord.conftest import Scene


async def start_cli(scene: Scene, cwd: Path, **env: str) -> asyncio.subprocess.Process:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "LLM_"))}
    settings = scene.settings
    environment = {
        **inherited,
        "DISCORD_API_BASE_URL": settings.discord_api_base_url,
        "DISCORD_GATEWAY_URL": settings.discord_gateway_url,
        "REDIS_URL": settings.redis_url,
        "STORAGE_PATH": str(settings.storage_path),
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shotgraph",
        "bot",
        "discord",
        cwd=cwd,  # no developer .env is read from here
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def test_the_bot_serves_commands_until_sigterm(scene: Scene, tmp_path: Path) -> None:
    process = await start_cli(scene, tmp_path, DISCORD_BOT_TOKEN=scene.fake.bot_token)
    await scene.fake.wait_ready(1, timeout_s=60)

    reply = await scene.fake.private_reply(await scene.command("queue"))
    process.send_signal(signal.SIGTERM)

    assert "Nothing is being made" in reply
    assert await asyncio.wait_for(process.wait(), 30) == 0


async def test_a_missing_or_wrong_token_is_one_clear_line(scene: Scene, tmp_path: Path) -> None:
    missing = await start_cli(scene, tmp_path)
    wrong = await start_cli(scene, tmp_path, DISCORD_BOT_TOKEN="not-the-token")

    for process, expected in ((missing, "Set DISCORD_BOT_TOKEN"), (wrong, "refused")):
        output, _ = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 2
        assert expected in output.decode()
        assert "Traceback" not in output.decode()
