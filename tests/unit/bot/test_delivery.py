"""Choosing how a film reaches a chat, with real films made by the bundled ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest

from shotgraph.api.links import DownloadLinks
from shotgraph.bot.delivery import plan_delivery
from shotgraph.config import Settings
from shotgraph.models import JobFiles, JobResult
from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg
from tests.conftest import offline_settings
from tests.helpers.media import probe

DURATION_S = 4.0


@pytest.fixture(scope="module")
def film_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A grainy (so hard to compress) film with sound, some megabytes."""
    out = tmp_path_factory.mktemp("film") / "film.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=480x270:rate=24:duration={DURATION_S}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={DURATION_S}",
        "-vf", "noise=alls=40:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
        "-c:a", "aac", "-shortest", out,
    )  # fmt: skip
    return out.read_bytes()


def make_job(settings: Settings, film_bytes: bytes) -> JobResult:
    folder = settings.storage_path / "jobs" / "job1"
    folder.mkdir(parents=True)
    (folder / "film.mp4").write_bytes(film_bytes)
    return JobResult(
        job_id="job1",
        title="t",
        files=JobFiles(
            video="jobs/job1/film.mp4", subtitles="s.srt", plan="p.json", thumbnail="t.jpg"
        ),
        duration_s=DURATION_S,
        width=480,
        height=270,
        fps=24,
        size_bytes=len(film_bytes),
        shot_count=1,
        scene_count=1,
    )


async def test_a_film_under_the_limit_is_uploaded_as_it_is(
    tmp_path: Path, film_bytes: bytes
) -> None:
    settings = offline_settings(tmp_path)
    result = make_job(settings, film_bytes)
    delivery = await plan_delivery(settings, result, limit_bytes=len(film_bytes) + 1)
    assert delivery.kind == "upload"
    assert not delivery.reduced
    assert delivery.path == settings.storage_path / result.files.video


async def test_a_film_over_the_limit_is_re_encoded_to_fit(
    tmp_path: Path, film_bytes: bytes
) -> None:
    settings = offline_settings(tmp_path)
    result = make_job(settings, film_bytes)
    limit = len(film_bytes) // 3
    delivery = await plan_delivery(settings, result, limit_bytes=limit)
    assert delivery.kind == "upload"
    assert delivery.reduced
    assert delivery.path is not None
    assert delivery.path.stat().st_size <= limit
    info = probe(delivery.path)
    assert abs(info.duration_s - DURATION_S) < 0.3
    assert info.stream("audio").codec == "aac"
    # Made once: asking again reuses the smaller file.
    again = await plan_delivery(settings, result, limit_bytes=limit)
    assert again.path == delivery.path


async def test_a_film_that_cannot_fit_gets_a_signed_link(tmp_path: Path, film_bytes: bytes) -> None:
    settings = offline_settings(tmp_path, link_secret="s3cret")
    result = make_job(settings, film_bytes)
    delivery = await plan_delivery(settings, result, limit_bytes=50_000)
    assert delivery.kind == "link"
    assert delivery.url is not None
    token = delivery.url.rsplit("/", 1)[1]
    assert DownloadLinks(settings).job_id_from(token) == "job1"


async def test_without_a_link_secret_the_user_is_told_why(
    tmp_path: Path, film_bytes: bytes
) -> None:
    settings = offline_settings(tmp_path)
    result = make_job(settings, film_bytes)
    delivery = await plan_delivery(settings, result, limit_bytes=50_000)
    assert delivery.kind == "unavailable"
    assert "LINK_SECRET" in delivery.note
