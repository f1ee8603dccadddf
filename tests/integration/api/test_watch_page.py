"""The watch page over HTTP: who gets the page and who gets the file, the preview tags, the
files the page loads, and the pages for dead links."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.models import CostLine, CostReport, ShotPlan
from shotgraph.pipeline.composition.timeline import END_CARD_S
from shotgraph.queue import keys
from shotgraph.queue.client import JobQueue
from tests.conftest import offline_settings
from tests.helpers.links import token_signed_long_ago
from tests.helpers.media import frame_at
from tests.helpers.watch_page import api_client
from tests.integration.api.conftest import SharedFilm, finish_a_film

BROWSER = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
    "image/webp,image/apng,*/*;q=0.8",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36",
}
DISCORD_CRAWLER = {
    "Accept": "*/*",
    "User-Agent": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
}


class _Meta(HTMLParser):
    """The page's meta tags by property or name, and how often each class appears."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.classes: dict[str, int] = {}
        self.tracks: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (key := found.get("property") or found.get("name")):
            self.meta[key] = found.get("content") or ""
        if tag == "track":
            self.tracks.append(found)
        for name in (found.get("class") or "").split():
            self.classes[name] = self.classes.get(name, 0) + 1


def parse(html: str) -> _Meta:
    parser = _Meta()
    parser.feed(html)
    return parser


@pytest.fixture
async def client(film_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(film_settings) as http:
        yield http


@pytest.fixture
async def film(film_settings: Settings) -> AsyncIterator[SharedFilm]:
    queue = await JobQueue.connect(film_settings)
    try:
        yield await finish_a_film(queue, film_settings)
    finally:
        await queue.close()


async def test_a_browser_gets_the_page_and_curl_gets_the_film(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    page = await client.get(film.path, headers=BROWSER)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>The Kite</h1>" in page.text

    file = await client.get(film.path)  # httpx, like curl, accepts */*
    assert file.headers["content-type"] == "video/mp4"
    assert file.headers["content-disposition"].startswith("attachment")
    stored = (film_settings.storage_path / film.result.files.video).read_bytes()
    assert file.content == stored
    asks_for_video = await client.get(film.path, headers={"Accept": "video/mp4,text/html;q=0.5"})
    assert asks_for_video.headers["content-type"] == "video/mp4"

    # film.mp4 is the file whoever asks, and seeks.
    part = await client.get(f"{film.path}/film.mp4", headers={**BROWSER, "Range": "bytes=100-"})
    assert part.status_code == 206
    assert part.headers["content-type"] == "video/mp4"
    assert part.content == stored[100:]
    page_head = await client.head(film.path, headers=DISCORD_CRAWLER)
    assert page_head.status_code == 200
    assert page_head.headers["content-type"].startswith("text/html")
    head = await client.head(f"{film.path}/film.mp4", headers=DISCORD_CRAWLER)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(stored))
    assert head.content == b""


async def test_the_page_carries_preview_tags_that_point_at_the_signed_files(
    client: httpx.AsyncClient, film: SharedFilm
) -> None:
    for headers in (BROWSER, DISCORD_CRAWLER):
        meta = parse((await client.get(film.path, headers=headers)).text).meta
        assert meta["og:title"] == "The Kite"
        assert meta["og:url"] == film.url
        assert meta["og:image"] == f"{film.url}/thumbnail.jpg"
        assert meta["og:video"] == meta["og:video:url"] == f"{film.url}/film.mp4"
        assert meta["og:video:type"] == "video/mp4"
        assert (meta["og:video:width"], meta["og:video:height"]) == ("480", "270")
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["twitter:image"] == meta["og:image"]
        assert meta["og:description"].startswith("Mara ran up the green hill")
    # The tags' absolute URLs answer with what they promise.
    for url, kind in ((meta["og:image"], "image/jpeg"), (meta["og:video"], "video/mp4")):
        answer = await client.get(url.removeprefix("http://127.0.0.1:8000"))
        assert (answer.status_code, answer.headers["content-type"]) == (200, kind)


async def test_the_page_shows_the_storyboard_cast_and_making_of(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    html = (await client.get(film.path, headers=BROWSER)).text
    found = parse(html)
    plan = ShotPlan.model_validate_json(
        (film_settings.storage_path / film.result.files.plan).read_bytes()
    )
    assert found.classes["shot"] == film.result.shot_count == plan.shot_count
    for ref in plan.shots():
        for line in ref.shot.narration:
            assert line.text.replace('"', "&#34;") in html
    assert [track["srclang"] for track in found.tracks] == ["en"]
    assert found.tracks[0]["kind"] == "subtitles"
    assert "Mara" in html
    assert "Tom" in html
    assert "a woman&#39;s voice" in html  # Tom speaks, in the voice the casting gave him
    assert '<span class="spoken" title="Tom">&#34;Hold the string tight,&#34;</span>' in html
    assert "espeak" in html
    assert "animatic" in html
    assert "nothing fell back" in html
    assert "by Alice" in html
    assert "This link works until" in html


async def test_subtitles_are_served_as_webvtt(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    answer = await client.get(f"{film.path}/subtitles.vtt")
    assert answer.headers["content-type"].startswith("text/vtt")
    vtt = answer.text
    assert vtt.startswith("WEBVTT\n\n")
    srt = (film_settings.storage_path / film.result.files.subtitles).read_text("utf-8")
    assert vtt.count(" --> ") == srt.count(" --> ") > 3
    assert "00:00:03." in vtt
    assert "," not in vtt.split("\n")[3]


def picture(content: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(content)).convert("RGB"), dtype=float)


def stored_picture(settings: Settings, key: str, size: tuple[int, int]) -> np.ndarray:
    image = Image.open(settings.storage_path / key).convert("RGB").resize(size)
    return np.asarray(image, dtype=float)


async def test_the_storyboard_shows_each_keyframe_and_the_cast_their_references(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    board = film.result.storyboard
    assert board is not None
    html = (await client.get(film.path, headers=BROWSER)).text
    for panel in board.panels:
        assert f'src="{film.token}/shots/{panel.shot_id}.jpg"' in html
        still = picture((await client.get(f"{film.path}/shots/{panel.shot_id}.jpg")).content)
        assert max(still.shape[:2]) == 480
        keyframe = stored_picture(film_settings, panel.keyframe, (still.shape[1], still.shape[0]))
        assert np.abs(still - keyframe).mean() < 6
    plan = ShotPlan.model_validate_json(
        (film_settings.storage_path / film.result.files.plan).read_bytes()
    )
    for number, character in enumerate(plan.characters, start=1):
        assert f'src="{film.token}/cast/{number}.jpg" alt="{character.name}"' in html
        portrait = picture((await client.get(f"{film.path}/cast/{number}.jpg")).content)
        assert max(portrait.shape[:2]) == 240
        size = (portrait.shape[1], portrait.shape[0])
        reference = stored_picture(film_settings, board.references[character.name], size)
        assert np.abs(portrait - reference).mean() < 6
    missing = await client.get(f"{film.path}/cast/{len(plan.characters) + 1}.jpg")
    assert missing.status_code == 404


async def test_a_film_without_a_storyboard_shows_the_middle_of_each_shot(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    queue = await JobQueue.connect(film_settings)
    await queue.store.update(
        film.record.job_id, result=film.result.model_copy(update={"storyboard": None})
    )
    await queue.close()
    html = (await client.get(film.path, headers=BROWSER)).text
    assert "monogram" in html  # no reference images: the cast shows initials
    plan = ShotPlan.model_validate_json(
        (film_settings.storage_path / film.result.files.plan).read_bytes()
    )
    video = film_settings.storage_path / film.result.files.video
    # Each panel says where its shot starts; the next one's start (or the end card's) ends it.
    starts = [float(at) for at in re.findall(r'<li class="shot" [^>]*data-start="([\d.]+)"', html)]
    ends = [*starts[1:], film.result.duration_s - END_CARD_S]
    for ref, start, end in zip(plan.shots(), starts, ends, strict=True):
        answer = await client.get(f"{film.path}/shots/{ref.id}.jpg")
        assert answer.headers["content-type"] == "image/jpeg"
        still = picture(answer.content)
        assert still.shape == (270, 480, 3)
        # The panels' times are rounded: the still is the middle frame or a neighbour of it.
        middle = (start + end) / 2
        nearest = min(
            np.abs(still - frame_at(video, middle + step / film.result.fps)).mean()
            for step in (-1, 0, 1)
        )
        assert nearest < 8
    assert (await client.get(f"{film.path}/shots/s999-00.jpg")).status_code == 404


async def test_dead_links_get_a_page_that_says_why(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    forged = await client.get(f"{film.path[:-2]}xx", headers=BROWSER)
    assert forged.status_code == 403
    assert "This link is not valid" in forged.text
    expired = await client.get(
        f"/v/{token_signed_long_ago(film_settings, film.record.job_id)}", headers=BROWSER
    )
    assert expired.status_code == 410
    assert "This link has expired" in expired.text
    # curl still gets the one sentence as JSON.
    assert (await client.get(f"{film.path[:-2]}xx")).json()["detail"].endswith("not valid.")
    # So do the page's own files.
    assert (await client.get(f"{film.path[:-2]}xx/film.mp4")).status_code == 403

    queue = await JobQueue.connect(film_settings)
    await queue.store.mark_film_expired(film.record.job_id)  # retention deleted the film
    expired_film = await client.get(film.path, headers=BROWSER)
    assert expired_film.status_code == 410
    assert "This film has expired" in expired_film.text
    assert "films are kept for" in expired_film.text
    assert (await client.get(f"{film.path}/film.mp4")).status_code == 410
    await queue.store.redis.delete(keys.job(film.record.job_id))
    await queue.close()
    gone = await client.get(film.path, headers=BROWSER)
    assert gone.status_code == 404
    assert "This film is no longer here" in gone.text


async def test_the_page_shows_what_the_llm_cost_and_what_fell_back(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    line = CostLine(
        stage="shots",
        model="meta-llama/Llama-3.3-70B",
        calls=3,
        input_tokens=900,
        output_tokens=300,
    )
    line.dollars = 0.0123
    note = "narration: edge-tts failed for 2 shots; they were spoken by espeak-ng"
    result = film.result.model_copy(update={"cost": CostReport(lines=[line]), "notes": [note]})
    queue = await JobQueue.connect(film_settings)
    await queue.store.update(film.record.job_id, result=result)
    await queue.close()

    html = (await client.get(film.path, headers=BROWSER)).text
    assert "$0.0123" in html
    assert "meta-llama/Llama-3.3-70B" in html
    assert "<td>1200</td>" in html  # tokens in and out
    assert "<h3>Fallbacks</h3>" in html
    assert note in html
    assert "nothing fell back" not in html


async def test_the_page_and_its_files_come_from_a_bucket(
    film_settings: Settings, s3_overrides: dict[str, object], tmp_path: Path
) -> None:
    """With STORAGE_BACKEND=s3 nothing is on the API's disk until a page asks for it."""
    in_bucket = {
        **s3_overrides,
        "video_resolution": "480x270",
        "video_fps": 12,
        "redis_url": film_settings.redis_url,
        "link_secret": "test-link-secret",
    }
    worker = offline_settings(tmp_path, **in_bucket)
    settings = offline_settings(tmp_path, **{**in_bucket, "scratch_path": tmp_path / "api"})
    queue = await JobQueue.connect(settings)
    film = await finish_a_film(queue, worker)
    await queue.close()
    assert not (settings.scratch_path / film.result.files.video).exists()

    async with api_client(settings) as client:
        html = (await client.get(film.path, headers=BROWSER)).text
        assert parse(html).classes["shot"] == film.result.shot_count
        vtt = await client.get(f"{film.path}/subtitles.vtt")
        assert vtt.text.startswith("WEBVTT")
        poster = await client.get(f"{film.path}/thumbnail.jpg")
        assert poster.headers["content-type"] == "image/jpeg"
        still = await client.get(f"{film.path}/shots/s000-00.jpg")
        assert max(Image.open(io.BytesIO(still.content)).size) == 480
        part = await client.get(f"{film.path}/film.mp4", headers={"Range": "bytes=0-99"})
        assert part.status_code == 206
        assert len(part.content) == 100


async def test_every_version_after_retakes_is_listed_and_served(
    client: httpx.AsyncClient, film: SharedFilm, film_settings: Settings
) -> None:
    first = film.result
    retake = film_settings.storage_path / first.files.video.replace("film.mp4", "film-v2.mp4")
    retake.write_bytes(b"a retaken film " * 100)
    second = first.model_copy(
        update={
            "files": first.files.model_copy(
                update={"video": f"{first.files.video[:-8]}film-v2.mp4"}
            )
        }
    )
    queue = await JobQueue.connect(film_settings)
    await queue.store.update(film.record.job_id, result=second, versions=[first, second])
    await queue.close()

    html = (await client.get(film.path, headers=BROWSER)).text
    assert "<h2>Versions</h2>" in html
    assert f'<a href="{film.token}/film.mp4?v=1" download>v1</a>' in html
    assert f"v2</a> · {spell_seconds(second.duration_s)} · <b>playing above</b>" in html
    v1 = await client.get(f"{film.path}/film.mp4?v=1")
    assert v1.content == (film_settings.storage_path / first.files.video).read_bytes()
    assert "-v1.mp4" in v1.headers["content-disposition"]
    assert (await client.get(f"{film.path}/film.mp4")).content == retake.read_bytes()
    assert (await client.get(f"{film.path}/film.mp4?v=3")).status_code == 404


async def test_behind_https_the_preview_names_the_secure_video_url(
    film: SharedFilm, film_settings: Settings
) -> None:
    public = film_settings.model_copy(update={"api_public_url": "https://films.example/shotgraph"})
    async with api_client(public) as client:
        meta = parse((await client.get(film.path, headers=DISCORD_CRAWLER)).text).meta
    page = f"https://films.example/shotgraph/v/{film.token}"
    assert meta["og:url"] == page
    assert meta["og:video:secure_url"] == meta["og:video"] == f"{page}/film.mp4"
    assert meta["og:image"] == f"{page}/thumbnail.jpg"
