"""The watch page in a real browser: Debian's chromium driven by Playwright against the real
API served by uvicorn on loopback. It plays, seeks (Range requests), shows subtitles and the
storyboard, and is screenshotted at phone and desktop widths into the test's folder."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright

from shotgraph.api.app import create_app
from shotgraph.api.pages.gallery import Gallery, GalleryLinks
from shotgraph.bot.discord_settings import ServerSettingsChange, ServerSettingsStore
from shotgraph.config import Settings
from shotgraph.queue.client import JobQueue
from tests.integration.api.conftest import SharedFilm, finish_a_film

pytestmark = pytest.mark.slow

INSTALL_CHROMIUM = "sudo apt-get install chromium (or run scripts/system-deps.sh as root)"
# Headless chromium blocks play() without a click; the page's own player needs none.
CHROMIUM_ARGS = ["--autoplay-policy=no-user-gesture-required", "--mute-audio"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def chromium_path() -> str:
    """Debian's chromium: Playwright's own browser download is not reachable from here."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(f"chromium is not installed; install it with: {INSTALL_CHROMIUM}")
    return found


@pytest.fixture
async def served(film_settings: Settings) -> AsyncIterator[tuple[Settings, SharedFilm]]:
    """The API on a free loopback port, with links that point at it, and a finished film."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    settings = film_settings.model_copy(update={"api_public_url": f"http://127.0.0.1:{port}"})
    queue = await JobQueue.connect(settings)
    film = await finish_a_film(queue, settings)
    await queue.close()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    listener.listen()  # the browser's first connection waits in the backlog for the server
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        yield settings, film
    finally:
        server.should_exit = True
        await serving
        listener.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


async def open_page(browser: Browser, url: str, viewport: dict[str, int]) -> tuple[Page, list[str]]:
    """The page loaded, with every console error and uncaught exception it produced so far (and
    later: the list keeps filling)."""
    page = await browser.new_page(viewport=viewport)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(url)
    await page.wait_for_load_state("networkidle")
    return page, errors


async def show_every_panel(page: Page) -> int:
    """Scroll each storyboard image into view (they load lazily); how many have a picture."""
    for image in await page.query_selector_all(".storyboard img"):
        await image.scroll_into_view_if_needed()
    await page.wait_for_function(
        "[...document.querySelectorAll('.storyboard img')].every(i => i.complete)"
    )
    await page.evaluate("window.scrollTo(0, 0)")
    return await page.evaluate(
        "[...document.querySelectorAll('.storyboard img')].filter(i => i.naturalWidth > 0).length"
    )


async def test_the_page_plays_seeks_and_shows_subtitles_and_storyboard(
    served: tuple[Settings, SharedFilm], browser: Browser, tmp_path: Path
) -> None:
    settings, film = served
    film_statuses: list[int] = []
    page, errors = await open_page(browser, film.url, DESKTOP)
    page.on(
        "response",
        lambda answer: (
            film_statuses.append(answer.status) if answer.url.endswith("/film.mp4") else None
        ),
    )
    assert await page.title() == "The Kite · ShotGraph"

    # It plays: enough data to go on, and the clock moves.
    await page.evaluate("document.getElementById('film').play()")
    await page.wait_for_function("document.getElementById('film').readyState >= 3")
    started = await page.evaluate("document.getElementById('film').currentTime")
    await page.wait_for_function(
        f"document.getElementById('film').currentTime > {started} + 0.5", timeout=15_000
    )

    # A seek to the middle lands there and can play on.
    duration = await page.evaluate("document.getElementById('film').duration")
    assert duration == pytest.approx(film.result.duration_s, abs=0.3)
    await page.evaluate(
        """() => new Promise(done => {
            const film = document.getElementById('film');
            film.addEventListener('seeked', done, {once: true});
            film.currentTime = film.duration / 2;
        })"""
    )
    await page.wait_for_function("document.getElementById('film').readyState >= 3")
    middle = await page.evaluate("document.getElementById('film').currentTime")
    assert middle == pytest.approx(duration / 2, abs=1.0)
    assert 206 in film_statuses  # the player asked for byte ranges, and got them

    # The subtitle track is loaded, with every cue of the film's subtitles.
    await page.wait_for_function(
        "(() => { const t = document.getElementById('film').textTracks[0];"
        " return t.mode === 'showing' && t.cues && t.cues.length > 0; })()"
    )
    cues = await page.evaluate("document.getElementById('film').textTracks[0].cues.length")
    srt = (settings.storage_path / film.result.files.subtitles).read_text("utf-8")
    assert cues == srt.count(" --> ")

    # As many storyboard frames as the film has shots, each with its picture.
    assert await show_every_panel(page) == film.result.shot_count

    # A click on a panel plays the film from that shot, and the panel is marked as playing.
    start = float(await page.get_attribute("#shot-3", "data-start") or "nan")
    await page.click("#shot-3 .seek")
    await page.wait_for_function(
        f"Math.abs(document.getElementById('film').currentTime - {start}) < 1"
    )
    await page.wait_for_selector("#shot-3.playing")
    assert await page.locator(".shot.playing").count() == 1

    # Paused inside a cue, the subtitle is on screen (and in the screenshot).
    await page.evaluate(
        """() => new Promise(done => {
            const film = document.getElementById('film');
            film.pause();
            film.addEventListener('seeked', done, {once: true});
            film.currentTime = film.textTracks[0].cues[2].startTime + 0.5;
        })"""
    )
    await page.wait_for_function("document.getElementById('film').textTracks[0].activeCues.length")
    await page.screenshot(path=tmp_path / "watch-desktop.png", full_page=True)
    assert errors == []


async def test_the_page_fits_a_phone(
    served: tuple[Settings, SharedFilm], browser: Browser, tmp_path: Path
) -> None:
    _, film = served
    page, errors = await open_page(browser, film.url, PHONE)
    assert await show_every_panel(page) == film.result.shot_count
    # Nothing sticks out sideways: no horizontal scrolling on a phone.
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    player_width = await page.evaluate("document.getElementById('film').clientWidth")
    assert player_width >= PHONE["width"] - 40
    await page.screenshot(path=tmp_path / "watch-phone.png", full_page=True)
    assert errors == []


async def test_a_forged_link_shows_its_page_in_the_browser(
    served: tuple[Settings, SharedFilm], browser: Browser
) -> None:
    _, film = served
    page = await browser.new_page(viewport=PHONE)
    answer = await page.goto(f"{film.url[:-2]}xx")
    assert answer is not None
    assert answer.status == 403
    assert await page.text_content("h1") == "This link is not valid"


async def test_the_gallery_shows_its_films_with_thumbnails(
    served: tuple[Settings, SharedFilm], browser: Browser, tmp_path: Path
) -> None:
    settings, film = served
    queue = await JobQueue.connect(settings)
    servers = ServerSettingsStore(queue.redis)
    assert film.record.owner.server_id is not None
    server = ServerSettingsChange(gallery="on").apply(
        await servers.get(film.record.owner.server_id)
    )
    await servers.save(film.record.owner.server_id, server)
    await Gallery(queue.redis, queue.store).add(film.record.owner.server_id, film.record.job_id)
    await queue.close()
    assert server.gallery_key is not None
    url = GalleryLinks(settings).url_for(film.record.owner.server_id, server.gallery_key)

    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page, errors = await open_page(browser, url, viewport)
        loaded = await page.evaluate(
            "[...document.querySelectorAll('.gallery img')].filter(i => i.naturalWidth > 0).length"
        )
        assert loaded == 1
        await page.screenshot(path=tmp_path / f"gallery-{name}.png", full_page=True)
        await page.click(".gallery .name a")
        await page.wait_for_load_state("networkidle")
        assert await page.title() == "The Kite · ShotGraph"
        assert errors == []
