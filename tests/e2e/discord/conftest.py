"""The real bot (discord.py) against the local fake Discord, on a real Redis; real workers
where a film must be made."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Collection
from typing import Any

import pytest
from pydantic import SecretStr

from shotgraph.bot.discord_bot import ShotGraphDiscord
from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from shotgraph.queue.records import JobRecord, Owner
from tests.fakes.discord_api import (
    FakeDiscord,
    FakeGuild,
    FakeInteraction,
    FakeMessage,
    FakeUser,
    Recorded,
)
from tests.helpers.worker_process import WorkerProcess

SHORT_STORY = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."


class RunningBot:
    """`ShotGraphDiscord` connected to the fake, as `shotgraph bot discord` runs it."""

    def __init__(self, settings: Settings, fake: FakeDiscord) -> None:
        self.settings = settings
        self.fake = fake
        self.bot: ShotGraphDiscord | None = None
        self._task: asyncio.Task[None] | None = None
        self._queue: JobQueue | None = None

    async def start(self) -> RunningBot:
        sessions = self.fake.sessions
        self._queue = await JobQueue.connect(self.settings)
        self.bot = ShotGraphDiscord(self.settings, self._queue)
        token = self.settings.discord_bot_token
        assert token is not None
        self._task = asyncio.create_task(self.bot.start(token.get_secret_value()))
        await self.fake.wait_ready(sessions + 1)
        return self

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            await self._task
        if self._queue is not None:
            await self._queue.close()
        self.bot = self._task = self._queue = None


class Scene:
    """A fake Discord with one server, settings pointing at it, the queue, bots and workers:
    what every end-to-end test starts from."""

    def __init__(
        self,
        fake: FakeDiscord,
        settings: Settings,
        queue: JobQueue,
        start_worker: Callable[[Settings], WorkerProcess],
    ) -> None:
        self.fake = fake
        self.guild: FakeGuild = fake.add_guild("Story Club", ["general", "films"])
        self.channel = self.guild.channels[0]
        self.settings = settings
        self.queue = queue
        self.ann = fake.user("ann")
        self._start_worker = start_worker
        self.bots: list[RunningBot] = []

    async def bot(self, **overrides: Any) -> RunningBot:
        """Start a bot, on the scene's settings with `overrides`."""
        bot = RunningBot(self.settings.model_copy(update=overrides), self.fake)
        self.bots.append(bot)
        return await bot.start()

    def worker(self, **overrides: Any) -> WorkerProcess:
        """Start a worker, on the scene's settings with `overrides`."""
        return self._start_worker(
            Settings(_env_file=None, **{**self.settings.model_dump(), **overrides})
        )

    async def command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        user: FakeUser | None = None,
        **where: Any,
    ) -> FakeInteraction:
        """Run a slash command as `user` (ann by default) in the first channel, unless
        `guild`, `channel`, `subcommand` or `attachment` say otherwise."""
        guild = where.pop("guild", self.guild)
        channel = where.pop("channel", guild.channels[0])
        return await self.fake.slash(guild, channel, user or self.ann, name, options, **where)

    async def story(self, text: str = SHORT_STORY, **where: Any) -> FakeInteraction:
        return await self.command("story", {"text": text}, **where)

    async def progress(self, interaction: FakeInteraction, says: str) -> FakeMessage:
        """The interaction's message, once its embed starts with `says`."""
        return await self.fake.wait_for(
            lambda: embed_says(self.fake.original(interaction), says), timeout_s=60
        )

    async def progress_message(self, interaction: FakeInteraction) -> FakeMessage:
        """The interaction's reply, which shows the progress, as soon as it exists (the
        object keeps its history after the bot deletes it)."""
        return await self.fake.wait_for(lambda: self.fake.original(interaction), timeout_s=30)

    async def finished(
        self, interaction: FakeInteraction, timeout_s: float = 60, besides: Collection[str] = ()
    ) -> FakeMessage:
        """The finished-film message of the story `interaction` started, wherever it was
        posted: a follow-up, the channel, or the author's DMs (leaving out the messages of
        ids `besides`, films posted before)."""

        def found() -> FakeMessage | None:
            dm = self.fake.dm_channels.get(interaction.user.id, "")
            candidates = (
                self.fake.followups(interaction)
                + self.fake.channel_messages(interaction.channel_id)
                + self.fake.channel_messages(dm)
            )
            return next((m for m in candidates if is_finished(m) and m.id not in besides), None)

        return await self.fake.wait_for(found, timeout_s=timeout_s)

    async def film_in(self, interaction: FakeInteraction) -> FakeMessage:
        message = await self.finished(interaction)
        assert has_film(message), message.attachments
        return message

    async def delivered_job_of(self, user: FakeUser, timeout_s: float = 10) -> JobRecord:
        """The user's one job, once the bot has confirmed its delivery (just after the film's
        message is posted and the progress message removed)."""
        for _ in range(int(timeout_s / 0.05)):
            record = await self.only_job_of(user)
            if record.delivered:
                return record
            await asyncio.sleep(0.05)  # the record is in Redis: nothing to wait on but time
        raise AssertionError(f"the film of {user.username} was not marked delivered")

    async def only_job_of(self, user: FakeUser) -> JobRecord:
        jobs = await self.queue.list_jobs(Owner(platform="discord", user_id=user.id))
        assert len(jobs) == 1, jobs
        return jobs[0]


def embed_says(message: FakeMessage | None, start: str) -> FakeMessage | None:
    if message is None or not message.embeds:
        return None
    return message if str(message.embed.get("description", "")).startswith(start) else None


def is_finished(message: FakeMessage) -> bool:
    return any(custom_id.startswith("story:delete:") for custom_id in message.custom_ids())


def has_film(message: FakeMessage | None) -> bool:
    return message is not None and any(name.endswith(".mp4") for name, _ in message.attachments)


def film_uploads(fake: FakeDiscord) -> list[Recorded]:
    """Every request that carried the film, answered or refused."""
    return [r for r in fake.requests if any(name.endswith(".mp4") for name, _ in r.files)]


@pytest.fixture
async def scene(
    queue_settings: Settings,
    job_queue: JobQueue,
    start_worker: Callable[[Settings], WorkerProcess],
) -> AsyncIterator[Scene]:
    fake = await FakeDiscord().start()
    settings = queue_settings.model_copy(
        update={
            "discord_bot_token": SecretStr(fake.bot_token),
            "discord_api_base_url": fake.api_url,
            "discord_gateway_url": fake.gateway_url,
            "discord_edit_interval_s": 0.2,
        }
    )
    scene = Scene(fake, settings, job_queue, start_worker)
    yield scene
    for bot in scene.bots:
        await bot.stop()
    await fake.stop()
