"""The pieces landscapes are built from: sky, rolling land, trees by kind and season, cottages,
a den in a bank, a harbour, a cliff. Shared by the outdoor places and the window of a room."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from shotgraph.models import Season
from shotgraph.pipeline.video.animatic.canvas import Canvas, Point
from shotgraph.pipeline.video.animatic.palette import Palette, Rgb, mix, shade

_TREE_KINDS = ("birch", "pine", "oak", "palm")
_BIRCH_BARK: Rgb = (236, 232, 222)
_SNOW: Rgb = (240, 244, 250)


@dataclass(frozen=True)
class Scenery:
    """What a shot's words and its scene's features ask of a landscape."""

    text: str
    features: frozenset[str]

    def tree_kind(self, rng: random.Random) -> str:
        """The kind of tree to draw next: the scene's own kind, mostly; else a mixed wood."""
        named = [kind for kind in _TREE_KINDS if kind in self.features]
        if named and rng.random() < 0.85:
            return rng.choice(named)
        return rng.choice(("pine", "oak", "pine")) if "palm" not in named else "palm"


def tree(
    canvas: Canvas, p: Palette, x: float, ground: float, size: float, kind: str, depth: float = 0.0
) -> None:
    """A tree of `kind` whose roots are at (x, ground); `depth` 0 near to 1 far pales it."""
    leaves = mix(shade(p.mid, 0.85), p.far, depth * 0.5)
    if p.season is Season.AUTUMN and kind != "pine":
        leaves = mix(leaves, (206, 120, 50), 0.6)
    trunk = mix((96, 70, 50), p.far, depth * 0.4)
    bare = p.season is Season.WINTER and kind in ("birch", "oak")
    if kind == "birch":
        bark = mix(_BIRCH_BARK, p.far, depth * 0.3)
        canvas.rect(x - size * 0.04, ground - size, x + size * 0.04, ground, bark)
        for k in range(5):
            y = ground - size * (0.15 + k * 0.17)
            canvas.rect(x - size * 0.03, y, x + size * 0.012, y + size * 0.02, shade(bark, 0.35))
        if bare:
            for side, height in ((-1, 0.7), (1, 0.55), (-1, 0.42), (1, 0.85)):
                start = (x, ground - size * height)
                canvas.line(
                    [start, (x + side * size * 0.2, start[1] - size * 0.18)],
                    shade(bark, 0.5),
                    size * 0.012,
                )
        else:
            for dy in (0.9, 0.7, 0.5):
                canvas.ellipse((x, ground - size * dy), (size * 0.16, size * 0.12), leaves)
    elif kind == "pine":
        canvas.rect(x - size * 0.04, ground - size * 0.3, x + size * 0.04, ground, trunk)
        for tier in range(3):
            top = ground - size * (1.0 - tier * 0.22)
            half = size * (0.18 + tier * 0.08)
            canvas.polygon(
                [(x, top), (x + half, top + size * 0.4), (x - half, top + size * 0.4)], leaves
            )
            if p.snowy:
                canvas.polygon(
                    [
                        (x, top),
                        (x + half * 0.45, top + size * 0.18),
                        (x - half * 0.45, top + size * 0.18),
                    ],
                    mix(_SNOW, p.far, depth * 0.3),
                )
    elif kind == "palm":
        canvas.line(
            [
                (x, ground),
                (x + size * 0.08, ground - size * 0.5),
                (x + size * 0.05, ground - size * 0.9),
            ],
            trunk,
            size * 0.05,
        )
        top = (x + size * 0.05, ground - size * 0.9)
        for angle in (-2.6, -2.0, -1.2, -0.5, 0.1):
            tip = (
                top[0] + math.cos(angle) * size * 0.35,
                top[1] + math.sin(angle) * size * 0.2 + size * 0.12,
            )
            canvas.line([top, tip], leaves, size * 0.05)
    else:
        canvas.rect(x - size * 0.05, ground - size * 0.45, x + size * 0.05, ground, trunk)
        if bare:
            for side in (-1, 1):
                canvas.line(
                    [(x, ground - size * 0.4), (x + side * size * 0.22, ground - size * 0.8)],
                    trunk,
                    size * 0.03,
                )
            canvas.ellipse(
                (x, ground - size * 0.62), (size * 0.28, size * 0.2), mix(_SNOW, p.far, 0.2)
            )
        else:
            canvas.ellipse((x, ground - size * 0.62), (size * 0.3, size * 0.36), leaves)
            if p.snowy:
                canvas.ellipse((x, ground - size * 0.86), (size * 0.22, size * 0.1), _SNOW)


def den_mound(canvas: Canvas, p: Palette, x: float, ground: float, size: float) -> None:
    """An earth bank with a dark round entrance: a fox's den or a badger's sett."""
    earth = mix((120, 88, 60), p.near, 0.4)
    canvas.ellipse((x, ground), (size * 1.3, size * 0.7), earth)
    if p.snowy:
        canvas.ellipse((x, ground - size * 0.55), (size * 1.0, size * 0.2), _SNOW)
    canvas.ellipse((x, ground - size * 0.05), (size * 0.35, size * 0.3), shade(earth, 0.3))
    for side in (-1, 1):
        canvas.line(
            [
                (x + side * size * 0.5, ground - size * 0.4),
                (x + side * size * 0.7, ground - size * 0.1),
            ],
            shade(earth, 0.6),
            size * 0.04,
        )


def cave_mouth(canvas: Canvas, p: Palette, x: float, horizon: float, rng: random.Random) -> None:
    """A rock face on the skyline with a dark cave opening at its foot."""
    unit = canvas.unit * 0.6
    rock = mix((128, 118, 108), p.far, 0.45)
    base = horizon + unit * 0.06
    canvas.polygon(
        [
            (x - unit * 0.4, base),
            (x - unit * 0.25, horizon - unit * 0.25),
            (x + unit * 0.1, horizon - unit * 0.32),
            (x + unit * 0.38, base),
        ],
        rock,
    )
    canvas.ellipse((x, base - unit * 0.02), (unit * 0.13, unit * 0.11), (34, 30, 32))
    canvas.rect(x - unit * 0.15, base - unit * 0.02, x + unit * 0.15, base + unit * 0.03, rock)


def castle(canvas: Canvas, p: Palette, x: float, horizon: float, size: float) -> None:
    """A castle on the skyline: a keep between two towers, battlements on top."""
    stone = mix((150, 144, 140), p.far, 0.45)
    base = horizon + size * 0.05
    canvas.rect(x - size * 0.5, base - size * 0.5, x + size * 0.5, base, stone)
    for dx in (-0.55, 0.55):
        canvas.rect(x + (dx - 0.12) * size, base - size * 0.8, x + (dx + 0.12) * size, base, stone)
        canvas.polygon(
            [
                (x + (dx - 0.15) * size, base - size * 0.8),
                (x + dx * size, base - size * 1.05),
                (x + (dx + 0.15) * size, base - size * 0.8),
            ],
            shade(p.accent, 0.7),
        )
    for k in range(5):
        bx = x - size * 0.45 + k * size * 0.22
        canvas.rect(bx, base - size * 0.58, bx + size * 0.1, base - size * 0.5, stone)
    canvas.ellipse((x, base - size * 0.08), (size * 0.1, size * 0.12), shade(stone, 0.4))


def windmill(canvas: Canvas, p: Palette, x: float, horizon: float, size: float) -> None:
    """A windmill on the skyline with its four sails."""
    body = mix((220, 210, 190), p.far, 0.35)
    base = horizon + size * 0.05
    canvas.polygon(
        [
            (x - size * 0.14, base),
            (x - size * 0.09, base - size * 0.6),
            (x + size * 0.09, base - size * 0.6),
            (x + size * 0.14, base),
        ],
        body,
        p.ink,
    )
    hub = (x, base - size * 0.6)
    sail = mix((120, 100, 80), p.far, 0.3)
    for angle in (0.4, 0.4 + math.pi / 2, 0.4 + math.pi, 0.4 + 3 * math.pi / 2):
        tip = (hub[0] + math.cos(angle) * size * 0.45, hub[1] + math.sin(angle) * size * 0.45)
        canvas.line([hub, tip], sail, size * 0.06)
    canvas.circle(hub, size * 0.04, p.ink)


def harbour(canvas: Canvas, p: Palette, horizon: float, floor: float, rng: random.Random) -> None:
    """A wooden pier running out into the water, with a moored boat and a few posts."""
    unit = canvas.unit
    wood = mix((130, 96, 66), p.near, 0.3)
    x0 = canvas.width * rng.choice([0.1, 0.55])
    deck = horizon + (floor - horizon) * 0.45
    canvas.rect(x0, deck, x0 + unit * 0.7, deck + unit * 0.03, wood, p.ink)
    for k in range(6):
        px = x0 + unit * 0.05 + k * unit * 0.12
        canvas.rect(px, deck, px + unit * 0.015, deck + unit * 0.1, shade(wood, 0.7))
    hull = (x0 + unit * 0.35, deck + unit * 0.09)
    canvas.polygon(
        [
            (hull[0] - unit * 0.15, hull[1]),
            (hull[0] + unit * 0.15, hull[1]),
            (hull[0] + unit * 0.1, hull[1] + unit * 0.05),
            (hull[0] - unit * 0.1, hull[1] + unit * 0.05),
        ],
        shade(p.accent, 0.7),
        p.ink,
    )
    canvas.line([hull, (hull[0], hull[1] - unit * 0.2)], p.ink, max(1.0, unit * 0.005))


def cliff(canvas: Canvas, p: Palette, horizon: float, rng: random.Random) -> None:
    """A steep headland on one side of the picture."""
    rock = mix((120, 110, 100), p.far, 0.3)
    side = rng.choice([0, 1])
    edge = canvas.width * (0.28 if side == 0 else 0.72)
    top = horizon - canvas.unit * 0.22
    outer = 0 if side == 0 else canvas.width
    canvas.polygon(
        [
            (outer, top),
            (edge, top + canvas.unit * 0.02),
            (edge + (1 - 2 * side) * canvas.unit * 0.05, canvas.height),
            (outer, canvas.height),
        ],
        rock,
        p.ink,
    )
    canvas.rect(
        min(outer, edge),
        top - canvas.unit * 0.02,
        max(outer, edge),
        top + canvas.unit * 0.01,
        _SNOW if p.snowy else shade(p.mid, 0.9),
    )


def sky(canvas: Canvas, palette: Palette, horizon: float, rng: random.Random) -> None:
    canvas.gradient(palette.sky_top, palette.sky_bottom, 0, horizon + 2)
    canvas.gradient(palette.far, palette.near, horizon, canvas.height)
    unit = canvas.unit
    if palette.night:
        for _ in range(70):
            x, y = rng.uniform(0, canvas.width), rng.uniform(0, horizon * 0.85)
            canvas.circle(
                (x, y), rng.uniform(0.8, 2.0) * unit / 500, mix(palette.light, palette.sky_top, 0.2)
            )
        moon = (canvas.width * rng.uniform(0.15, 0.85), horizon * rng.uniform(0.2, 0.4))
        canvas.circle(moon, unit * 0.07, mix(palette.light, palette.sky_top, 0.8))
        canvas.circle(moon, unit * 0.05, palette.light)
        return
    low = palette.sky_bottom[0] > palette.sky_bottom[2]  # a warm horizon: the sun sits low
    sun_y = horizon * (rng.uniform(0.75, 0.95) if low else rng.uniform(0.18, 0.35))
    sun = (canvas.width * rng.uniform(0.2, 0.8), sun_y)
    canvas.circle(sun, unit * 0.11, mix(palette.light, palette.sky_bottom, 0.6))
    canvas.circle(sun, unit * 0.075, palette.light)
    for _ in range(rng.randint(2, 4)):
        cloud(
            canvas,
            (rng.uniform(0, canvas.width), horizon * rng.uniform(0.15, 0.6)),
            unit,
            palette,
            rng,
        )


def cloud(canvas: Canvas, at: Point, unit: float, palette: Palette, rng: random.Random) -> None:
    colour = mix(palette.light, palette.sky_bottom, 0.35)
    size = unit * rng.uniform(0.05, 0.09)
    for step in range(4):
        offset = (step - 1.5) * size * 0.9
        canvas.ellipse(
            (at[0] + offset, at[1] - size * 0.3 * (step % 2)), (size, size * 0.6), colour
        )


def ridge(
    canvas: Canvas, base: float, amplitude: float, waves: int, colour: Rgb, rng: random.Random
) -> Callable[[float], float]:
    """A rolling line of land filled down to the bottom; returns its height at any x."""
    phases = [rng.uniform(0, math.tau) for _ in range(3)]
    freqs = [waves, waves * 2.3, waves * 4.7]

    def height(x: float) -> float:
        t = x / canvas.width * math.tau
        return base - amplitude * sum(
            math.sin(f * t + p) / (i + 1)
            for i, (f, p) in enumerate(zip(freqs, phases, strict=True))
        )

    xs = [canvas.width * i / 48 for i in range(-1, 50)]
    points = [(x, height(x)) for x in xs]
    canvas.polygon([*points, (xs[-1], canvas.height + 1), (xs[0], canvas.height + 1)], colour)
    return height


def cottage(
    canvas: Canvas, p: Palette, x: float, ground: float, size: float, rng: random.Random
) -> None:
    wall = mix(p.paper, p.mid, rng.uniform(0.25, 0.45))
    roof = shade(p.accent, rng.uniform(0.6, 0.85))
    top = ground - size * 0.7
    canvas.rect(x, top, x + size, ground, wall, p.ink)
    canvas.polygon(
        [(x - size * 0.12, top), (x + size * 0.5, top - size * 0.45), (x + size * 1.12, top)],
        roof,
        p.ink,
    )
    window = p.accent if p.night else mix(p.sky_bottom, p.ink, 0.3)
    canvas.rect(x + size * 0.15, top + size * 0.18, x + size * 0.38, top + size * 0.38, window)
    canvas.rect(x + size * 0.6, top + size * 0.3, x + size * 0.82, ground, shade(wall, 0.5))
