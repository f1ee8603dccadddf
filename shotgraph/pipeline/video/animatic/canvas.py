"""A small drawing surface over an RGB numpy array: anti-aliased shapes at sub-pixel positions.

cv2 draws filled, anti-aliased polygons and ellipses far faster than Pillow, which matters when
every shot of a long film gets its own plate.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import cv2
import numpy as np

from shotgraph.pipeline.video.animatic.palette import Rgb

Point = tuple[float, float]

# cv2 takes fixed-point coordinates: 4 fractional bits give 1/16-pixel positions.
_SHIFT = 4
_ONE = 1 << _SHIFT


def _fixed(points: Sequence[Point]) -> np.ndarray:
    return np.round(np.asarray(points, dtype=np.float64) * _ONE).astype(np.int32)


class Canvas:
    def __init__(self, width: int, height: int, colour: Rgb = (0, 0, 0)) -> None:
        self.width = width
        self.height = height
        self.image = np.empty((height, width, 3), dtype=np.uint8)
        self.image[:, :] = colour

    @property
    def unit(self) -> float:
        """The length shapes are sized by, so a portrait plate draws them at a sane size."""
        return float(min(self.width, self.height))

    def gradient(self, top: Rgb, bottom: Rgb, y0: float = 0.0, y1: float | None = None) -> None:
        """Fill the rows from y0 to y1 with a vertical gradient (the sky, a wall)."""
        start, stop = max(0, int(y0)), min(self.height, int(self.height if y1 is None else y1))
        if stop <= start:
            return
        ramp = np.linspace(0.0, 1.0, stop - start, dtype=np.float32)[:, None]
        rows = np.asarray(top, np.float32) + ramp * (
            np.asarray(bottom, np.float32) - np.asarray(top, np.float32)
        )
        self.image[start:stop] = rows.astype(np.uint8)[:, None, :]

    def polygon(
        self, points: Sequence[Point], colour: Rgb, outline: Rgb | None = None, width: int = 2
    ) -> None:
        fixed = _fixed(points)
        cv2.fillPoly(self.image, [fixed], colour, cv2.LINE_AA, _SHIFT)
        if outline is not None:
            cv2.polylines(self.image, [fixed], True, outline, width, cv2.LINE_AA, _SHIFT)

    def ellipse(
        self,
        centre: Point,
        radii: tuple[float, float],
        colour: Rgb,
        outline: Rgb | None = None,
        width: int = 2,
    ) -> None:
        points = cv2.ellipse2Poly(
            (round(centre[0] * _ONE), round(centre[1] * _ONE)),
            (max(1, round(radii[0] * _ONE)), max(1, round(radii[1] * _ONE))),
            0,
            0,
            360,
            4,
        )
        cv2.fillPoly(self.image, [points], colour, cv2.LINE_AA, _SHIFT)
        if outline is not None:
            cv2.polylines(self.image, [points], True, outline, width, cv2.LINE_AA, _SHIFT)

    def circle(self, centre: Point, radius: float, colour: Rgb) -> None:
        self.ellipse(centre, (radius, radius), colour)

    def rect(
        self, x0: float, y0: float, x1: float, y1: float, colour: Rgb, outline: Rgb | None = None
    ) -> None:
        self.polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], colour, outline)

    def line(self, points: Sequence[Point], colour: Rgb, width: float) -> None:
        """A thick polyline with round ends (limbs, masts, strings)."""
        cv2.polylines(
            self.image, [_fixed(points)], False, colour, max(1, round(width)), cv2.LINE_AA, _SHIFT
        )

    def strokes(self, segments: Sequence[Sequence[Point]], colour: Rgb, width: float) -> None:
        """Many lines of one colour and width in one call (rain, grass): far faster than one
        `line` each."""
        if segments:
            fixed = [_fixed(segment) for segment in segments]
            cv2.polylines(
                self.image, fixed, False, colour, max(1, round(width)), cv2.LINE_AA, _SHIFT
            )

    def dots(self, centres: Sequence[Point], radii: Sequence[float], colour: Rgb) -> None:
        """Many round dots of one colour in one call (snowflakes, stars)."""
        shapes = [
            cv2.ellipse2Poly((round(x * _ONE), round(y * _ONE)), (r, r), 0, 0, 360, 30)
            for (x, y), r in zip(centres, (max(1, round(r * _ONE)) for r in radii), strict=True)
        ]
        if shapes:
            cv2.fillPoly(self.image, shapes, colour, cv2.LINE_AA, _SHIFT)

    def soften(self, amount: float) -> None:
        """Blur the whole picture (out-of-focus background); cheap at any radius because the
        blur runs on a quarter-size copy."""
        small = cv2.resize(
            self.image, (self.width // 4, self.height // 4), interpolation=cv2.INTER_AREA
        )
        small = cv2.GaussianBlur(small, (0, 0), max(0.5, amount / 4))
        cv2.resize(small, (self.width, self.height), dst=self.image, interpolation=cv2.INTER_LINEAR)

    def vignette(self, strength: float, colour: Rgb) -> None:
        """Fade the edges towards `colour`, like the soft border of a storyboard sheet."""
        weight = _vignette_weight(self.width, self.height, strength)
        edge = np.empty_like(self.image)
        edge[:] = colour
        cv2.blendLinear(self.image, edge, 1.0 - weight, weight, dst=self.image)


@cache
def _vignette_weight(width: int, height: int, strength: float) -> np.ndarray:
    ys = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    weight = np.clip((xs**2 + ys**2 - 0.55) * strength, 0.0, 0.6)
    weight.flags.writeable = False
    return weight
