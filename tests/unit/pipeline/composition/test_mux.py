"""The final MP4: copied H.264, AAC sound and a tagged mov_text subtitle track."""

from __future__ import annotations

from pathlib import Path

import pytest

from shotgraph.pipeline.composition.ffmpeg import run_ffmpeg
from shotgraph.pipeline.composition.mux import mp4_language, mux
from tests.helpers.media import probe


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("mux")
    video, audio, srt = folder / "video.mp4", folder / "sound.m4a", folder / "subs.srt"
    run_ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=12:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", video,
    )  # fmt: skip
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", "-b:a", "96k", audio
    )
    srt.write_text(
        "1\n00:00:00,200 --> 00:00:01,500\nThe keeper climbs the stair.\n", encoding="utf-8"
    )
    return video, audio, srt


def test_mux_joins_picture_sound_and_subtitles(
    inputs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    video, audio, srt = inputs
    out = tmp_path / "film.mp4"
    mux(video, audio, srt, out, "en", title="The Keeper")
    info = probe(out)
    assert [(s.kind, s.codec) for s in info.streams] == [
        ("video", "h264"),
        ("audio", "aac"),
        ("subtitle", "mov_text"),
    ]
    assert info.stream("subtitle").language == "eng"
    assert info.stream("audio").language == "eng"
    assert info.stream("video").frames == 24
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    # +faststart: the index (moov) comes before the media data (mdat).
    head = out.read_bytes()[:4096]
    assert head.find(b"moov") != -1
    assert head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat")


def test_mux_without_subtitles_or_sound(inputs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    video, audio, _ = inputs
    out = tmp_path / "quiet.mp4"
    mux(video, None, None, out, "de")
    assert [s.kind for s in probe(out).streams] == ["video"]
    mux(video, audio, None, out, "de")
    info = probe(out)
    assert [s.kind for s in info.streams] == ["video", "audio"]
    assert info.stream("audio").language == "deu"


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en", "eng"), ("pt-BR", "por"), ("zh", "zho"), ("fra", "fra"), ("xx", "und")],
)
def test_mp4_language_codes(tag: str, code: str) -> None:
    assert mp4_language(tag) == code
