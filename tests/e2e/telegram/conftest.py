"""The real python-telegram-bot Application, pointed at the fake Bot API server by settings,
on a real Redis; the tests that render films add a real `shotgraph worker`."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from shotgraph.bot.telegram_bot import TelegramBot
from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from tests.fakes.telegram_api import FakeTelegramApi

StartBot = Callable[..., Awaitable[TelegramBot]]


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi() as api:
        yield api


@pytest.fixture
def telegram_settings(queue_settings: Settings, telegram_api: FakeTelegramApi) -> Settings:
    return with_settings(
        queue_settings,
        telegram_bot_token=telegram_api.token,
        telegram_api_base_url=telegram_api.base_url,
        telegram_api_file_url=telegram_api.base_file_url,
        telegram_edit_interval_s=0.3,
    )


def with_settings(settings: Settings, **overrides: object) -> Settings:
    """`settings` with some fields changed, validated as if they came from the environment."""
    return Settings(_env_file=None, **{**settings.model_dump(), **overrides})


@pytest.fixture
async def start_bot(telegram_settings: Settings) -> AsyncIterator[StartBot]:
    """Start bots as `shotgraph bot telegram` runs one, each with its own Redis connection;
    `await bot.stop()` is a restart's first half. Every bot left running is stopped after."""
    running: list[tuple[TelegramBot, JobQueue]] = []

    async def start(**overrides: object) -> TelegramBot:
        settings = with_settings(telegram_settings, **overrides)
        queue = await JobQueue.connect(settings)
        bot = TelegramBot(settings, queue)
        await bot.start()
        running.append((bot, queue))
        return bot

    yield start
    for bot, queue in running:
        with contextlib.suppress(Exception):
            await bot.stop()
        await queue.close()


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """Settings the bot runs with besides the test's; a test parametrizes it to change them."""
    return {}


@pytest.fixture
async def api(
    telegram_api: FakeTelegramApi, start_bot: StartBot, bot_settings: dict[str, object]
) -> FakeTelegramApi:
    """The fake Bot API with a bot running against it."""
    await start_bot(**bot_settings)
    return telegram_api
