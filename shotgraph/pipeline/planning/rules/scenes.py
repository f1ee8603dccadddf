"""Step B: the story cut into scenes, each with a setting, a mood and its characters.

A scene ends where the story moves in time ("The next morning"), goes elsewhere ("Back at the
lighthouse") or starts a parallel thread ("Meanwhile"); at a paragraph break once it is long; and
at any sentence once it is very long, so a story without paragraphs still gets several scenes.
Short stretches never stand alone: a story of three sentences is one scene.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shotgraph.models import Place, Scene, Season, Setting, StoryDigest, TimeOfDay, Weather
from shotgraph.pipeline.planning.rules.cast import Cast, without_quotes
from shotgraph.pipeline.planning.rules.setting_words import (
    features_of,
    location_of,
    mood_of,
    opening_setting,
    opens_in_parallel,
    opens_with_time_cue,
    place_of,
    place_word,
    season_of,
    time_of,
    weather_of,
)
from shotgraph.pipeline.planning.rules.text import (
    Sentence,
    rebuild,
    split_sentences,
    word_count,
    words,
)
from shotgraph.pipeline.planning.rules.vocabulary import (
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    PLACE_FALLBACK_NAMES,
    PLURAL_SUBJECTS,
)

# Scene length in words (about 2.5 a second): a cue ends a scene no shorter than MIN; a plain
# paragraph break ends one of SOFT; any sentence ends one of MAX.
MIN_SCENE_WORDS = 25
SOFT_SCENE_WORDS = 260
MAX_SCENE_WORDS = 360

_TIME_PHRASES = {
    TimeOfDay.DAWN: "at dawn",
    TimeOfDay.DAY: "by day",
    TimeOfDay.DUSK: "at dusk",
    TimeOfDay.NIGHT: "at night",
}


@dataclass
class _Draft:
    sentences: list[Sentence] = field(default_factory=list)
    words: float = 0.0

    def add(self, sentence: Sentence) -> None:
        self.sentences.append(sentence)
        self.words += word_count(sentence.text)

    @property
    def text(self) -> str:
        return rebuild(self.sentences)


def split_scenes(digest: StoryDigest) -> list[Scene]:
    """The digest's scenes in story order, with settings; `shots` left empty."""
    sentences = split_sentences(digest.text)
    drafts = _drafts(sentences) if sentences else []
    cast = Cast(digest.characters)
    story_place = place_of(digest.text) or Place.HILLS
    story = _StoryWide(digest.text)

    scenes: list[Scene] = []
    for index, draft in enumerate(drafts):
        previous = scenes[-1] if scenes else None
        text = draft.text
        setting = _setting(text, draft.sentences[0].text, previous, story_place)
        setting = story.refine(setting, text, draft.sentences[0].text, scenes)
        scenes.append(
            Scene(
                index=index,
                title=_title(setting),
                setting=setting,
                characters=_characters(text, cast, previous),
                source_text=text,
            )
        )
    if not scenes:
        setting = Setting(location=PLACE_FALLBACK_NAMES[story_place], place=story_place)
        scenes.append(Scene(index=0, title=_title(setting), setting=setting, source_text=""))
    return scenes


def detail_settings(scenes: list[Scene], story: str) -> list[Scene]:
    """Season, weather and features for scenes another planner cut and placed (the LLM's),
    read from their words as the rules planner reads its own; place, time and mood stay."""
    story_wide = _StoryWide(story)
    done: list[Scene] = []
    for scene in scenes:
        sentences = split_sentences(scene.source_text)
        opening = sentences[0].text if sentences else ""
        setting = story_wide.refine(
            scene.setting, scene.source_text, opening, done, keep_place=True
        )
        done.append(scene.model_copy(update={"setting": setting}))
    return done


def _drafts(sentences: list[Sentence]) -> list[_Draft]:
    drafts = [_Draft()]
    for position, sentence in enumerate(sentences):
        current = drafts[-1]
        starts_paragraph = position > 0 and sentence.paragraph != sentences[position - 1].paragraph
        if current.sentences and _ends_before(current, sentence, starts_paragraph):
            drafts.append(_Draft())
        drafts[-1].add(sentence)
    last = drafts[-1]
    if len(drafts) > 1 and len(last.sentences) < 2:
        drafts.pop()
        for sentence in last.sentences:
            drafts[-1].add(sentence)
    return drafts


def _ends_before(current: _Draft, sentence: Sentence, starts_paragraph: bool) -> bool:
    """Whether the current scene ends before `sentence`."""
    if current.words >= MAX_SCENE_WORDS:
        return True
    if len(current.sentences) < 2 or current.words < MIN_SCENE_WORDS:
        return False
    # Inside a paragraph a cue must follow a longer stretch: "Later, she slept." is a beat.
    cue_needs = MIN_SCENE_WORDS if starts_paragraph else 2 * MIN_SCENE_WORDS
    if current.words >= cue_needs:
        if opens_with_time_cue(sentence.text) or opens_in_parallel(sentence.text):
            return True
        opening = opening_setting(sentence.text)
        if opening and _moves_elsewhere(current, opening[1]):
            return True
    # A paragraph that opens with speech goes on with the conversation of the one before.
    return (
        starts_paragraph
        and current.words >= SOFT_SCENE_WORDS
        and not sentence.text.startswith(('"', "«", "「", "'"))
    )


def _moves_elsewhere(current: _Draft, location: str) -> bool:
    """Whether a sentence opening in `location` leaves the place the current scene is in."""
    here = opening_setting(current.sentences[0].text)
    if here is None:
        place = place_of(current.text)
        here = (place, location_of(current.text, place) or "") if place else None
    return here is None or _noun(here[1]) != _noun(location)


def _noun(location: str) -> str:
    return location.split()[-1].lower() if location else ""


def _setting(text: str, opening: str, previous: Scene | None, story_place: Place) -> Setting:
    """Where, when and how: what the scene's words say, else what the scene before had; the
    story's commonest kind of place and daytime when the first scene says nothing."""
    found = opening_setting(opening)
    place = found[0] if found else place_of(text)
    if found:
        location = found[1]
    elif place:
        location = location_of(text, place)
    else:
        location = None
    if place is None:
        place = previous.setting.place if previous else story_place
    if location is None:
        carried = previous and previous.setting.place == place
        location = previous.setting.location if carried else PLACE_FALLBACK_NAMES[place]
    time = time_of(opening) or time_of(text)
    if time is None:
        time = previous.setting.time_of_day if previous else TimeOfDay.DAY
    return Setting(location=location[:120], place=place, time_of_day=time, mood=mood_of(text))


class _StoryWide:
    """What the whole story says about its world, which a scene keeps unless it says otherwise:
    the season, town rather than city, a spacecraft's inside rather than a room."""

    def __init__(self, text: str) -> None:
        lower = [w.lower() for w in words(text)]
        self.season: Season | None = season_of(text)
        self.town = lower.count("town") > lower.count("city")
        self.in_space = place_of(" ".join(w for w in lower if place_word(w) is Place.SPACE)) is (
            Place.SPACE
        )

    def refine(
        self,
        setting: Setting,
        text: str,
        opening: str,
        before: list[Scene],
        *,
        keep_place: bool = False,
    ) -> Setting:
        """The scene's season, weather and features. Weather holds until the story moves on in
        time; season holds until the story names another; features carry over to later scenes in the
        same kind of place. `keep_place` leaves the kind of place as it was chosen."""
        previous = before[-1].setting if before else None
        weather = weather_of(text)
        if weather is None:
            keeps = previous is not None and not opens_with_time_cue(opening)
            weather = previous.weather if keeps and previous else Weather.CLEAR
        season = season_of(text) or (previous.season if previous else None) or self.season
        place = setting.place
        if place is Place.CITY and self.town and not keep_place:
            place = Place.TOWN
        same = next((s.setting for s in reversed(before) if s.setting.place is place), None)
        features = list(dict.fromkeys([*features_of(text), *(same.features if same else [])]))
        if place is Place.INTERIOR and self.in_space and not {"den", "kitchen"} & set(features):
            features = list(dict.fromkeys(["spaceship", *features]))
        return setting.model_copy(
            update={"place": place, "weather": weather, "season": season, "features": features}
        )


def _title(setting: Setting) -> str:
    title = f"{setting.location} {_TIME_PHRASES[setting.time_of_day]}"
    return (title[:1].upper() + title[1:])[:120]


def _characters(text: str, cast: Cast, previous: Scene | None) -> list[str]:
    """Who is in the scene: those named in it; when nobody is named but someone is referred to
    ("She climbed the stairs"), the matching characters of the scene before."""
    named = cast.names_in(text, outside_quotes=True)
    if named or previous is None:
        return named
    referred = {w.lower() for w in words(without_quotes(text))}
    genders = set()
    if referred & MALE_PRONOUNS.keys():
        genders.add("male")
    if referred & FEMALE_PRONOUNS.keys():
        genders.add("female")
    if referred & PLURAL_SUBJECTS:
        return previous.characters
    return [name for name in previous.characters if cast.gender(name) in genders]
