"""I420 frames: converting a picture once, and addressing the three planes of a frame buffer.

An I420 frame is one uint8 array of shape (height * 3 // 2, width): the Y plane, then the U
and V planes at half resolution, each stored contiguously. Plane views let cv2 write straight
into a reused buffer, so the hot path allocates nothing per frame.
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from shotgraph.pipeline.video.protocol import YuvFrame

# BT.601 limited range, as cv2's RGB->I420 conversion produces: black is Y=16, neutral chroma 128.
BLACK_Y = 16
NEUTRAL_CHROMA = 128


class Planes(NamedTuple):
    """Views of the Y, U and V planes of one I420 buffer (they share its memory)."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray


def frame_shape(width: int, height: int) -> tuple[int, int]:
    return height * 3 // 2, width


def new_frame(width: int, height: int) -> YuvFrame:
    return np.empty(frame_shape(width, height), dtype=np.uint8)


def planes(frame: YuvFrame) -> Planes:
    """The plane views of an I420 buffer of shape (height * 3 // 2, width)."""
    rows, width = frame.shape
    height = rows * 2 // 3
    flat = frame.reshape(-1)
    luma = width * height
    chroma = luma // 4
    return Planes(
        frame[:height],
        flat[luma : luma + chroma].reshape(height // 2, width // 2),
        flat[luma + chroma :].reshape(height // 2, width // 2),
    )


def rgb_to_i420(rgb: np.ndarray) -> YuvFrame:
    """Convert an RGB picture of even width and height to one I420 frame."""
    height, width = rgb.shape[:2]
    if width % 2 or height % 2:
        raise ValueError(f"I420 needs an even size, got {width}x{height}")
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)


def black_frame(width: int, height: int) -> YuvFrame:
    frame = new_frame(width, height)
    frame[:height] = BLACK_Y
    frame[height:] = NEUTRAL_CHROMA
    return frame
