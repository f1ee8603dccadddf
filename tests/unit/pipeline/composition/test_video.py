"""Streaming the film's frames into libx264: frame count, fades, crossfades, thumbnail."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import pytest

from shotgraph.config import Resolution
from shotgraph.models import Transition
from shotgraph.pipeline.composition.cards import StillFootage, end_card, title_card
from shotgraph.pipeline.composition.ffmpeg import FfmpegFailed
from shotgraph.pipeline.composition.timeline import Segment, Timeline
from shotgraph.pipeline.composition.video import EncoderSettings, encode_film
from shotgraph.pipeline.video.yuv import black_frame
from tests.helpers.media import probe

SIZE = Resolution(width=320, height=180)
FPS = 12
ENCODER = EncoderSettings(fps=FPS, preset="ultrafast", crf=18)
BRIGHT, DARK = 180, 60


def solid(level: int) -> StillFootage:
    frame = black_frame(SIZE.width, SIZE.height)
    frame[: SIZE.height] = level
    return StillFootage(frame)


def timeline() -> Timeline:
    """Title, a bright shot (through black), a dark shot (crossfade), the end card (through
    black): 66 frames."""
    return Timeline(
        fps=FPS,
        segments=[
            Segment(kind="title", start_frame=0, frame_count=12),
            Segment(
                kind="shot",
                shot_id="s000-00",
                start_frame=12,
                frame_count=24,
                transition_in=Transition.FADE_BLACK,
                transition_frames=4,
            ),
            Segment(
                kind="shot",
                shot_id="s000-01",
                start_frame=32,
                frame_count=24,
                transition_in=Transition.CROSSFADE,
                transition_frames=4,
            ),
            Segment(
                kind="end",
                start_frame=56,
                frame_count=10,
                transition_in=Transition.FADE_BLACK,
                transition_frames=4,
            ),
        ],
    )


def luma_means(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        return [
            float(frame.to_ndarray()[: SIZE.height].mean())  # the Y plane, as encoded
            for frame in container.decode(container.streams.video[0])
        ]


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[tuple[int, int]]]:
    folder = tmp_path_factory.mktemp("film")
    calls: list[tuple[int, int]] = []
    result = encode_film(
        timeline(),
        {"s000-00": solid(BRIGHT), "s000-01": solid(DARK)},
        title_card("A Test Film"),
        end_card(),
        SIZE,
        ENCODER,
        folder / "film.mp4",
        folder / "thumb.jpg",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert result.frame_count == 66
    return result.path, result.thumbnail, calls


def test_writes_h264_yuv420p_with_every_frame(encoded: tuple[Path, Path, list]) -> None:
    video = encoded[0]
    info = probe(video)
    stream = info.stream("video")
    assert (stream.codec, stream.width, stream.height) == ("h264", 320, 180)
    assert stream.fps == pytest.approx(FPS)
    assert stream.frames == 66
    assert [s.kind for s in info.streams] == ["video"]
    with av.open(str(video)) as container:
        assert container.streams.video[0].codec_context.pix_fmt == "yuv420p"
    assert len(luma_means(video)) == 66


def test_crossfade_blends_the_two_shots(encoded: tuple[Path, Path, list]) -> None:
    means = luma_means(encoded[0])
    assert means[30] == pytest.approx(BRIGHT, abs=4)
    assert means[37] == pytest.approx(DARK, abs=4)
    overlap = means[32:36]
    assert all(DARK + 8 < m < BRIGHT - 8 for m in overlap)
    assert overlap == sorted(overlap, reverse=True)
    expected = [BRIGHT + (DARK - BRIGHT) * step / 5 for step in range(1, 5)]
    assert overlap == pytest.approx(expected, abs=5)


def test_fades_go_through_black(encoded: tuple[Path, Path, list]) -> None:
    means = luma_means(encoded[0])
    black = 16
    assert means[12] < black + (BRIGHT - black) * 0.3  # the first shot fades in
    assert means[12] < means[13] < means[14] < means[15] < means[16]
    assert means[0] < means[6]  # the film fades in from black
    assert means[-1] < means[-6]  # and out to black at the end
    assert means[55] < DARK - 10  # the dark shot fades out before the end card


def test_thumbnail_shows_the_first_shot(encoded: tuple[Path, Path, list]) -> None:
    picture = cv2.imread(str(encoded[1]), cv2.IMREAD_GRAYSCALE)
    assert picture.shape == (180, 320)
    full_range = (BRIGHT - 16) * 255 / 219  # the JPEG holds full-range RGB
    assert picture.mean() == pytest.approx(full_range, abs=6)


def test_progress_is_reported_up_to_the_total(encoded: tuple[Path, Path, list]) -> None:
    calls = encoded[2]
    assert calls[-1] == (66, 66)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) < 10


def test_burned_subtitles_appear_in_the_picture(tmp_path: Path) -> None:
    srt = tmp_path / "my subs (en).srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:05,000\nHELLO THERE\n", encoding="utf-8")
    short = Timeline(
        fps=FPS, segments=[Segment(kind="shot", shot_id="a", start_frame=0, frame_count=12)]
    )
    plain = encode_film(
        short, {"a": solid(DARK)}, title_card("x"), end_card(), SIZE, ENCODER,
        tmp_path / "plain.mp4", tmp_path / "p.jpg",
    )  # fmt: skip
    burned = encode_film(
        short, {"a": solid(DARK)}, title_card("x"), end_card(), SIZE, ENCODER,
        tmp_path / "burned.mp4", tmp_path / "b.jpg", burn_subtitles=srt,
    )  # fmt: skip
    with av.open(str(plain.path)) as a, av.open(str(burned.path)) as b:
        frame_a = next(iter(a.decode(video=0))).to_ndarray(format="gray")[120:]
        frame_b = next(iter(b.decode(video=0))).to_ndarray(format="gray")[120:]
    assert frame_b.max() > frame_a.max() + 100


def test_encoder_failure_is_reported(tmp_path: Path) -> None:
    short = Timeline(
        fps=FPS, segments=[Segment(kind="shot", shot_id="a", start_frame=0, frame_count=4)]
    )
    broken = EncoderSettings(fps=FPS, preset="no-such-preset")
    with pytest.raises(FfmpegFailed, match="exited"):
        encode_film(
            short, {"a": solid(DARK)}, title_card("x"), end_card(), SIZE, broken,
            tmp_path / "x.mp4", tmp_path / "x.jpg",
        )  # fmt: skip


def test_footage_that_runs_short_is_an_error(tmp_path: Path) -> None:
    class TooShort:
        def frames(self, frame_count: int):  # type: ignore[no-untyped-def]
            yield from solid(DARK).frames(frame_count - 1)

    short = Timeline(
        fps=FPS, segments=[Segment(kind="shot", shot_id="a", start_frame=0, frame_count=4)]
    )
    with pytest.raises(ValueError, match="ran out"):
        encode_film(
            short, {"a": TooShort()}, title_card("x"), end_card(), SIZE, ENCODER,
            tmp_path / "x.mp4", tmp_path / "x.jpg",
        )  # fmt: skip
