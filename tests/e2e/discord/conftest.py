"""The real bot (discord.py) against the local fake Discord, on a real Redis; real workers
where a film must be made."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from pydantic import SecretStr

from shotgraph.bot.discord_bot import ShotGraphDiscord
from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from tests.fakes.discord_api import FakeDiscord, FakeGuild


class RunningBot:
    """`ShotGraphDiscord` connected to the fake, as `shotgraph bot discord` runs it."""

    def __init__(self, settings: Settings, fake: FakeDiscord) -> None:
        self.settings = settings
        self.fake = fake
        self.bot: ShotGraphDiscord | None = None
        self._task: asyncio.Task[None] | None = None
        self._queue: JobQueue | None = None

    async def start(self) -> ShotGraphDiscord:
        sessions = self.fake.sessions
        self._queue = await JobQueue.connect(self.settings)
        self.bot = ShotGraphDiscord(self.settings, self._queue)
        token = self.settings.discord_bot_token
        assert token is not None
        self._task = asyncio.create_task(self.bot.start(token.get_secret_value()))
        await self.fake.wait_ready(sessions + 1)
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            await self._task
        if self._queue is not None:
            await self._queue.close()
        self.bot = self._task = self._queue = None


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


@pytest.fixture
def guild(fake_discord: FakeDiscord) -> FakeGuild:
    return fake_discord.add_guild("Story Club", ["general", "films"])


@pytest.fixture
def discord_settings(queue_settings: Settings, fake_discord: FakeDiscord) -> Settings:
    return queue_settings.model_copy(
        update={
            "discord_bot_token": SecretStr(fake_discord.bot_token),
            "discord_api_base_url": fake_discord.api_url,
            "discord_gateway_url": fake_discord.gateway_url,
            "discord_edit_interval_s": 0.2,
        }
    )


StartBot = Callable[[Settings], Awaitable[RunningBot]]


@pytest.fixture
async def start_bot(fake_discord: FakeDiscord, guild: FakeGuild) -> AsyncIterator[StartBot]:
    """Start bots on given settings; every one still running is stopped afterwards."""
    running: list[RunningBot] = []

    async def start(settings: Settings) -> RunningBot:
        bot = RunningBot(settings, fake_discord)
        running.append(bot)
        await bot.start()
        return bot

    yield start
    for bot in running:
        await bot.stop()
