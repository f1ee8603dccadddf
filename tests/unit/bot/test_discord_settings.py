"""Per-server settings: what moderators' changes do, who they let in, and the daily quota."""

from __future__ import annotations

import datetime as dt

import pytest

from shotgraph.bot.discord_settings import (
    NotAllowedHere,
    ServerQuotaReached,
    ServerSettings,
    ServerSettingsChange,
    ServerSettingsStore,
)
from shotgraph.queue.client import JobQueue


def test_a_channel_is_toggled_and_all_channels_opens_every_one() -> None:
    opened = ServerSettingsChange(channel_id="1").apply(ServerSettings())
    assert opened.allowed_channel_ids == ["1"]
    both = ServerSettingsChange(channel_id="2", daily_quota=3).apply(opened)
    assert both.allowed_channel_ids == ["1", "2"]
    assert ServerSettingsChange(channel_id="1").apply(both).allowed_channel_ids == ["2"]
    reopened = ServerSettingsChange(all_channels=True).apply(both)
    assert reopened.allowed_channel_ids == []
    assert reopened.daily_quota_per_user == 3


def test_only_allowed_channels_and_roles_may_start_films() -> None:
    server = ServerSettings(allowed_channel_ids=["1"], allowed_role_id="9")
    server.check_member("1", ["9"], moderator=False)
    server.check_member("1", [], moderator=True)
    with pytest.raises(NotAllowedHere, match="not used in this channel"):
        server.check_member("2", ["9"], moderator=False)
    with pytest.raises(NotAllowedHere, match="<@&9>"):
        server.check_member("1", [], moderator=False)


async def test_the_daily_quota_refuses_the_next_film_until_midnight(job_queue: JobQueue) -> None:
    store = ServerSettingsStore(job_queue.redis)
    evening = dt.datetime(2026, 12, 1, 22, 30, tzinfo=dt.UTC)
    await store.take_quota("g", "u", quota=1, now=evening)
    with pytest.raises(ServerQuotaReached, match="1 h 30 min"):
        await store.take_quota("g", "u", quota=1, now=evening)
    next_day = dt.datetime(2026, 12, 2, 0, 1, tzinfo=dt.UTC)
    await store.take_quota("g", "u", quota=1, now=next_day)
    await store.save("g", ServerSettings(daily_quota_per_user=1))
    assert (await store.get("g")).daily_quota_per_user == 1
