"""Where, when and how a stretch of story feels, read from its words; and the sentence openings
("Later that night", "Back at the harbour") that start a new scene."""

from __future__ import annotations

import re
from collections import Counter
from typing import TypeVar

from shotgraph.models import Mood, Place, Season, TimeOfDay, Weather
from shotgraph.pipeline.planning.rules.text import WORD, word_count, words
from shotgraph.pipeline.planning.rules.vocabulary import (
    COMMON_WORDS,
    DEN_WORDS,
    FEATURE_WORDS,
    GOING_IN_WORDS,
    MOOD_WORDS,
    PARALLEL_CUE,
    PLACE_CUE_LEAD,
    PLACE_FALLBACK_NAMES,
    PLACE_WORDS,
    SEASON_WORDS,
    TIME_CUE,
    TIME_WORDS,
    WEATHER_WORDS,
)

_TIME_PHRASES: dict[TimeOfDay, re.Pattern[str]] = {
    TimeOfDay.DAWN: re.compile(r"\b(?:first light|sun (?:rose|rises|came up|comes up))\b", re.I),
    TimeOfDay.DUSK: re.compile(
        r"\b(?:sun (?:set|sets|goes down|went down|sank|sinks)|last light)\b", re.I
    ),
}
_T = TypeVar("_T")
# Place words that say what kind of place it is but make a poor name for it.
_BACKGROUND_NOUNS = frozenset(
    {"inside", "stove", "hearth", "fireplace", "waves", "wave", "tide", "surf", "trees"}
    | {"sand", "sands", "deck", "stall", "stalls"}
)
_POSSESSIVES = frozenset({"his", "her", "their", "its", "our", "my", "your"})
_DETERMINERS = _POSSESSIVES | {"the", "a", "an", "this", "that"}
_OPENS_WITH_TIME = re.compile(rf"^\W*{TIME_CUE}", re.I)
_OPENS_IN_PARALLEL = re.compile(rf"^\W*{PARALLEL_CUE}\b", re.I)
_OPENS_WITH_PLACE = re.compile(rf"^\W*(?:{PARALLEL_CUE}\W+)?{PLACE_CUE_LEAD}", re.I)
# MOOD_WORDS split into whole words and word beginnings (written with a trailing *).
_MOOD_EXACT = {
    mood: frozenset(e for e in entries if not e.endswith("*"))
    for mood, entries in MOOD_WORDS.items()
}
_MOOD_PREFIXES = {
    mood: tuple(e[:-1] for e in entries if e.endswith("*")) for mood, entries in MOOD_WORDS.items()
}
# A mood must colour at least one word in this many before it is the scene's mood.
_MOOD_WORDS_PER_HIT = 150
# How far into a sentence its opening place phrase may reach: "Out on the open sea".
_PLACE_CUE_WORDS = 7


def place_word(word: str) -> Place | None:
    lower = word.lower()
    return PLACE_WORDS.get(lower) or (PLACE_WORDS.get(lower[:-1]) if lower.endswith("s") else None)


def place_of(text: str) -> Place | None:
    """The kind of place the text's place words point to most; the earliest wins a tie. A den
    is in the woods, unless the text goes inside it."""
    tokens = [w.lower() for w in words(text)]
    hits = []
    for position, word in enumerate(tokens):
        place = place_word(word)
        if (
            place
            and word in DEN_WORDS
            and GOING_IN_WORDS & set(tokens[max(0, position - 3) : position])
        ):
            place = Place.INTERIOR
        if place:
            hits.append(place)
    return _most_common(hits)


def time_of(text: str) -> TimeOfDay | None:
    hits = [TIME_WORDS[w.lower()] for w in words(text) if w.lower() in TIME_WORDS]
    for time, phrase in _TIME_PHRASES.items():
        hits += [time] * len(phrase.findall(text))
    return _most_common(hits)


def weather_of(text: str) -> Weather | None:
    """The weather the text's words name most ("snow", "rain", "storm", "fog"), if any."""
    return _most_common([WEATHER_WORDS[w] for w in _lower_words(text) if w in WEATHER_WORDS])


def season_of(text: str) -> Season | None:
    """The season the text names most; snow falling with no season named means winter."""
    found = _most_common([SEASON_WORDS[w] for w in _lower_words(text) if w in SEASON_WORDS])
    if found is None and weather_of(text) is Weather.SNOW:
        return Season.WINTER
    return found


def features_of(text: str) -> list[str]:
    """What kind of place it is, in the animatic's words: trees, harbour, bridge, den..."""
    found = (FEATURE_WORDS.get(w) for w in _lower_words(text))
    return list(dict.fromkeys(feature for feature in found if feature))


def _lower_words(text: str) -> list[str]:
    return [w.lower() for w in words(text)]


def mood_of(text: str) -> Mood:
    """The mood whose words the text uses most, if it uses them often enough; else calm."""
    scores = Counter(
        mood
        for word in words(text.lower())
        for mood in MOOD_WORDS
        if word in _MOOD_EXACT[mood] or word.startswith(_MOOD_PREFIXES[mood])
    )
    if not scores:
        return Mood.CALM
    order = list(MOOD_WORDS)
    mood, hits = max(scores.items(), key=lambda item: (item[1], -order.index(item[0])))
    return mood if hits >= max(1.0, word_count(text) / _MOOD_WORDS_PER_HIT) else Mood.CALM


def location_of(text: str, place: Place) -> str | None:
    """A short name for where the text happens, from its commonest word for that place."""
    found = _location_phrases(text)
    nouns = [noun for noun in found if place_word(noun) == place]
    if not nouns:
        return None
    counts = Counter(w.lower() for w in words(text))
    best = max(nouns, key=lambda noun: counts[noun])
    return found[best]


def locations_in(text: str) -> list[str]:
    """Every place the text names, once each, in order of first mention."""
    return list(_location_phrases(text).values())


def _location_phrases(text: str) -> dict[str, str]:
    """Noun -> phrase of its first mention ("the old lighthouse", "Lantern Street")."""
    tokens = list(WORD.finditer(text))

    def word_before(position: int) -> str | None:
        if position < 1 or text[tokens[position - 1].end() : tokens[position].start()] != " ":
            return None
        return tokens[position - 1].group()

    phrases: dict[str, str] = {}
    for position, token in enumerate(tokens):
        noun = token.group()
        lower = noun.lower()
        if lower in phrases or lower in _BACKGROUND_NOUNS or not place_word(noun):
            continue
        previous = word_before(position)
        earlier = word_before(position - 1) if previous else None
        if previous and previous.lower() in _DETERMINERS:
            phrases[lower] = f"{_article(previous)} {noun}"
        elif earlier and earlier.lower() in _DETERMINERS and _is_modifier(previous):
            phrases[lower] = f"{_article(earlier)} {previous} {noun}"
        elif previous and previous[0].isupper() and _is_modifier(previous):
            phrases[lower] = f"{previous} {noun}"
        else:
            phrases[lower] = f"the {noun.lower()}"
    return phrases


def _article(determiner: str) -> str:
    lower = determiner.lower()
    return "the" if lower in _POSSESSIVES else lower


def _is_modifier(word: str | None) -> bool:
    return bool(word) and word.lower() not in COMMON_WORDS and not place_word(word)


def opens_with_time_cue(sentence: str) -> bool:
    """`Later that night`, `The next morning`, `Years passed`: the story moves on in time."""
    return bool(_OPENS_WITH_TIME.match(sentence))


def opens_in_parallel(sentence: str) -> bool:
    """`Meanwhile`: another thread of the story at the same time."""
    return bool(_OPENS_IN_PARALLEL.match(sentence))


def opening_setting(sentence: str) -> tuple[Place, str] | None:
    """The place a sentence opens in (`Back at the lighthouse, ...`) and its name, if any."""
    lead = _OPENS_WITH_PLACE.match(sentence)
    if lead is None:
        return None
    rest = re.split(r"[,.;:!?]", sentence[lead.end() :], maxsplit=1)[0]
    clause = " ".join((sentence[: lead.end()] + rest).split()[:_PLACE_CUE_WORDS])
    place = place_of(clause)
    if place is None:
        return None
    return place, location_of(clause, place) or PLACE_FALLBACK_NAMES[place]


def _most_common(hits: list[_T]) -> _T | None:
    if not hits:
        return None
    counts = Counter(hits)
    return max(counts, key=lambda item: (counts[item], -hits.index(item)))
