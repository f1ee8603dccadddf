"""Step C: the shots of one scene, planned with the grammar of film.

A scene opens on an establishing wide or extreme wide shot; then the camera moves in: full shots
for bodies in motion, medium shots for action, close-ups on whoever speaks or feels, an
over-the-shoulder for the reply in a two-person exchange, and now and then an insert of an object
the text mentions. The scene's sentences are narrated in order across its shots, none left out
and none said twice, and a shot holds what can be said in 2 to 8 seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from shotgraph.models import (
    CameraMove,
    Character,
    Direction,
    Mood,
    Place,
    Scene,
    Shot,
    ShotType,
    SpokenLine,
    StoryDigest,
    StoryRequest,
    TimeOfDay,
    Transition,
    fingerprint,
)
from shotgraph.pipeline.planning.rules.cast import Cast, without_quotes
from shotgraph.pipeline.planning.rules.dialogue import SpeakerMemory, paragraph_lines
from shotgraph.pipeline.planning.rules.prompts import NEGATIVE_PROMPT, visual_prompt
from shotgraph.pipeline.planning.rules.setting_words import (
    opens_in_parallel,
    opens_with_time_cue,
    time_of,
)
from shotgraph.pipeline.planning.rules.text import (
    WORDS_PER_SECOND,
    Sentence,
    split_sentences,
    split_to_fit,
    word_count,
    words,
)
from shotgraph.pipeline.planning.rules.vocabulary import (
    EMOTION_WORDS,
    EYE_WORDS,
    FEMALE_PRONOUNS,
    MALE_PRONOUNS,
    MAX_PROPS,
    MOVEMENT_WORDS,
    PLURAL_SUBJECTS,
    THINGS,
)

MIN_SHOT_S = 2.0
MAX_SHOT_S = 8.0
# An establishing shot stays up long enough to take the place in.
ESTABLISHING_MIN_S = 3.0
_MAX_WORDS = MAX_SHOT_S * WORDS_PER_SECOND
_MIN_WORDS = MIN_SHOT_S * WORDS_PER_SECOND
# A shot grows past this many words only to take in a sentence too short to stand alone.
_SOFT_WORDS = 13
# At least this many shots between two inserts: a cutaway now and then, not a catalogue.
_INSERT_GAP = 4
# How often a shot with people in it cuts away to the object it mentions instead.
_CUTAWAY_CHANCE = 0.2
_MAX_IN_FRAME = 3
# Languages whose sentences often leave the subject unsaid.
_PRO_DROP = frozenset({"es", "it", "pt", "ca", "ro", "gl"})

_CAMERAS: dict[ShotType, tuple[CameraMove, ...]] = {
    ShotType.EXTREME_WIDE: (CameraMove.PAN, CameraMove.PULL_OUT, CameraMove.STATIC),
    ShotType.WIDE: (CameraMove.PAN, CameraMove.DOLLY, CameraMove.STATIC),
    ShotType.FULL: (CameraMove.DOLLY, CameraMove.PAN, CameraMove.STATIC),
    ShotType.MEDIUM: (CameraMove.STATIC, CameraMove.DOLLY, CameraMove.PUSH_IN, CameraMove.ORBIT),
    ShotType.MEDIUM_CLOSE_UP: (CameraMove.PUSH_IN, CameraMove.STATIC),
    ShotType.CLOSE_UP: (CameraMove.PUSH_IN, CameraMove.STATIC),
    ShotType.EXTREME_CLOSE_UP: (CameraMove.STATIC, CameraMove.PUSH_IN),
    ShotType.OVER_THE_SHOULDER: (CameraMove.STATIC, CameraMove.PUSH_IN),
    ShotType.INSERT: (CameraMove.STATIC, CameraMove.PUSH_IN, CameraMove.TILT),
}
# An establishing shot reveals the place: a slow pan across it, or a pull out from a detail.
_ESTABLISHING_CAMERAS = (CameraMove.PAN, CameraMove.PULL_OUT)
_MOOD_FAVOURS: dict[Mood, dict[CameraMove, float]] = {
    Mood.CALM: {CameraMove.STATIC: 2},
    Mood.JOYFUL: {CameraMove.ORBIT: 2, CameraMove.DOLLY: 2},
    Mood.TENSE: {CameraMove.PUSH_IN: 3, CameraMove.DOLLY: 2},
    Mood.SAD: {CameraMove.STATIC: 2, CameraMove.PULL_OUT: 2},
    Mood.MYSTERIOUS: {CameraMove.PUSH_IN: 2, CameraMove.DOLLY: 2},
    Mood.TRIUMPHANT: {CameraMove.PULL_OUT: 2, CameraMove.ORBIT: 2},
}
_MOTION: dict[CameraMove, float] = {
    CameraMove.STATIC: 0.15,
    CameraMove.PAN: 0.35,
    CameraMove.TILT: 0.3,
    CameraMove.PUSH_IN: 0.4,
    CameraMove.PULL_OUT: 0.4,
    CameraMove.DOLLY: 0.45,
    CameraMove.ORBIT: 0.5,
}
_MOOD_MOTION: dict[Mood, float] = {
    Mood.CALM: -0.05,
    Mood.JOYFUL: 0.05,
    Mood.TENSE: 0.2,
    Mood.SAD: -0.1,
    Mood.MYSTERIOUS: 0.0,
    Mood.TRIUMPHANT: 0.1,
}
_CLOSER = {
    ShotType.MEDIUM: ShotType.FULL,
    ShotType.FULL: ShotType.MEDIUM,
    ShotType.WIDE: ShotType.FULL,
    ShotType.CLOSE_UP: ShotType.MEDIUM_CLOSE_UP,
    ShotType.MEDIUM_CLOSE_UP: ShotType.CLOSE_UP,
    ShotType.EXTREME_CLOSE_UP: ShotType.CLOSE_UP,
}


@dataclass(frozen=True)
class _Previous:
    """The shot before, as the choice of the next one needs it."""

    type: ShotType
    people: list[str]
    spoke: bool


@dataclass
class _Beat:
    """What one shot narrates: consecutive lines of the scene."""

    lines: list[SpokenLine] = field(default_factory=list)

    @property
    def words(self) -> float:
        return sum(word_count(line.text) for line in self.lines)

    @property
    def speakers(self) -> list[str]:
        return list(dict.fromkeys(line.speaker for line in self.lines if line.speaker))

    @property
    def narration(self) -> str:
        """The narrator's part, quoted speech taken out: what the picture shows."""
        said = " ".join(line.text for line in self.lines if line.speaker is None)
        return " ".join(without_quotes(said).split()).strip(" ,;:—–-")


def plan_shots(scene: Scene, digest: StoryDigest, request: StoryRequest) -> list[Shot]:
    """The shots of one scene, in order, narrating all of its source text."""
    cast = Cast(digest.characters)
    rng = random.Random(
        int(fingerprint("rules-shots", request.seed, scene.index, scene.source_text)[:16], 16)
    )
    beats = _beats(_units(_scene_lines(split_sentences(scene.source_text), cast)))
    exit_transition = _exit_transition(scene, digest)
    if not beats:
        return [_silent_establishing_shot(scene, request, rng, exit_transition)]

    frame = _FrameTracker(scene, cast, digest.language)
    shots: list[Shot] = []
    last_insert = -_INSERT_GAP
    previous: _Previous | None = None
    for position, beat in enumerate(beats):
        in_frame = frame.who(beat)
        props = things_named(" ".join(line.text for line in beat.lines))
        prop = props[0] if props else None
        shot_type = _shot_type(position, beat, in_frame, prop, previous, last_insert, scene, rng)
        if shot_type is ShotType.INSERT:
            last_insert, in_frame = position, []
        elif shot_type is ShotType.OVER_THE_SHOULDER and previous:
            listeners = [n for n in previous.people if n != beat.speakers[0]]
            in_frame = [beat.speakers[0], *listeners][:2]
        camera, direction, motion = _camera(shot_type, position == 0, scene.setting.mood, rng)
        characters = [c for name in in_frame if (c := _character(digest, name))]
        action = beat.narration or (f"{beat.speakers[0]} speaking" if beat.speakers else "")
        shots.append(
            Shot(
                index=position,
                type=shot_type,
                camera=camera,
                direction=direction,
                duration_s=_duration(beat.words, establishing=position == 0),
                visual_prompt=visual_prompt(
                    shot_type,
                    establishing=position == 0,
                    characters=characters,
                    action=action,
                    prop=prop,
                    setting=scene.setting,
                    style=request.style,
                ),
                negative_prompt=NEGATIVE_PROMPT,
                narration=beat.lines,
                characters=in_frame,
                props=props,
                transition=exit_transition if position == len(beats) - 1 else Transition.CUT,
                motion_strength=motion,
            )
        )
        previous = _Previous(shot_type, beat.speakers or in_frame, bool(beat.speakers))
    return shots


def _scene_lines(sentences: list[Sentence], cast: Cast) -> list[list[SpokenLine]]:
    """Each sentence's lines; speech is attributed a paragraph at a time, as readers do."""
    memory = SpeakerMemory()
    lines: list[list[SpokenLine]] = []
    paragraph: list[str] = []
    for position, sentence in enumerate(sentences):
        paragraph.append(sentence.text)
        last = position + 1 == len(sentences)
        if last or sentences[position + 1].paragraph != sentence.paragraph:
            lines += paragraph_lines(paragraph, cast, memory)
            paragraph = []
    return lines


def _units(sentences: list[list[SpokenLine]]) -> list[list[SpokenLine]]:
    """Sentences as the pieces shots are made of: a sentence too long for one shot is cut at
    its commas, or between words, into pieces that each fit."""
    units: list[list[SpokenLine]] = []
    for lines in sentences:
        unit: list[SpokenLine] = []
        for piece in (p for line in lines for p in _cut(line)):
            if unit and sum(word_count(x.text) for x in [*unit, piece]) > _MAX_WORDS:
                units.append(unit)
                unit = []
            unit.append(piece)
        if unit:
            units.append(unit)
    return units


def _cut(line: SpokenLine) -> list[SpokenLine]:
    if word_count(line.text) <= _MAX_WORDS:
        return [line]
    return [
        SpokenLine(text=piece, speaker=line.speaker)
        for piece in split_to_fit(line.text, _MAX_WORDS)
    ]


def _beats(units: list[list[SpokenLine]]) -> list[_Beat]:
    beats: list[_Beat] = []
    for unit in units:
        if beats and _joins(beats[-1], _Beat(unit), establishing=len(beats) == 1):
            beats[-1].lines.extend(unit)
        else:
            beats.append(_Beat(list(unit)))
    return beats


def _joins(beat: _Beat, unit: _Beat, *, establishing: bool) -> bool:
    """Whether a unit shares the shot before it rather than getting its own."""
    if beat.words + unit.words > _MAX_WORDS:
        return False
    if beat.speakers and unit.speakers and beat.speakers != unit.speakers:
        return False  # two voices, two shots
    if beat.words < _MIN_WORDS:
        return True
    if establishing or bool(beat.speakers) != bool(unit.speakers):
        return False
    return beat.words + unit.words <= _SOFT_WORDS


class _FrameTracker:
    """Who is in frame: whoever speaks or is named; else whom a pronoun points back to."""

    def __init__(self, scene: Scene, cast: Cast, language: str = "en") -> None:
        self.scene = scene
        self.cast = cast
        # Where sentences drop their subject ("Saltó al agua"), a scene with one character
        # is about that character even when no word names them.
        self.lone = (
            scene.characters[:1]
            if len(scene.characters) == 1 and language.split("-")[0] in _PRO_DROP
            else []
        )
        self.last: dict[str, str] = {}

    def who(self, beat: _Beat) -> list[str]:
        named = [*beat.speakers, *self.cast.names_in(beat.narration)]
        in_frame = list(dict.fromkeys(named)) or self._referred(beat.narration)
        for name in in_frame:
            self.last[self.cast.gender(name)] = name
        return in_frame[:_MAX_IN_FRAME]

    def _referred(self, text: str) -> list[str]:
        for word in words(text.lower()):
            if word in PLURAL_SUBJECTS:
                return self.scene.characters[:_MAX_IN_FRAME]
            gender = (
                "male" if word in MALE_PRONOUNS else "female" if word in FEMALE_PRONOUNS else None
            )
            if gender:
                fallback = [n for n in self.scene.characters if self.cast.gender(n) == gender]
                found = self.last.get(gender) or (fallback[0] if fallback else None)
                return [found] if found else []
        return self.lone


def things_named(text: str) -> list[str]:
    """The things a shot's words name, each once, in order: what the shot draws."""
    named = (THINGS.get(w.lower().removesuffix("'s")) for w in words(text))
    return list(dict.fromkeys(thing for thing in named if thing))[:MAX_PROPS]


def _shot_type(
    position: int,
    beat: _Beat,
    in_frame: list[str],
    prop: str | None,
    previous: _Previous | None,
    last_insert: int,
    scene: Scene,
    rng: random.Random,
) -> ShotType:
    if position == 0 or previous is None:
        if scene.setting.place is Place.INTERIOR or rng.random() < 0.4:
            return ShotType.WIDE
        return ShotType.EXTREME_WIDE
    previous_type = previous.type
    text = {w.lower() for w in words(beat.narration)}
    if beat.speakers:
        replying = previous.spoke and beat.speakers[0] not in previous.people
        if replying and previous_type is not ShotType.OVER_THE_SHOULDER:
            return ShotType.OVER_THE_SHOULDER
        if text & EMOTION_WORDS:
            return ShotType.CLOSE_UP
        return rng.choice((ShotType.CLOSE_UP, ShotType.MEDIUM_CLOSE_UP))
    can_insert = prop is not None and position - last_insert >= _INSERT_GAP
    if can_insert and (not in_frame or rng.random() < _CUTAWAY_CHANCE):
        return ShotType.INSERT
    if len(in_frame) >= _MAX_IN_FRAME:
        choice = rng.choice((ShotType.WIDE, ShotType.FULL))
    elif in_frame and text & EYE_WORDS:
        choice = ShotType.EXTREME_CLOSE_UP
    elif in_frame and text & EMOTION_WORDS:
        choice = ShotType.CLOSE_UP
    elif in_frame and text & MOVEMENT_WORDS:
        choice = ShotType.FULL
    elif in_frame:
        choice = ShotType.MEDIUM
    else:
        wide = previous_type in (ShotType.WIDE, ShotType.EXTREME_WIDE)
        choice = ShotType.MEDIUM if wide else ShotType.WIDE
    if choice is previous_type:
        choice = _CLOSER.get(choice, choice)
    return choice


def _camera(
    shot_type: ShotType, establishing: bool, mood: Mood, rng: random.Random
) -> tuple[CameraMove, Direction, float]:
    options = _ESTABLISHING_CAMERAS if establishing else _CAMERAS[shot_type]
    favours = _MOOD_FAVOURS[mood]
    camera = rng.choices(options, weights=[favours.get(move, 1.0) for move in options])[0]
    if camera in (CameraMove.PAN, CameraMove.DOLLY, CameraMove.ORBIT):
        direction = rng.choice((Direction.LEFT, Direction.RIGHT))
    elif camera is CameraMove.TILT:
        direction = rng.choice((Direction.UP, Direction.DOWN))
    else:
        direction = Direction.RIGHT
    motion = _MOTION[camera] + _MOOD_MOTION[mood] + rng.uniform(-0.05, 0.05)
    return camera, direction, round(min(max(motion, 0.05), 0.95), 2)


def _duration(words_said: float, *, establishing: bool) -> float:
    shortest = ESTABLISHING_MIN_S if establishing else MIN_SHOT_S
    return round(min(max(words_said / WORDS_PER_SECOND, shortest), MAX_SHOT_S), 1)


def _character(digest: StoryDigest, name: str) -> Character | None:
    return next((c for c in digest.characters if c.name == name), None)


def _exit_transition(scene: Scene, digest: StoryDigest) -> Transition:
    """How the scene hands over to the next: a fade through black when the story jumps in time
    (a time cue, or night giving way to morning), a crossfade otherwise; the film's last shot
    fades out."""
    start = digest.text.find(scene.source_text) if scene.source_text else -1
    if start < 0:
        return Transition.CROSSFADE
    rest = digest.text[start + len(scene.source_text) :].strip()
    if not rest:
        return Transition.FADE_BLACK
    following = split_sentences(rest[:2000])
    opening = following[0].text if following else rest
    if opens_with_time_cue(opening) and not opens_in_parallel(opening):
        return Transition.FADE_BLACK
    night_ends = scene.setting.time_of_day in (TimeOfDay.NIGHT, TimeOfDay.DUSK) and time_of(
        opening
    ) in (TimeOfDay.DAWN, TimeOfDay.DAY)
    return Transition.FADE_BLACK if night_ends else Transition.CROSSFADE


def _silent_establishing_shot(
    scene: Scene, request: StoryRequest, rng: random.Random, transition: Transition
) -> Shot:
    """The one shot of a scene with nothing to narrate: the place itself."""
    camera, direction, motion = _camera(ShotType.WIDE, True, scene.setting.mood, rng)
    return Shot(
        index=0,
        type=ShotType.WIDE,
        camera=camera,
        direction=direction,
        duration_s=ESTABLISHING_MIN_S,
        visual_prompt=visual_prompt(
            ShotType.WIDE,
            establishing=True,
            characters=[],
            action="",
            prop=None,
            setting=scene.setting,
            style=request.style,
        ),
        negative_prompt=NEGATIVE_PROMPT,
        transition=transition,
        motion_strength=motion,
    )
