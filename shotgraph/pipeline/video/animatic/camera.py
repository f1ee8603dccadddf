"""Camera moves over a plate: where the frame looks, and how large a piece of the plate it sees.

A view is the plate point at the frame's centre and the plate pixels per frame pixel (above 1
the frame sees more of the plate, i.e. is zoomed out). Moves ease in and out, as a camera
operator starts and stops them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from shotgraph.models import CameraMove, Direction
from shotgraph.pipeline.video.yuv import Planes

# The plate is this much larger than the frame in each direction: the room a move travels in.
PLATE_SCALE = 1.3
# Views never come closer than this to the plate's edge (in frame pixels), so no border shows.
_EDGE = 2.0
# Below these a scale counts as 1 and a fraction of a pixel as none.
_SAME_SCALE = 1e-6
_SUBPIXEL = 1 / 256


@dataclass(frozen=True)
class View:
    cx: float
    cy: float
    scale: float


@dataclass(frozen=True)
class Move:
    """Where a move starts and ends, as offsets from the plate centre in units of the travel room
    (-1..1 on each axis), and the view scale at start and end; `arc` adds a bulge of scale in the
    middle (an orbit swings closer as it goes round)."""

    start: tuple[float, float]
    end: tuple[float, float]
    scale: tuple[float, float]
    arc: float = 0.0


def heading(move: CameraMove, direction: Direction) -> Direction | None:
    """The way a move really travels: a tilt goes up or down whatever else it was told, and
    zooms and static shots go nowhere sideways."""
    if move is CameraMove.TILT:
        return Direction.DOWN if direction is Direction.DOWN else Direction.UP
    if move in (CameraMove.PAN, CameraMove.DOLLY, CameraMove.ORBIT):
        return direction
    return None


def plan_move(move: CameraMove, direction: Direction, strength: float) -> Move:
    amount = 0.3 + 0.7 * strength  # a planned move always moves, however gentle
    way = heading(move, direction)
    sign_x = {Direction.LEFT: -1.0, Direction.RIGHT: 1.0}.get(way, 0.0) if way else 0.0
    sign_y = {Direction.UP: -1.0, Direction.DOWN: 1.0}.get(way, 0.0) if way else 0.0

    def lateral(reach: float, scale: tuple[float, float], arc: float = 0.0) -> Move:
        start = (-sign_x * amount * reach, -sign_y * amount * reach)
        end = (sign_x * amount * reach, sign_y * amount * reach)
        return Move(start, end, scale, arc)

    match move:
        case CameraMove.STATIC:
            return Move((0.0, 0.0), (0.0, 0.0), (1.12, 1.12))
        case CameraMove.PAN | CameraMove.TILT:
            return lateral(1.0, (1.0, 1.0))
        case CameraMove.PUSH_IN:
            return Move((0.0, 0.0), (0.0, 0.0), (1.25, 1.25 / (1.0 + 0.35 * amount)))
        case CameraMove.PULL_OUT:
            return Move((0.0, 0.0), (0.0, 0.0), (1.25 / (1.0 + 0.35 * amount), 1.25))
        case CameraMove.DOLLY:
            return lateral(0.7, (1.12, 1.12 / (1.0 + 0.1 * amount)))
        case CameraMove.ORBIT:
            return lateral(0.6, (1.12, 1.12), arc=-0.12 * amount)


def ease_in_out(t: np.ndarray) -> np.ndarray:
    """Smoothstep: zero speed at both ends."""
    return t * t * (3.0 - 2.0 * t)


def views(move: Move, frame: tuple[int, int], plate: tuple[int, int], count: int) -> list[View]:
    """The camera's view for each of `count` frames of a (width, height) frame over a plate."""
    t = np.linspace(0.0, 1.0, count) if count > 1 else np.zeros(1)
    eased = ease_in_out(t)
    scale = move.scale[0] + (move.scale[1] - move.scale[0]) * eased
    scale = scale + move.arc * np.sin(np.pi * t)
    limit = min((plate[0] - _EDGE) / frame[0], (plate[1] - _EDGE) / frame[1])
    scale = np.minimum(scale, limit)
    out = []
    for s, e in zip(scale, eased, strict=True):
        # Travel room at this scale: how far the centre may go before an edge shows.
        room_x = (plate[0] - frame[0] * s - _EDGE) / 2
        room_y = (plate[1] - frame[1] * s - _EDGE) / 2
        ox = move.start[0] + (move.end[0] - move.start[0]) * e
        oy = move.start[1] + (move.end[1] - move.start[1]) * e
        out.append(View(plate[0] / 2 + ox * room_x, plate[1] / 2 + oy * room_y, float(s)))
    return out


def shoot(plate: Planes, frame: Planes, view: View) -> None:
    """Render `view` of an I420 plate into an I420 frame buffer, plane by plane, in place.

    Speed decides the method (it runs for every frame of the film). A move at scale 1 (pan,
    tilt) is an exact sub-pixel shift: a blend of two neighbouring crops. A zoom resizes the
    crop with the nearest whole-pixel edges, which places content within half a pixel and
    costs a third of a general affine warp.
    """
    height, width = frame.y.shape
    left = view.cx - width * view.scale / 2
    top = view.cy - height * view.scale / 2
    for source, target, factor in (
        (plate.y, frame.y, 1.0),
        (plate.u, frame.u, 0.5),
        (plate.v, frame.v, 0.5),
    ):
        if abs(view.scale - 1.0) < _SAME_SCALE:
            _shift(source, target, left * factor, top * factor)
        else:
            _crop_resize(source, target, left * factor, top * factor, view.scale)


def _shift(source: np.ndarray, target: np.ndarray, left: float, top: float) -> None:
    height, width = target.shape
    x, y = (
        _clamp(math.floor(left), source.shape[1] - width - 1),
        _clamp(math.floor(top), source.shape[0] - height - 1),
    )
    fx, fy = left - x, top - y
    here = source[y : y + height, x : x + width]
    if fx < _SUBPIXEL and fy < _SUBPIXEL:
        np.copyto(target, here)
    elif fy < _SUBPIXEL:
        cv2.addWeighted(
            here, 1.0 - fx, source[y : y + height, x + 1 : x + 1 + width], fx, 0.0, dst=target
        )
    elif fx < _SUBPIXEL:
        cv2.addWeighted(
            here, 1.0 - fy, source[y + 1 : y + 1 + height, x : x + width], fy, 0.0, dst=target
        )
    else:
        matrix = np.array([[1.0, 0.0, left], [0.0, 1.0, top]])
        cv2.warpAffine(
            source,
            matrix,
            (width, height),
            dst=target,
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REPLICATE,
        )


def _crop_resize(
    source: np.ndarray, target: np.ndarray, left: float, top: float, scale: float
) -> None:
    height, width = target.shape
    x0 = _clamp(round(left), source.shape[1] - 1)
    x1 = _clamp(round(left + width * scale), source.shape[1], x0 + 1)
    y0 = _clamp(round(top), source.shape[0] - 1)
    y1 = _clamp(round(top + height * scale), source.shape[0], y0 + 1)
    cv2.resize(source[y0:y1, x0:x1], (width, height), dst=target, interpolation=cv2.INTER_LINEAR)


def _clamp(value: int, high: int, low: int = 0) -> int:
    return max(low, min(high, value))
