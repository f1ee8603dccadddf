"""Rooms of particular kinds: a kitchen, an animal's den, a ship's cabin, a spacecraft. Each
draws walls and floor and returns the row where the floor meets the back wall."""

from __future__ import annotations

import random
from collections.abc import Callable

from shotgraph.pipeline.video.animatic.canvas import Canvas
from shotgraph.pipeline.video.animatic.palette import Palette, Rgb, mix, shade


def _by_night(colour: Rgb, p: Palette) -> Rgb:
    """A room's colour by lamplight after dark: darker and warmer."""
    return shade(mix(colour, p.accent, 0.2), 0.6) if p.night else colour


def _floor(canvas: Canvas, p: Palette, wall: Rgb, line: float) -> None:
    boards = shade(mix(wall, (120, 84, 60), 0.5), 0.7)
    canvas.gradient(shade(boards, 1.1), shade(boards, 0.8), line, canvas.height)


def _kitchen(canvas: Canvas, p: Palette, rng: random.Random) -> float:
    """Tiled wall, a range with a glowing fire, shelves of pots."""
    unit = canvas.unit
    wall = _by_night(mix((232, 214, 180), p.mid, 0.2), p)
    line = canvas.height * 0.68
    canvas.gradient(shade(wall, 0.9), wall, 0, line)
    _floor(canvas, p, wall, line)
    stove = canvas.width * rng.uniform(0.15, 0.35)
    iron = (56, 54, 58)
    canvas.rect(stove, line - unit * 0.28, stove + unit * 0.34, line, iron, p.ink)
    canvas.rect(
        stove + unit * 0.08,
        line - unit * 0.16,
        stove + unit * 0.26,
        line - unit * 0.04,
        (240, 140, 60),
    )
    canvas.rect(stove + unit * 0.13, 0, stove + unit * 0.21, line - unit * 0.28, shade(iron, 1.3))
    shelf = canvas.width * rng.uniform(0.55, 0.75)
    for row in range(2):
        y = canvas.height * (0.25 + row * 0.16)
        canvas.rect(shelf, y, shelf + unit * 0.45, y + unit * 0.015, (120, 84, 60))
        for k in range(4):
            x = shelf + unit * (0.05 + k * 0.11)
            colour = (150, 90, 60) if k % 2 else (90, 110, 140)
            canvas.ellipse((x, y - unit * 0.04), (unit * 0.04, unit * 0.04), colour, p.ink)
    return line


def _den(canvas: Canvas, p: Palette, rng: random.Random) -> float:
    """Inside an animal's burrow: an earthen arch, roots hanging, straw on the floor."""
    unit = canvas.unit
    earth = _by_night(mix((132, 96, 64), p.mid, 0.15), p)
    canvas.gradient(shade(earth, 0.45), shade(earth, 0.7), 0, canvas.height)
    line = canvas.height * 0.7
    canvas.ellipse((canvas.width / 2, line), (canvas.width * 0.48, canvas.height * 0.62), earth)
    canvas.rect(0, line, canvas.width, canvas.height, shade(earth, 0.85))
    for _ in range(12):
        x = rng.uniform(0, canvas.width)
        canvas.line(
            [(x, 0), (x + rng.uniform(-unit * 0.05, unit * 0.05), unit * rng.uniform(0.1, 0.25))],
            shade(earth, 0.5),
            max(1.0, unit * 0.008),
        )
    straw = mix((214, 184, 110), earth, 0.3)
    for _ in range(30):
        x, y = rng.uniform(0, canvas.width), rng.uniform(line, canvas.height)
        canvas.line([(x, y), (x + unit * 0.04, y - unit * 0.01)], straw, max(1.0, unit * 0.004))
    glow = (250, 200, 110)
    lamp = (canvas.width * rng.uniform(0.2, 0.8), line - unit * 0.05)
    canvas.circle(lamp, unit * 0.08, mix(glow, earth, 0.6))
    canvas.circle(lamp, unit * 0.025, glow)
    return line


def _ship(canvas: Canvas, p: Palette, rng: random.Random) -> float:
    """A ship's cabin: planked walls, a round porthole onto the sea, a swinging lamp."""
    unit = canvas.unit
    wood = _by_night(mix((150, 110, 74), p.mid, 0.1), p)
    line = canvas.height * 0.7
    canvas.rect(0, 0, canvas.width, line, wood)
    for k in range(1, 12):
        y = line * k / 12
        canvas.line([(0, y), (canvas.width, y)], shade(wood, 0.75), max(1.0, unit * 0.004))
    _floor(canvas, p, wood, line)
    for k in range(2):
        centre = (canvas.width * (0.3 + 0.4 * k), canvas.height * 0.3)
        canvas.circle(centre, unit * 0.1, (180, 160, 90))
        canvas.ellipse(centre, (unit * 0.08, unit * 0.08), mix(p.sky_bottom, (40, 90, 140), 0.4))
        canvas.rect(
            centre[0] - unit * 0.08,
            centre[1] + unit * 0.02,
            centre[0] + unit * 0.08,
            centre[1] + unit * 0.08,
            (40, 80, 130),
        )
    return line


def _spaceship(canvas: Canvas, p: Palette, rng: random.Random) -> float:
    """A spacecraft's inside: metal panels, lit consoles, a wide window onto the stars."""
    unit = canvas.unit
    metal = (168, 176, 188) if not p.night else (110, 118, 132)
    line = canvas.height * 0.7
    canvas.gradient(shade(metal, 0.8), metal, 0, line)
    window = (canvas.width * 0.2, canvas.height * 0.14, canvas.width * 0.8, canvas.height * 0.46)
    canvas.rect(*window, (8, 10, 26), shade(metal, 0.5))
    for _ in range(60):
        x = rng.uniform(window[0], window[2])
        y = rng.uniform(window[1], window[3])
        canvas.circle((x, y), unit * rng.uniform(0.001, 0.004), (236, 236, 250))
    planet = (rng.uniform(window[0] + unit * 0.1, window[2] - unit * 0.1), window[3] - unit * 0.02)
    canvas.ellipse(planet, (unit * 0.14, unit * 0.1), (90, 140, 200))
    canvas.rect(0, window[3], canvas.width, window[3] + unit * 0.02, shade(metal, 0.6))
    for k in range(int(canvas.width / (unit * 0.2)) + 1):
        x = k * unit * 0.2
        canvas.line([(x, 0), (x, line)], shade(metal, 0.7), max(1.0, unit * 0.004))
    console = line - unit * 0.12
    canvas.rect(0, console, canvas.width, line, shade(metal, 0.55), p.ink)
    for k in range(int(canvas.width / (unit * 0.06))):
        colour = rng.choice([(90, 200, 230), (240, 180, 60), (120, 220, 120)])
        canvas.rect(
            k * unit * 0.06 + unit * 0.02,
            console + unit * 0.03,
            k * unit * 0.06 + unit * 0.04,
            console + unit * 0.05,
            colour,
        )
    canvas.gradient(shade(metal, 0.6), shade(metal, 0.4), line, canvas.height)
    return line


INTERIORS: dict[str, Callable[[Canvas, Palette, random.Random], float]] = {
    "kitchen": _kitchen,
    "den": _den,
    "ship": _ship,
    "spaceship": _spaceship,
}
