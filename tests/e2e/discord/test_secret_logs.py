"""At LOG_LEVEL=DEBUG, neither the bot token nor an interaction's token (discord.py logs every
webhook URL and every gateway event, and both hold it) reaches a log line."""

from __future__ import annotations

import pytest

from tests.e2e.discord.conftest import Scene
from tests.helpers.secret_logs import debug_logs, leaked

pytestmark = pytest.mark.slow


async def test_no_log_line_holds_the_bot_token_or_an_interaction_token(scene: Scene) -> None:
    settings = scene.settings.model_copy(update={"log_level": "DEBUG"})
    with debug_logs(settings) as logs:
        scene.worker()
        await scene.bot()
        interaction = await scene.story()
        await scene.film_in(interaction)
        await scene.bots[0].stop()

    text = logs.getvalue()
    assert "INTERACTION_CREATE" in text  # the log is really at DEBUG and holds the events
    assert leaked(text, [scene.fake.bot_token, interaction.token]) == []
    assert f"/interactions/{interaction.id}/[redacted]/callback" in text
