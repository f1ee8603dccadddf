"""Colours of a scene: the time of day sets sky and land, the mood tints everything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from shotgraph.models import Mood, Season, Setting, TimeOfDay, Weather

Rgb = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    sky_top: Rgb
    sky_bottom: Rgb
    far: Rgb
    """Distant land: mountains, the far hills, the sea at the horizon."""
    mid: Rgb
    near: Rgb
    """The ground the figures stand on."""
    accent: Rgb
    """Lit windows, lantern glow, roofs."""
    light: Rgb
    """The sun or the moon."""
    ink: Rgb
    """Outlines and the darkest shadows."""
    paper: Rgb
    """The card colour of the storyboard's border and captions."""
    night: bool = False
    season: Season | None = None
    weather: Weather = Weather.CLEAR

    @property
    def snowy(self) -> bool:
        """Snow lies on the ground: in winter, or while it snows."""
        return self.season is Season.WINTER or self.weather is Weather.SNOW


_BY_TIME: dict[TimeOfDay, Palette] = {
    TimeOfDay.DAWN: Palette(
        sky_top=(122, 118, 178),
        sky_bottom=(250, 190, 160),
        far=(150, 128, 160),
        mid=(120, 130, 120),
        near=(92, 112, 88),
        accent=(246, 170, 110),
        light=(255, 214, 160),
        ink=(52, 44, 62),
        paper=(244, 236, 222),
    ),
    TimeOfDay.DAY: Palette(
        sky_top=(104, 164, 222),
        sky_bottom=(200, 226, 240),
        far=(140, 172, 190),
        mid=(116, 168, 104),
        near=(90, 142, 78),
        accent=(206, 96, 72),
        light=(255, 246, 206),
        ink=(46, 52, 58),
        paper=(246, 242, 232),
    ),
    TimeOfDay.DUSK: Palette(
        sky_top=(84, 64, 130),
        sky_bottom=(240, 142, 96),
        far=(112, 82, 124),
        mid=(96, 80, 100),
        near=(66, 60, 76),
        accent=(255, 176, 92),
        light=(255, 196, 120),
        ink=(34, 26, 44),
        paper=(238, 228, 214),
    ),
    TimeOfDay.NIGHT: Palette(
        sky_top=(12, 18, 48),
        sky_bottom=(40, 58, 102),
        far=(36, 48, 84),
        mid=(30, 42, 66),
        near=(22, 32, 50),
        accent=(250, 214, 120),
        light=(236, 236, 214),
        ink=(8, 10, 20),
        paper=(226, 224, 218),
        night=True,
    ),
}

# Mood: a colour everything leans towards, how far, and a change of saturation.
_TINT: dict[Mood, tuple[Rgb, float, float]] = {
    Mood.CALM: ((128, 128, 128), 0.0, 1.0),
    Mood.JOYFUL: ((255, 214, 120), 0.12, 1.15),
    Mood.TENSE: ((150, 40, 40), 0.16, 0.9),
    Mood.SAD: ((90, 110, 140), 0.2, 0.6),
    Mood.MYSTERIOUS: ((60, 110, 120), 0.22, 0.85),
    Mood.TRIUMPHANT: ((255, 190, 80), 0.16, 1.2),
}


# Snow on the ground, autumn leaves: the land's colours lean this way, this far.
_SNOW_GROUND: Rgb = (236, 240, 246)
_AUTUMN_GROUND: Rgb = (196, 128, 60)
_STORM_SKY: Rgb = (92, 98, 110)
_FOG: Rgb = (200, 204, 208)
_LAND = ("far", "mid", "near")
_SKY = ("sky_top", "sky_bottom")


def palette_for(setting: Setting) -> Palette:
    """The scene's colours: time of day, then season and weather, then the mood's tint."""
    base = _BY_TIME[setting.time_of_day]
    colours = {f.name: getattr(base, f.name) for f in fields(Palette) if f.name in _COLOURED}
    dim = 0.55 if base.night else 1.0
    if setting.season is Season.WINTER or setting.weather is Weather.SNOW:
        for name, amount in zip(_LAND, (0.6, 0.72, 0.8), strict=True):
            colours[name] = mix(colours[name], shade(_SNOW_GROUND, dim), amount)
    elif setting.season is Season.AUTUMN:
        for name in ("mid", "near"):
            colours[name] = mix(colours[name], shade(_AUTUMN_GROUND, dim), 0.45)
    if setting.weather in (Weather.RAIN, Weather.STORM, Weather.SNOW):
        heavy = 0.7 if setting.weather is Weather.STORM else 0.45
        for name in _SKY:
            colours[name] = mix(colours[name], shade(_STORM_SKY, dim), heavy)
        colours["light"] = mix(colours["light"], colours["sky_bottom"], 0.5)
    if setting.weather is Weather.FOG:
        for name in (*_SKY, *_LAND):
            colours[name] = mix(colours[name], shade(_FOG, dim), 0.5)
    tint, amount, saturation = _TINT[setting.mood]
    colours = {name: tinted(colour, tint, amount, saturation) for name, colour in colours.items()}
    return replace(base, **colours, season=setting.season, weather=setting.weather)


_COLOURED = frozenset({*_SKY, *_LAND, "accent", "light", "ink"})


def tinted(colour: Rgb, tint: Rgb, amount: float, saturation: float = 1.0) -> Rgb:
    """`colour` pulled `amount` of the way towards `tint`, with its saturation scaled."""
    mixed = [c + (t - c) * amount for c, t in zip(colour, tint, strict=True)]
    grey = sum(mixed) / 3
    return _clamp(grey + (c - grey) * saturation for c in mixed)


def shade(colour: Rgb, factor: float) -> Rgb:
    """Darker below 1, lighter above."""
    if factor <= 1:
        return _clamp(c * factor for c in colour)
    return _clamp(c + (255 - c) * (factor - 1) for c in colour)


def mix(a: Rgb, b: Rgb, amount: float) -> Rgb:
    return tinted(a, b, amount)


def _clamp(values: Iterable[float]) -> Rgb:
    r, g, b = (min(255, max(0, round(v))) for v in values)
    return (r, g, b)
