"""Per-server settings of the Discord bot, kept in Redis and changed by the server's moderators
with `/shotgraph settings`: where the bot may be used, by whom, how much, and how long a story.

They narrow the global limits in Settings, never widen them: the queue still applies its own.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from redis.asyncio import Redis

from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import ShotGraphError
from shotgraph.models import Captions, StoryboardMode
from shotgraph.queue import keys
from shotgraph.queue.limits import seconds_to_midnight
from shotgraph.sizes import spell_bytes

# Counters outlive their day by an hour, so one read just after midnight still finds them.
_COUNTER_GRACE_S = 3600


class NotAllowedHere(ShotGraphError):
    """The server's moderators have not opened this channel, or the bot, to this member."""


class ServerQuotaReached(ShotGraphError):
    """The member has made the server's daily number of films."""


class ServerSettings(BaseModel):
    allowed_channel_ids: list[str] = Field(default_factory=list)
    """Channels where `/story` works; empty means every channel."""
    allowed_role_id: str | None = None
    """Only members with this role may use the bot; None means everyone."""
    daily_quota_per_user: Annotated[int, Field(ge=1, le=1000)] | None = None
    max_story_chars: Annotated[int, Field(ge=50)] | None = None
    captions: Captions | None = None
    """How this server's films carry captions; None: the bot's CHAT_CAPTIONS."""
    storyboard: StoryboardMode | None = None
    """`ask`: films stop at their storyboard for approval; None: the bot's default."""
    gallery_key: str | None = None
    """Set while the server's gallery is on; its links are signed over it (api/pages/gallery)."""

    def check_member(self, channel_id: str, role_ids: list[str], moderator: bool) -> None:
        """Raise NotAllowedHere unless the member may start a film in this channel."""
        if self.allowed_channel_ids and channel_id not in self.allowed_channel_ids:
            where = ", ".join(f"<#{channel}>" for channel in self.allowed_channel_ids)
            raise NotAllowedHere(f"ShotGraph is not used in this channel here; try {where}.")
        if self.allowed_role_id and not moderator and self.allowed_role_id not in role_ids:
            raise NotAllowedHere(
                f"On this server only members with the <@&{self.allowed_role_id}> role can "
                "make films."
            )

    def describe(self, defaults: Settings, gallery_url: str | None = None) -> str:
        """The settings in force, as numbers: the server's own, or the bot's where it set
        none (a server's quota never goes past the bot's own daily limit), and the gallery's
        link while it is on."""
        channels = ", ".join(f"<#{c}>" for c in self.allowed_channel_ids) or "every channel"
        role = f"<@&{self.allowed_role_id}>" if self.allowed_role_id else "everyone"
        bot_quota = defaults.max_jobs_per_user_per_day
        if self.daily_quota_per_user is None:
            quota = f"{bot_quota} (the bot's limit)"
        elif self.daily_quota_per_user > bot_quota:
            quota = f"{self.daily_quota_per_user}, but the bot's own limit of {bot_quota} applies"
        else:
            quota = str(self.daily_quota_per_user)
        if self.max_story_chars:
            length = f"{self.max_story_chars} characters"
        else:
            length = f"{spell_bytes(defaults.max_story_bytes)} (the bot's limit)"
        captions = self.captions or f"{defaults.chat_captions} (the bot's default)"
        storyboard = {
            "ask": "shown for approval before each film",
            "auto": "films are rendered straight away",
        }[self.storyboard or defaults.storyboard_default]
        if self.storyboard is None:
            storyboard += " (the bot's default)"
        return (
            f"Channels: {channels}\nWho may use it: {role}\nFilms per member per day: {quota}\n"
            f"Longest story: {length}\nCaptions: {captions}\nStoryboard: {storyboard}\n"
            f"Gallery of public films: {gallery_url or 'off'}"
        )


class ServerSettingsChange(BaseModel):
    """What a moderator asked `/shotgraph settings` to change."""

    channel_id: str | None = None
    all_channels: bool = False
    role_id: str | None = None
    everyone: bool = False
    daily_quota: int | None = None
    max_story_length: int | None = None
    captions: Captions | None = None
    storyboard: StoryboardMode | None = None
    gallery: Literal["on", "off", "new_link"] | None = None

    def apply(self, server: ServerSettings) -> ServerSettings:
        channels = [] if self.all_channels else list(server.allowed_channel_ids)
        if self.channel_id in channels:
            channels.remove(self.channel_id)
        elif self.channel_id is not None:
            channels.append(self.channel_id)
        role = None if self.everyone else (self.role_id or server.allowed_role_id)
        return server.model_copy(
            update={
                "allowed_channel_ids": channels,
                "allowed_role_id": role,
                "daily_quota_per_user": self.daily_quota or server.daily_quota_per_user,
                "max_story_chars": self.max_story_length or server.max_story_chars,
                "captions": self.captions or server.captions,
                "storyboard": self.storyboard or server.storyboard,
                "gallery_key": self._gallery_key(server.gallery_key),
            }
        )

    def _gallery_key(self, current: str | None) -> str | None:
        """A new key revokes every link to the gallery made with the old one."""
        if self.gallery == "off":
            return None
        if self.gallery == "new_link" or (self.gallery == "on" and current is None):
            return secrets.token_urlsafe(12)
        return current


class ServerSettingsStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def get(self, guild_id: str) -> ServerSettings:
        raw = await self.redis.get(keys.discord_server(guild_id))
        return ServerSettings.model_validate_json(raw) if raw else ServerSettings()

    async def save(self, guild_id: str, settings: ServerSettings) -> None:
        await self.redis.set(keys.discord_server(guild_id), settings.model_dump_json())

    async def take_quota(
        self, guild_id: str, user_id: str, quota: int, now: dt.datetime | None = None
    ) -> None:
        """Count one film against the member's daily quota here, or raise ServerQuotaReached.

        INCR first and give it back when over: two commands at once cannot both slip past.
        """
        now = now or dt.datetime.now(dt.UTC)
        key = keys.discord_user_day(guild_id, user_id, now.strftime("%Y-%m-%d"))
        until_midnight = seconds_to_midnight(now)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, until_midnight + _COUNTER_GRACE_S)
            count, _ = await pipe.execute()
        if count > quota:
            await self.redis.decr(key)
            raise ServerQuotaReached(
                f"You have made {quota} films on this server today, its daily limit; you can "
                f"start a new one in {spell_seconds(until_midnight)} (at midnight UTC)."
            )

    async def give_back_quota(self, guild_id: str, user_id: str) -> None:
        """Undo `take_quota` for a film that was refused further on."""
        day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        await self.redis.decr(keys.discord_user_day(guild_id, user_id, day))

    async def used_today(self, guild_id: str, user_id: str) -> int:
        day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        return int(await self.redis.get(keys.discord_user_day(guild_id, user_id, day)) or 0)
