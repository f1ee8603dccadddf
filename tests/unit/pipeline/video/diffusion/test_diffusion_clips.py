"""Clip artefacts: written at the model's size, conformed to the film's size, frame rate and
the shot's exact length."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from shotgraph.config import Resolution
from shotgraph.pipeline.video.diffusion.clips import (
    ClipFootage,
    cover,
    generation_size,
    last_frame,
    pass_count,
    source_frame_count,
    write_clip,
)


def grey(level: int, width: int = 128, height: int = 64) -> np.ndarray:
    return np.full((height, width, 3), level, np.uint8)


def test_generation_size_rounds_the_film_frame_to_multiples_of_64() -> None:
    assert generation_size(Resolution(width=1024, height=576)) == (1024, 576)
    assert generation_size(Resolution(width=1280, height=720)) == (1280, 704)
    assert generation_size(Resolution(width=320, height=180)) == (320, 192)
    assert generation_size(Resolution(width=576, height=1024)) == (576, 1024)


def test_a_shot_needs_its_length_in_model_frames() -> None:
    assert source_frame_count(3.5, 7) == 25
    assert source_frame_count(0.1, 7) == 2


def test_svd_passes_chain_without_repeating_the_shared_frame() -> None:
    assert pass_count(25, 25) == 1
    assert pass_count(26, 25) == 2
    assert pass_count(49, 25) == 2
    assert pass_count(50, 25) == 3


def test_a_written_clip_reads_back_frame_for_frame(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    write_clip([grey(40), grey(120), grey(200)], 7, clip)
    assert np.abs(last_frame(clip).astype(int) - 200).max() <= 3


def test_footage_has_exactly_the_frames_asked_for_at_the_film_size(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    write_clip([grey(level) for level in (20, 60, 100, 140)], 7, clip)
    footage = ClipFootage(clip, Resolution(width=160, height=90))
    frames = [frame.copy() for frame in footage.frames(10)]
    assert len(frames) == 10
    assert all(frame.shape == (135, 160) for frame in frames)
    luma = [float(frame[:90].mean()) for frame in frames]
    assert luma == sorted(luma)  # the clip's brightening, stretched over the shot
    first, last = (cv2.cvtColor(frames[i], cv2.COLOR_YUV2RGB_I420) for i in (0, -1))
    assert abs(first.mean() - 20) <= 3
    assert abs(last.mean() - 140) <= 3


def test_in_between_frames_blend_their_neighbours(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    write_clip([grey(0), grey(200)], 7, clip)
    frames = [
        frame.copy() for frame in ClipFootage(clip, Resolution(width=128, height=64)).frames(3)
    ]
    middle = cv2.cvtColor(frames[1], cv2.COLOR_YUV2RGB_I420)
    assert abs(middle.mean() - 100) <= 4


def test_in_between_frames_follow_the_motion_instead_of_fading_across_it(tmp_path: Path) -> None:
    """A camera pan of 8 px from one clip frame to the next: the frame halfway is the view
    panned 4 px, not the two views faded into each other."""
    texture = np.random.default_rng(0).integers(0, 256, (96, 256, 3), dtype=np.uint8)
    texture = cv2.GaussianBlur(texture, (0, 0), 2.0)

    def view(x: int) -> np.ndarray:
        return np.ascontiguousarray(texture[16:80, x : x + 128])

    clip = tmp_path / "pan.mp4"
    write_clip([view(40), view(48)], 7, clip)
    frames = ClipFootage(clip, Resolution(width=128, height=64)).frames(3)
    middle = cv2.cvtColor(list(frames)[1], cv2.COLOR_YUV2RGB_I420).astype(float)

    truth = view(44).astype(float)
    faded = (view(40).astype(float) + view(48).astype(float)) / 2
    inside = (slice(8, -8), slice(16, -16))  # what both views show
    followed = np.abs(middle - truth)[inside].mean()
    assert followed < np.abs(faded - truth)[inside].mean() / 2
    assert followed < 4  # about the clip's own compression error


def test_cover_scales_to_fill_and_crops_the_overflow() -> None:
    picture = np.zeros((64, 128, 3), np.uint8)
    picture[:, :32] = 255  # a white band on the left quarter
    framed = cover(picture, 64, 64)
    assert framed.shape == (64, 64, 3)
    assert framed.mean() < 10  # the centre square keeps none of the band
