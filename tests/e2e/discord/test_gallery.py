"""The server gallery through the real bot: a moderator turns it on in `/shotgraph settings`,
public films appear on it and "only me" films never do; a new link revokes the old."""

from __future__ import annotations

import re

import pytest

from tests.e2e.discord.conftest import Scene
from tests.helpers.watch_page import open_in_browser

pytestmark = pytest.mark.slow

PUBLIC = "The Kite\n\nMara ran up the green hill at dawn. The wind lifted her red kite."
PRIVATE = "Secret Diary\n\nTom hid the little key under the loose stone by the well."


def gallery_url(described: str) -> str:
    found = re.search(r"Gallery of public films: (\S+)", described)
    assert found is not None, described
    return found.group(1)


async def test_the_gallery_lists_public_films_and_never_private_ones(scene: Scene) -> None:
    scene.worker()
    await scene.bot()
    mod = scene.fake.user("mod", moderator=True)

    async def settings(options: dict[str, str]) -> str:
        interaction = await scene.command("shotgraph", options, subcommand="settings", user=mod)
        return await scene.fake.private_reply(interaction)

    assert "Gallery of public films: off" in await settings({"daily_quota": 5})
    url = gallery_url(await settings({"gallery": "on"}))
    assert url.startswith(f"{scene.settings.api_public_url}/g/")

    await scene.progress(await scene.story(PUBLIC), "Done")
    private = await scene.command("story", {"text": PRIVATE, "visibility": "only_me"})
    await scene.progress(private, "Done")

    page = await open_in_browser(scene.settings, url)
    assert "The Kite" in page
    assert "by ann" in page
    assert "Secret Diary" not in page

    renewed = gallery_url(await settings({"gallery": "new_link"}))
    assert renewed != url
    assert "This gallery is closed" in await open_in_browser(scene.settings, url, status=410)
    assert "The Kite" in await open_in_browser(scene.settings, renewed)
