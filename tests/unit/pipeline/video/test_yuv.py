"""I420 frame helpers: plane views share the frame's memory, conversions round-trip."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from shotgraph.pipeline.video.yuv import black_frame, new_frame, planes, rgb_to_i420


def test_planes_are_views_of_the_frame() -> None:
    frame = new_frame(8, 4)
    y, u, v = planes(frame)
    assert (y.shape, u.shape, v.shape) == ((4, 8), (2, 4), (2, 4))
    y[:] = 1
    u[:] = 2
    v[:] = 3
    assert frame.reshape(-1).tolist() == [1] * 32 + [2] * 8 + [3] * 8


def test_rgb_round_trip_keeps_colours_close() -> None:
    rgb = np.zeros((4, 6, 3), np.uint8)
    rgb[:, :2] = (200, 40, 40)  # colour edges on the 2x2 chroma grid
    rgb[:, 2:] = (30, 90, 210)
    back = cv2.cvtColor(rgb_to_i420(rgb), cv2.COLOR_YUV2RGB_I420)
    assert np.abs(back.astype(int) - rgb).max() <= 6


def test_black_is_video_black() -> None:
    assert cv2.cvtColor(black_frame(4, 2), cv2.COLOR_YUV2RGB_I420).max() == 0


def test_odd_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="even"):
        rgb_to_i420(np.zeros((3, 4, 3), np.uint8))
