"""At LOG_LEVEL=DEBUG, neither the bot token (httpx logs every Bot API URL, which holds it)
nor a signed film link (python-telegram-bot logs every request's parameters) reaches a log
line of the bot or of the worker."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from shotgraph.config import Settings
from tests.e2e.telegram.conftest import StartBot, with_settings
from tests.e2e.telegram.test_telegram_films import STORY, StartWorker
from tests.fakes.telegram_api import FakeTelegramApi
from tests.helpers.secret_logs import debug_logs, leaked

pytestmark = pytest.mark.slow


@pytest.fixture
def bot_logs(telegram_settings: Settings) -> Iterator[io.StringIO]:
    with debug_logs(with_settings(telegram_settings, log_level="DEBUG")) as buffer:
        yield buffer


async def test_no_log_line_holds_the_bot_token_or_a_signed_link(
    bot_logs: io.StringIO,
    telegram_api: FakeTelegramApi,
    telegram_settings: Settings,
    start_worker: StartWorker,
    start_bot: StartBot,
    tmp_path: Path,
) -> None:
    start_worker(with_settings(telegram_settings, log_level="DEBUG"))
    # An upload limit too small for the film: it goes as a signed link.
    await start_bot(telegram_upload_limit_bytes=20_000, log_level="DEBUG")
    await telegram_api.send_text("/story " + STORY)
    link = await telegram_api.wait_for_call(
        "sendMessage", lambda c: "/v/" in c.params["text"], timeout_s=90
    )

    link_token = link.params["text"].split()[-1].rsplit("/", 1)[1]
    token = telegram_settings.telegram_bot_token
    assert token is not None
    secrets = [token.get_secret_value(), link_token, "test-link-secret"]
    bot_text = bot_logs.getvalue()
    worker_text = "".join(log.read_text() for log in (tmp_path / "workers").glob("*.log"))
    assert "getUpdates" in bot_text  # the log is really at DEBUG and holds the requests
    assert "sendMessage" in bot_text
    assert leaked(bot_text, secrets) == []
    assert leaked(worker_text, secrets) == []
