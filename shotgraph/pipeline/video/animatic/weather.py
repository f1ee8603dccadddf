"""Weather over a finished plate: falling snow, rain, a storm's lightning, fog. Drawn after the
figures, so it falls in front of them too, and once per shot like everything on the plate."""

from __future__ import annotations

import random

from shotgraph.models import Weather
from shotgraph.pipeline.video.animatic.canvas import Canvas
from shotgraph.pipeline.video.animatic.palette import Palette, mix


def draw_weather(canvas: Canvas, palette: Palette, rng: random.Random, outdoors: bool) -> None:
    weather = palette.weather
    if weather is Weather.CLEAR or not outdoors:
        return
    unit = canvas.unit
    if weather is Weather.SNOW:
        flake = mix((250, 250, 255), palette.sky_bottom, 0.1)
        flakes = [(rng.uniform(0, canvas.width), rng.uniform(0, canvas.height)) for _ in range(220)]
        canvas.dots(flakes, [unit * rng.uniform(0.002, 0.007) for _ in flakes], flake)
    elif weather in (Weather.RAIN, Weather.STORM):
        drop = mix((210, 220, 235), palette.sky_bottom, 0.4)
        slant = unit * (0.02 if weather is Weather.RAIN else 0.05)
        drops = []
        for _ in range(260 if weather is Weather.RAIN else 360):
            x, y = rng.uniform(-slant, canvas.width), rng.uniform(0, canvas.height)
            drops.append([(x, y), (x + slant, y + unit * 0.05)])
        canvas.strokes(drops, drop, max(1.0, unit * 0.0025))
        if weather is Weather.STORM:
            x = canvas.width * rng.uniform(0.2, 0.8)
            bolt = [(x, 0.0)]
            for k in range(1, 6):
                bolt.append((x + rng.uniform(-unit * 0.05, unit * 0.05), canvas.height * 0.09 * k))
            canvas.line(bolt, (255, 252, 220), max(1.0, unit * 0.008))
    elif weather is Weather.FOG:
        for k in range(4):
            y = canvas.height * (0.45 + 0.12 * k)
            canvas.ellipse(
                (canvas.width * rng.uniform(0.2, 0.8), y),
                (canvas.width * 0.6, unit * 0.06),
                mix(palette.sky_bottom, (230, 232, 236), 0.4),
            )
