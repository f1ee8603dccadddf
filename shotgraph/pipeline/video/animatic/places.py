"""Outdoor places beyond the first eight: towns, rivers and bridges, roads and railways, fields,
snowfields; and the two places with no open sky, a cave and space."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from shotgraph.models import Place
from shotgraph.pipeline.video.animatic.canvas import Canvas
from shotgraph.pipeline.video.animatic.palette import Palette, mix, shade
from shotgraph.pipeline.video.animatic.scenery import Scenery, cottage, ridge, tree

_WATER = (60, 110, 150)
_SNOW = (240, 244, 250)


def _town(canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery) -> float:
    """A street of tall narrow houses with a church spire behind: smaller than a city."""
    unit = canvas.unit
    ridge(canvas, horizon, unit * 0.03, 1.0, mix(p.far, p.sky_bottom, 0.3), rng)
    spire = canvas.width * rng.uniform(0.3, 0.7)
    canvas.rect(spire - unit * 0.04, horizon - unit * 0.35, spire + unit * 0.04, horizon, p.far)
    canvas.polygon(
        [
            (spire - unit * 0.05, horizon - unit * 0.35),
            (spire, horizon - unit * 0.55),
            (spire + unit * 0.05, horizon - unit * 0.35),
        ],
        shade(p.far, 0.8),
    )
    street = horizon + unit * 0.12
    x = rng.uniform(-unit * 0.05, 0)
    while x < canvas.width:
        width = unit * rng.uniform(0.12, 0.17)
        cottage(canvas, p, x, street, width * rng.uniform(1.2, 1.6), rng)
        x += width * 1.5
    floor = horizon + (canvas.height - horizon) * 0.6
    canvas.rect(0, street, canvas.width, canvas.height, mix(p.near, (150, 140, 130), 0.5))
    for k in range(int(canvas.width / (unit * 0.08)) + 1):
        canvas.line(
            [(k * unit * 0.08, floor), (k * unit * 0.08 + unit * 0.04, canvas.height)],
            shade(mix(p.near, (150, 140, 130), 0.5), 0.85),
            max(1.0, unit * 0.003),
        )
    return floor


def _river(canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery) -> float:
    """Banks either side of a river that widens towards us; a bridge across it if named."""
    unit = canvas.unit
    ridge(canvas, horizon, unit * 0.04, 1.0, mix(p.far, p.sky_bottom, 0.35), rng)
    ridge(canvas, horizon + unit * 0.04, unit * 0.03, 0.8, p.mid, rng)
    centre = canvas.width * rng.uniform(0.35, 0.65)
    water = mix(_WATER, p.sky_bottom, 0.35)
    if p.snowy:
        water = mix(water, (210, 224, 236), 0.5)
    bank = horizon + unit * 0.06
    canvas.polygon(
        [
            (centre - unit * 0.03, bank),
            (centre + unit * 0.03, bank),
            (centre + unit * 0.55, canvas.height + 1),
            (centre - unit * 0.45, canvas.height + 1),
        ],
        water,
    )
    for _ in range(14):
        y = rng.uniform(bank, canvas.height)
        half = (y - bank) / (canvas.height - bank) * unit * 0.35
        x = centre + rng.uniform(-half, half)
        canvas.line(
            [(x, y), (x + unit * 0.04, y)], mix(p.light, water, 0.5), max(1.0, unit * 0.003)
        )
    if "bridge" in scene.features:
        deck = horizon + (canvas.height - horizon) * 0.3
        stone = mix((170, 160, 150), p.far, 0.3)
        canvas.rect(
            centre - unit * 0.5, deck, centre + unit * 0.5, deck + unit * 0.05, stone, p.ink
        )
        canvas.ellipse((centre, deck + unit * 0.12), (unit * 0.2, unit * 0.08), water)
        canvas.rect(
            centre - unit * 0.5,
            deck - unit * 0.04,
            centre + unit * 0.5,
            deck - unit * 0.03,
            shade(stone, 0.7),
        )
    for x in (centre - unit * 0.7, centre + unit * 0.75):
        tree(canvas, p, x, horizon + unit * 0.12, unit * 0.22, scene.tree_kind(rng))
    return horizon + (canvas.height - horizon) * 0.62


def _road(canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery) -> float:
    """A road, or a railway with its sleepers, running straight to the horizon."""
    unit = canvas.unit
    ridge(canvas, horizon, unit * 0.03, 1.0, mix(p.far, p.sky_bottom, 0.3), rng)
    vanish = canvas.width * rng.uniform(0.4, 0.6)
    if "railway" in scene.features:
        ballast = mix((130, 120, 110), p.near, 0.3)
        canvas.polygon(
            [
                (vanish - 2, horizon),
                (vanish + 2, horizon),
                (vanish + unit * 0.5, canvas.height + 1),
                (vanish - unit * 0.5, canvas.height + 1),
            ],
            ballast,
        )
        for k in range(1, 16):
            t = (k / 16) ** 2
            y = horizon + (canvas.height - horizon) * t
            half = unit * 0.42 * t
            canvas.line(
                [(vanish - half, y), (vanish + half, y)],
                shade(ballast, 0.6),
                max(1.0, unit * 0.012 * t + 1),
            )
        for side in (-1, 1):
            canvas.line(
                [(vanish, horizon), (vanish + side * unit * 0.3, canvas.height)],
                (70, 70, 78),
                max(1.0, unit * 0.008),
            )
        canvas.rect(
            vanish + unit * 0.55,
            horizon - unit * 0.25,
            vanish + unit * 0.58,
            horizon + unit * 0.2,
            p.ink,
        )
        canvas.circle((vanish + unit * 0.565, horizon - unit * 0.24), unit * 0.02, p.accent)
    else:
        tarmac = mix((96, 96, 100), p.near, 0.2)
        if p.snowy:
            tarmac = mix(tarmac, _SNOW, 0.5)
        canvas.polygon(
            [
                (vanish - 3, horizon),
                (vanish + 3, horizon),
                (vanish + unit * 0.7, canvas.height + 1),
                (vanish - unit * 0.7, canvas.height + 1),
            ],
            tarmac,
        )
        for k in range(2, 12, 2):
            t0, t1 = (k / 12) ** 2, ((k + 1) / 12) ** 2
            canvas.line(
                [
                    (vanish, horizon + (canvas.height - horizon) * t0),
                    (vanish, horizon + (canvas.height - horizon) * t1),
                ],
                p.paper,
                max(1.0, unit * 0.01 * t1),
            )
    for k in range(5):
        x = canvas.width * (0.05 + 0.2 * k)
        if abs(x - vanish) > unit * 0.4:
            tree(canvas, p, x, horizon + unit * 0.05, unit * 0.18, scene.tree_kind(rng), depth=0.5)
    return horizon + (canvas.height - horizon) * 0.6


def _fields(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery
) -> float:
    """Flat farmland in strips of crop with a fence in front."""
    unit = canvas.unit
    ridge(canvas, horizon, unit * 0.02, 0.8, mix(p.far, p.sky_bottom, 0.3), rng)
    crops = [p.mid, mix(p.mid, (214, 190, 100), 0.5), shade(p.mid, 0.85)]
    for k in range(7):
        t0 = (k / 7) ** 1.6
        y0 = horizon + unit * 0.02 + (canvas.height - horizon) * t0
        canvas.rect(0, y0, canvas.width, canvas.height, crops[k % 3])
    floor = horizon + (canvas.height - horizon) * 0.6
    fence = mix((130, 100, 70), p.near, 0.3)
    for k in range(int(canvas.width / (unit * 0.12)) + 1):
        x = k * unit * 0.12
        canvas.rect(x, floor - unit * 0.12, x + unit * 0.012, floor, fence)
    for y in (floor - unit * 0.1, floor - unit * 0.05):
        canvas.line([(0, y), (canvas.width, y)], fence, max(1.0, unit * 0.006))
    return floor


def _snowfield(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery
) -> float:
    """Open snow and ice under a wide sky, a few pale ridges of drift."""
    unit = canvas.unit
    ice = mix(_SNOW, p.sky_bottom, 0.35)
    ridge(canvas, horizon, unit * 0.05, 1.0, mix(ice, p.far, 0.3), rng)
    ridge(canvas, horizon + unit * 0.05, unit * 0.02, 0.7, ice, rng)
    floor = horizon + (canvas.height - horizon) * 0.6
    ridge(canvas, floor - unit * 0.02, unit * 0.01, 0.5, mix(_SNOW, p.near, 0.2), rng)
    return floor


def cave(canvas: Canvas, p: Palette, horizon: float, rng: random.Random) -> float:
    """Inside a cave: dark rock around a bright mouth onto the day or night outside."""
    unit = canvas.unit
    rock = shade(mix((100, 92, 86), p.far, 0.2), 0.7)
    canvas.gradient(shade(rock, 0.6), rock, 0, canvas.height)
    mouth = (canvas.width * rng.uniform(0.35, 0.65), horizon - unit * 0.05)
    canvas.ellipse(mouth, (unit * 0.45, unit * 0.35), mix(p.sky_bottom, p.light, 0.3))
    canvas.rect(
        mouth[0] - unit * 0.5, horizon, mouth[0] + unit * 0.5, canvas.height, shade(rock, 1.1)
    )
    for k in range(9):
        x = canvas.width * k / 8 + rng.uniform(-unit * 0.05, unit * 0.05)
        length = unit * rng.uniform(0.08, 0.2)
        canvas.polygon([(x - unit * 0.04, 0), (x + unit * 0.04, 0), (x, length)], shade(rock, 0.8))
    floor = horizon + (canvas.height - horizon) * 0.55
    ridge(canvas, floor - unit * 0.03, unit * 0.015, 0.6, shade(rock, 0.9), rng)
    return floor


def space(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, features: Sequence[str]
) -> float:
    """Black sky full of stars, a planet hanging in it, and the grey ground of a moon."""
    unit = canvas.unit
    canvas.gradient((6, 8, 24), (24, 20, 52), 0, canvas.height)
    for _ in range(160):
        x, y = rng.uniform(0, canvas.width), rng.uniform(0, canvas.height)
        canvas.circle((x, y), rng.uniform(0.6, 2.2) * unit / 500, (236, 236, 250))
    planet = (canvas.width * rng.uniform(0.2, 0.8), horizon * rng.uniform(0.3, 0.55))
    radius = unit * rng.uniform(0.12, 0.2)
    colour = rng.choice([(200, 120, 80), (90, 140, 200), (180, 160, 110)])
    canvas.circle(planet, radius, colour)
    canvas.ellipse(
        (planet[0] - radius * 0.3, planet[1] - radius * 0.3),
        (radius * 0.5, radius * 0.35),
        mix(colour, (255, 255, 255), 0.3),
    )
    canvas.ellipse(
        planet,
        (radius * 1.7, radius * 0.25),
        shade(colour, 1.2),
        width=max(1, round(unit * 0.004)),
        outline=shade(colour, 1.3),
    )
    canvas.circle(planet, radius * 0.98, colour)
    ground = (110, 110, 122)
    ridge(canvas, horizon + unit * 0.08, unit * 0.03, 0.7, ground, rng)
    floor = horizon + (canvas.height - horizon) * 0.6
    for _ in range(8):
        x, y = rng.uniform(0, canvas.width), rng.uniform(horizon + unit * 0.15, canvas.height)
        canvas.ellipse((x, y), (unit * 0.05, unit * 0.015), shade(ground, 0.75))
    return floor


OUTDOORS: dict[Place, Callable[[Canvas, Palette, float, random.Random, Scenery], float]] = {
    Place.TOWN: _town,
    Place.RIVER: _river,
    Place.ROAD: _road,
    Place.FIELDS: _fields,
    Place.SNOW: _snowfield,
}
