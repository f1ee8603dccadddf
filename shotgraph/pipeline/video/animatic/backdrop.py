"""The landscape behind a shot: sky for the time of day, then layered shapes for the place.

Everything is drawn back to front in flat colours, far layers paler, as a storyboard artist
would block in a scene. Keywords in the shot's text add landmarks (a lighthouse, a boat).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shotgraph.models import Place
from shotgraph.pipeline.video.animatic.canvas import Canvas
from shotgraph.pipeline.video.animatic.interiors import INTERIORS
from shotgraph.pipeline.video.animatic.palette import Palette, Rgb, mix, shade
from shotgraph.pipeline.video.animatic.places import OUTDOORS, cave, space
from shotgraph.pipeline.video.animatic.scenery import (
    Scenery,
    castle,
    cave_mouth,
    cliff,
    cottage,
    den_mound,
    harbour,
    ridge,
    sky,
    tree,
    windmill,
)


@dataclass(frozen=True)
class Ground:
    """Where the backdrop leaves room for the actors."""

    horizon: float
    """Row of the horizon, in plate pixels."""
    floor: float
    """Row the figures stand on."""


def draw_backdrop(
    canvas: Canvas,
    palette: Palette,
    place: Place,
    horizon: float,
    rng: random.Random,
    text: str = "",
    features: Sequence[str] = (),
) -> Ground:
    """Paint the sky and the place; `horizon` is a fraction of the plate height. `features`
    say what kind of the place it is (birch, harbour, bridge, kitchen, den, spaceship)."""
    horizon_y = canvas.height * horizon
    if place is Place.INTERIOR:
        if INTERIORS.get(next((f for f in features if f in INTERIORS), "")):
            kind = next(f for f in features if f in INTERIORS)
            floor = INTERIORS[kind](canvas, palette, rng)
            return Ground(horizon=floor, floor=floor + (canvas.height - floor) * 0.55)
        return _interior(canvas, palette, horizon_y, rng)
    if place is Place.CAVE:
        floor = cave(canvas, palette, horizon_y, rng)
        return Ground(horizon=horizon_y, floor=floor)
    if place is Place.SPACE:
        floor = space(canvas, palette, horizon_y, rng, features)
        return Ground(horizon=horizon_y, floor=floor)
    sky(canvas, palette, horizon_y, rng)
    scene = Scenery(text.lower(), frozenset(features))
    if place in OUTDOORS:
        floor = OUTDOORS[place](canvas, palette, horizon_y, rng, scene)
    else:
        floor = _PLACES[place](canvas, palette, horizon_y, rng, scene)
    _landmark_features(canvas, palette, horizon_y, rng, scene.features)
    return Ground(horizon=horizon_y, floor=floor)


def _landmark_features(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, features: frozenset[str]
) -> None:
    """What the scene's features put into any open landscape: a cliff, a cave in a rock face,
    a castle or a windmill on the skyline."""
    if "cliff" in features:
        cliff(canvas, p, horizon, rng)
    if "cave" in features:
        cave_mouth(canvas, p, canvas.width * rng.choice([0.25, 0.75]), horizon, rng)
    if "castle" in features:
        castle(canvas, p, canvas.width * rng.uniform(0.6, 0.8), horizon, canvas.unit * 0.3)
    if "windmill" in features:
        windmill(canvas, p, canvas.width * rng.uniform(0.2, 0.4), horizon, canvas.unit * 0.3)


def _hills(canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery) -> float:
    unit = canvas.unit
    ridge(canvas, horizon, unit * 0.05, 1.2, mix(p.far, p.sky_bottom, 0.35), rng)
    ridge(canvas, horizon + unit * 0.06, unit * 0.05, 0.9, p.mid, rng)
    floor = horizon + (canvas.height - horizon) * 0.55
    ridge(canvas, floor - unit * 0.03, unit * 0.02, 0.6, p.near, rng)
    _landmarks(canvas, p, horizon, rng, scene.text)
    return floor


def _forest(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery
) -> float:
    unit = canvas.unit
    ridge(canvas, horizon, unit * 0.03, 1.0, mix(p.far, p.sky_bottom, 0.3), rng)
    floor = horizon + (canvas.height - horizon) * 0.55
    for row, (colour, size) in enumerate(
        [(mix(p.far, p.mid, 0.4), 0.16), (p.mid, 0.26), (shade(p.mid, 0.8), 0.38)]
    ):
        ground = horizon + (floor - horizon) * (0.15 + row * 0.3)
        canvas.rect(0, ground - unit * 0.01, canvas.width, canvas.height, mix(colour, p.near, 0.5))
        x = rng.uniform(-unit * 0.1, 0)
        while x < canvas.width + unit * 0.1:
            height = unit * size * rng.uniform(0.8, 1.2)
            tree(canvas, p, x, ground, height, scene.tree_kind(rng), depth=row / 2)
            x += unit * size * rng.uniform(0.35, 0.7)
    canvas.rect(0, floor - unit * 0.02, canvas.width, canvas.height, p.near)
    if "den" in scene.features:
        den_mound(canvas, p, canvas.width * rng.choice([0.22, 0.78]), floor, unit * 0.2)
    return floor


def _sea(canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery) -> float:
    unit = canvas.unit
    water_far = mix(p.sky_bottom, (40, 90, 140), 0.5)
    water_near = shade(mix(p.far, (30, 70, 120), 0.5), 0.8)
    canvas.gradient(water_far, water_near, horizon, canvas.height)
    glint = mix(p.light, water_far, 0.5)
    for _ in range(40):
        y = rng.uniform(horizon + unit * 0.02, canvas.height)
        depth = (y - horizon) / (canvas.height - horizon)
        x, length = rng.uniform(0, canvas.width), unit * (0.02 + 0.08 * depth)
        canvas.line([(x, y), (x + length, y)], glint, max(1.0, unit * 0.006 * depth))
    floor = horizon + (canvas.height - horizon) * 0.6
    shore = mix(p.near, (200, 180, 140), 0.3)
    canvas.polygon(
        [
            (0, floor - unit * 0.05),
            (canvas.width * 0.45, floor),
            (canvas.width, floor + unit * 0.04),
            (canvas.width, canvas.height + 1),
            (0, canvas.height + 1),
        ],
        shore,
    )
    if "lighthouse" in scene.text or "lighthouse" in scene.features or rng.random() < 0.3:
        _lighthouse(canvas, p, canvas.width * rng.choice([0.18, 0.82]), horizon + unit * 0.05, unit)
    if "harbour" in scene.features:
        harbour(canvas, p, horizon, floor, rng)
    if any(word in scene.text for word in ("boat", "ship", "sail")) or rng.random() < 0.3:
        _sailboat(
            canvas, p, canvas.width * rng.uniform(0.35, 0.65), horizon + unit * 0.03, unit * 0.08
        )
    return floor


def _lighthouse(canvas: Canvas, p: Palette, x: float, base: float, unit: float) -> None:
    rock = shade(p.far, 0.7)
    canvas.ellipse((x, base), (unit * 0.12, unit * 0.035), rock)
    tower_h, half_bottom, half_top = unit * 0.34, unit * 0.04, unit * 0.026
    body = mix(p.paper, p.far, 0.25)
    canvas.polygon(
        [
            (x - half_bottom, base),
            (x + half_bottom, base),
            (x + half_top, base - tower_h),
            (x - half_top, base - tower_h),
        ],
        body,
        p.ink,
    )
    for band in (0.3, 0.65):
        y = base - tower_h * band
        half = half_bottom + (half_top - half_bottom) * band
        canvas.rect(x - half, y - unit * 0.02, x + half, y + unit * 0.02, p.accent)
    lamp_y = base - tower_h - unit * 0.03
    canvas.rect(x - half_top * 0.8, lamp_y, x + half_top * 0.8, base - tower_h, p.light, p.ink)
    canvas.polygon(
        [(x - half_top * 1.2, lamp_y), (x + half_top * 1.2, lamp_y), (x, lamp_y - unit * 0.03)],
        p.ink,
    )
    if p.night:
        beam = mix(p.light, p.sky_top, 0.55)
        canvas.polygon(
            [
                (x, lamp_y + unit * 0.01),
                (x + unit * 0.6, lamp_y - unit * 0.08),
                (x + unit * 0.6, lamp_y + unit * 0.06),
            ],
            beam,
        )


def _sailboat(canvas: Canvas, p: Palette, x: float, y: float, size: float) -> None:
    canvas.polygon(
        [
            (x - size, y),
            (x + size, y),
            (x + size * 0.7, y + size * 0.3),
            (x - size * 0.7, y + size * 0.3),
        ],
        shade(p.accent, 0.6),
        p.ink,
    )
    canvas.line([(x, y), (x, y - size * 1.4)], p.ink, max(1.0, size * 0.05))
    canvas.polygon(
        [
            (x + size * 0.05, y - size * 1.35),
            (x + size * 0.8, y - size * 0.1),
            (x + size * 0.05, y - size * 0.1),
        ],
        p.paper,
    )


def _city(canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery) -> float:
    unit = canvas.unit
    lit = p.accent if p.night or p.sky_top[2] < 140 else mix(p.paper, p.far, 0.3)
    for layer, colour in enumerate([mix(p.far, p.sky_bottom, 0.3), shade(p.far, 0.8)]):
        x = rng.uniform(-unit * 0.1, 0)
        while x < canvas.width:
            width = unit * rng.uniform(0.12, 0.24)
            top = horizon - unit * rng.uniform(0.12, 0.5) * (1.3 - layer * 0.4)
            bottom = horizon + unit * 0.04 * layer
            canvas.rect(x, top, x + width, bottom, colour)
            if layer == 1:
                _windows(canvas, x, top, width, bottom, lit, rng, unit)
            x += width + unit * rng.uniform(0.0, 0.05)
    floor = horizon + (canvas.height - horizon) * 0.55
    canvas.rect(0, horizon + unit * 0.04, canvas.width, canvas.height, shade(p.near, 0.85))
    canvas.rect(
        0, floor - unit * 0.01, canvas.width, floor + unit * 0.01, mix(p.near, p.paper, 0.3)
    )
    return floor


def _windows(
    canvas: Canvas,
    x: float,
    top: float,
    width: float,
    bottom: float,
    colour: Rgb,
    rng: random.Random,
    unit: float,
) -> None:
    size = unit * 0.022
    columns = max(1, int(width / (size * 2.2)))
    pad = (width - columns * size * 2.2) / 2 + size * 0.6
    y = top + size
    while y + size < bottom - size:
        for column in range(columns):
            if rng.random() < 0.65:
                wx = x + pad + column * size * 2.2
                canvas.rect(wx, y, wx + size, y + size * 1.3, colour)
        y += size * 2.4


def _mountains(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery
) -> float:
    unit = canvas.unit
    snow = mix(p.light, p.far, 0.2)
    for layer, colour in enumerate([mix(p.far, p.sky_bottom, 0.3), p.far]):
        x = -unit * 0.3
        while x < canvas.width + unit * 0.3:
            half = unit * rng.uniform(0.25, 0.45)
            peak = horizon - unit * rng.uniform(0.25, 0.5) * (1.0 - 0.3 * layer)
            base = horizon + unit * 0.03 * layer
            canvas.polygon([(x - half, base), (x, peak), (x + half, base)], colour)
            cap = 0.22
            canvas.polygon(
                [
                    (x - half * cap, peak + (base - peak) * cap),
                    (x, peak),
                    (x + half * cap, peak + (base - peak) * cap),
                ],
                snow,
            )
            x += half * rng.uniform(0.9, 1.4)
    floor = horizon + (canvas.height - horizon) * 0.55
    ridge(canvas, horizon + unit * 0.05, unit * 0.02, 0.8, p.mid, rng)
    ridge(canvas, floor - unit * 0.02, unit * 0.015, 0.5, p.near, rng)
    return floor


def _desert(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery
) -> float:
    unit = canvas.unit
    sand = mix((222, 184, 130), p.sky_bottom, 0.25)
    for layer in range(3):
        colour = shade(sand, 0.82 + 0.09 * layer) if layer < 2 else shade(sand, 1.05)
        ridge(canvas, horizon + unit * 0.06 * layer, unit * 0.04, 0.7 + layer * 0.4, colour, rng)
    floor = horizon + (canvas.height - horizon) * 0.6
    ridge(canvas, floor - unit * 0.02, unit * 0.015, 0.5, shade(sand, 0.95), rng)
    return floor


def _village(
    canvas: Canvas, p: Palette, horizon: float, rng: random.Random, scene: Scenery
) -> float:
    unit = canvas.unit
    ridge(canvas, horizon, unit * 0.04, 1.1, mix(p.far, p.sky_bottom, 0.3), rng)
    ground = horizon + unit * 0.1
    ridge(canvas, ground, unit * 0.015, 0.7, p.mid, rng)
    x = rng.uniform(-unit * 0.1, unit * 0.05)
    while x < canvas.width:
        cottage(canvas, p, x, ground + unit * 0.02, unit * rng.uniform(0.12, 0.18), rng)
        x += unit * rng.uniform(0.22, 0.38)
    floor = horizon + (canvas.height - horizon) * 0.6
    ridge(canvas, floor - unit * 0.02, unit * 0.012, 0.5, p.near, rng)
    return floor


def _landmarks(canvas: Canvas, p: Palette, horizon: float, rng: random.Random, text: str) -> None:
    """Keywords in the shot bring their landmark to any open landscape."""
    if "lighthouse" in text:
        _lighthouse(
            canvas,
            p,
            canvas.width * rng.choice([0.2, 0.8]),
            horizon + canvas.unit * 0.03,
            canvas.unit,
        )
    if any(word in text for word in ("cottage", "house", "home", "farm")):
        cottage(
            canvas,
            p,
            canvas.width * rng.uniform(0.55, 0.75),
            horizon + canvas.unit * 0.08,
            canvas.unit * 0.16,
            rng,
        )


def _interior(canvas: Canvas, p: Palette, horizon: float, rng: random.Random) -> Ground:
    unit = canvas.unit
    wall = mix(p.paper, p.mid, 0.35)
    if p.night:
        wall = shade(mix(wall, p.accent, 0.15), 0.55)
    floor_line = canvas.height * 0.7
    canvas.gradient(shade(wall, 0.85), wall, 0, floor_line)
    canvas.gradient(
        shade(mix(wall, (120, 84, 60), 0.5), 0.8),
        shade(mix(wall, (120, 84, 60), 0.5), 0.6),
        floor_line,
        canvas.height,
    )
    for board in range(1, 8):
        y = floor_line + (canvas.height - floor_line) * (board / 8) ** 1.4
        canvas.line([(0, y), (canvas.width, y)], shade(wall, 0.5), max(1.0, unit * 0.003))
    # A window onto the time of day.
    wx, wy = canvas.width * rng.uniform(0.15, 0.6), canvas.height * 0.16
    ww, wh = unit * 0.38, unit * 0.34
    canvas.rect(
        wx - unit * 0.015,
        wy - unit * 0.015,
        wx + ww + unit * 0.015,
        wy + wh + unit * 0.015,
        shade(wall, 0.6),
    )
    sky_rows = slice(int(wy), int(wy + wh))
    sky_cols = slice(int(wx), int(wx + ww))
    inner = Canvas(sky_cols.stop - sky_cols.start, sky_rows.stop - sky_rows.start)
    sky(inner, p, inner.height * 0.75, rng)
    canvas.image[sky_rows, sky_cols] = inner.image
    canvas.line([(wx + ww / 2, wy), (wx + ww / 2, wy + wh)], shade(wall, 0.6), unit * 0.012)
    canvas.line([(wx, wy + wh / 2), (wx + ww, wy + wh / 2)], shade(wall, 0.6), unit * 0.012)
    # A table and a lamp.
    tx = canvas.width * rng.uniform(0.55, 0.8)
    table = shade((128, 88, 60), 0.9)
    top = floor_line + unit * 0.02
    canvas.rect(tx - unit * 0.22, top - unit * 0.03, tx + unit * 0.22, top, table, p.ink)
    for leg in (-0.19, 0.17):
        canvas.rect(
            tx + unit * leg, top, tx + unit * (leg + 0.02), top + unit * 0.2, shade(table, 0.8)
        )
    if p.night:
        canvas.circle((tx, top - unit * 0.09), unit * 0.09, mix(p.accent, wall, 0.5))
    canvas.rect(
        tx - unit * 0.02, top - unit * 0.1, tx + unit * 0.02, top - unit * 0.03, p.accent, p.ink
    )
    return Ground(horizon=floor_line, floor=floor_line + (canvas.height - floor_line) * 0.55)


_PLACES: dict[Place, Callable[[Canvas, Palette, float, random.Random, Scenery], float]] = {
    Place.HILLS: _hills,
    Place.FOREST: _forest,
    Place.SEA: _sea,
    Place.CITY: _city,
    Place.MOUNTAINS: _mountains,
    Place.DESERT: _desert,
    Place.VILLAGE: _village,
}
