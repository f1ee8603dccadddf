"""The domain, as pydantic models: what a story request is, what a plan is, what a job reports.

These models cross every boundary (queue payloads, LLM output, API bodies, progress events), so
they validate on the way in and serialise to plain JSON on the way out.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Longest story accepted anywhere; the byte limit in settings is usually the tighter one.
MAX_STORY_CHARS = 200_000


def fingerprint(*parts: Any) -> str:
    """A stable content hash of JSON-able parts: the cache key of everything we render."""
    blob = json.dumps(parts, sort_keys=True, default=_jsonable, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def seed_of(*parts: Any) -> int:
    """A seed (0 to 2**31 - 1, what every generator accepts) drawn from a fingerprint."""
    return int(fingerprint(*parts)[:8], 16) % 2**31


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return str(value)


class AspectRatio(StrEnum):
    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"


# How a film carries its subtitles (StoryRequest.captions).
Captions = Literal["burned", "soft", "off"]
StoryboardMode = Literal["ask", "auto"]
# A shot id as `shot_id` spells it.
ShotId = Annotated[str, Field(pattern=r"^s\d{3}-\d{2}$")]


class ShotEdit(BaseModel):
    """A person's change to one planned shot: new words, or another take of its picture.

    Kept in the request (not the plan) so the plan can be made again from the story and the
    edits laid over it; every edit changes only the cache keys of the shot it touches."""

    visual_prompt: Annotated[str | None, Field(min_length=1, max_length=1000)] = None
    narration: Annotated[str | None, Field(max_length=2000)] = None
    take: Annotated[int, Field(ge=0, le=1000)] = 0
    """0 for the first picture; each re-roll counts one up, and so draws another."""


class StoryRequest(BaseModel):
    """One story to film, as a user or program submits it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    story: Annotated[str, Field(min_length=1, max_length=MAX_STORY_CHARS)]
    title: Annotated[str | None, Field(max_length=120)] = None
    style: Annotated[str, Field(max_length=200)] = "storybook"
    aspect: AspectRatio = AspectRatio.LANDSCAPE
    target_length_s: Annotated[float | None, Field(ge=10, le=3600)] = None
    language: Annotated[str | None, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = None
    voice: Annotated[str | None, Field(max_length=100)] = None
    seed: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    captions: Captions | None = None
    """burned: drawn into the picture (and soft too); soft: a track players may show; off:
    neither (the .srt is always made). None: BURN_SUBTITLES decides between burned and soft."""
    storyboard: StoryboardMode = "auto"
    """`ask` stops at the storyboard until someone approves it; `auto` films straight on."""
    shot_edits: dict[ShotId, ShotEdit] = Field(default_factory=dict)
    """What people changed on the storyboard or in a retake, by shot id."""

    def fingerprint(self) -> str:
        return fingerprint(self)


class TimeOfDay(StrEnum):
    DAWN = "dawn"
    DAY = "day"
    DUSK = "dusk"
    NIGHT = "night"


class Mood(StrEnum):
    CALM = "calm"
    JOYFUL = "joyful"
    TENSE = "tense"
    SAD = "sad"
    MYSTERIOUS = "mysterious"
    TRIUMPHANT = "triumphant"


class Place(StrEnum):
    """The kind of backdrop a setting calls for; the animatic draws one per kind."""

    HILLS = "hills"
    FOREST = "forest"
    SEA = "sea"
    CITY = "city"
    INTERIOR = "interior"
    MOUNTAINS = "mountains"
    DESERT = "desert"
    VILLAGE = "village"
    TOWN = "town"
    RIVER = "river"
    ROAD = "road"
    FIELDS = "fields"
    SNOW = "snow"
    CAVE = "cave"
    SPACE = "space"


class Season(StrEnum):
    SPRING = "spring"
    SUMMER = "summer"
    AUTUMN = "autumn"
    WINTER = "winter"


class Weather(StrEnum):
    """What falls from or hangs in the sky; it changes the picture, not the place."""

    CLEAR = "clear"
    RAIN = "rain"
    SNOW = "snow"
    STORM = "storm"
    FOG = "fog"


class ShotType(StrEnum):
    EXTREME_WIDE = "extreme_wide"
    WIDE = "wide"
    FULL = "full"
    MEDIUM = "medium"
    MEDIUM_CLOSE_UP = "medium_close_up"
    CLOSE_UP = "close_up"
    EXTREME_CLOSE_UP = "extreme_close_up"
    OVER_THE_SHOULDER = "over_the_shoulder"
    INSERT = "insert"


class CameraMove(StrEnum):
    STATIC = "static"
    PAN = "pan"
    TILT = "tilt"
    PUSH_IN = "push_in"
    PULL_OUT = "pull_out"
    DOLLY = "dolly"
    ORBIT = "orbit"


class Direction(StrEnum):
    """Which way a pan, tilt, dolly or orbit travels; ignored by the other moves."""

    LEFT = "left"
    RIGHT = "right"
    UP = "up"
    DOWN = "down"


class Transition(StrEnum):
    """How a shot hands over to the next one."""

    CUT = "cut"
    CROSSFADE = "crossfade"
    FADE_BLACK = "fade_black"


class Character(BaseModel):
    """Someone who appears in the story, described once so every shot draws them alike."""

    name: Annotated[str, Field(min_length=1, max_length=80)]
    description: Annotated[str, Field(max_length=400)] = ""
    gender: Literal["female", "male", "unknown"] = "unknown"
    aliases: list[str] = Field(default_factory=list)
    mentions: Annotated[int, Field(ge=0)] = 0
    kind: Annotated[str, Field(min_length=1, max_length=40)] = "person"
    """What they are: `person`, or an animal, creature or machine (`fox`, `owl`, `dragon`,
    `robot`); the animatic draws that kind, with the traits its description names."""

    @field_validator("kind", mode="before")
    @classmethod
    def _plain_kind(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) and value.strip() else "person"


class Setting(BaseModel):
    """Where and when a scene happens, and how it should feel."""

    location: Annotated[str, Field(min_length=1, max_length=120)]
    place: Place = Place.HILLS
    time_of_day: TimeOfDay = TimeOfDay.DAY
    mood: Mood = Mood.CALM
    season: Season | None = None
    weather: Weather = Weather.CLEAR
    features: list[str] = Field(default_factory=list)
    """What kind of this place it is, in words the animatic draws (`birch`, `harbour`,
    `bridge`, `kitchen`, `den`, `spaceship`); words it does not know are left out."""


class SpokenLine(BaseModel):
    """A piece of narration; `speaker` names the character who says it, None for the narrator."""

    text: Annotated[str, Field(min_length=1)]
    speaker: str | None = None


class Shot(BaseModel):
    """One continuous camera take: what we see, how the camera moves, what is said over it."""

    index: Annotated[int, Field(ge=0)]
    type: ShotType
    camera: CameraMove = CameraMove.STATIC
    direction: Direction = Direction.RIGHT
    # Planners plan takes of at most a minute; narration can stretch one further when it is
    # read out, and the filmed plan (plan.json) records that real length.
    duration_s: Annotated[float, Field(ge=1.0, le=600.0)]
    visual_prompt: Annotated[str, Field(min_length=1, max_length=1000)]
    negative_prompt: Annotated[str, Field(max_length=500)] = ""
    narration: list[SpokenLine] = Field(default_factory=list)
    characters: list[str] = Field(default_factory=list)
    props: list[str] = Field(default_factory=list)
    """Things the shot's words name (`lantern`, `boat`, `house`): drawn in the shot, and an
    insert shot shows the first one large."""
    transition: Transition = Transition.CUT
    motion_strength: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5

    @field_validator("narration", mode="before")
    @classmethod
    def _narration_from_text(cls, value: object) -> object:
        """Accept a plain string (as a model often writes it) as the narrator's line."""
        if isinstance(value, str):
            return [{"text": value}] if value.strip() else []
        return value

    @property
    def narration_text(self) -> str:
        return " ".join(line.text for line in self.narration)


class Scene(BaseModel):
    """A stretch of the story in one place and time, filmed as a run of shots."""

    index: Annotated[int, Field(ge=0)]
    title: Annotated[str, Field(max_length=120)] = ""
    setting: Setting
    characters: list[str] = Field(default_factory=list)
    source_text: str = ""
    shots: list[Shot] = Field(default_factory=list)

    @model_validator(mode="after")
    def _number_shots(self) -> Scene:
        """Shots are numbered by their order, whatever a planner wrote."""
        for position, shot in enumerate(self.shots):
            shot.index = position
        return self


class ShotRef(BaseModel):
    """A shot with the scene it belongs to, as the rendering stages walk the plan."""

    model_config = ConfigDict(frozen=True)

    scene: Scene
    shot: Shot

    @property
    def id(self) -> str:
        return shot_id(self.scene.index, self.shot.index)


def shot_id(scene_index: int, shot_index: int) -> str:
    """Stable, sortable and filename-safe: scene 3, shot 2 is `s003-02`."""
    return f"s{scene_index:03d}-{shot_index:02d}"


class ShotPlan(BaseModel):
    """The whole film on paper: who is in it, its scenes, and their shots."""

    title: str
    style: str = "storybook"
    aspect: AspectRatio = AspectRatio.LANDSCAPE
    language: str = "en"
    characters: list[Character] = Field(default_factory=list)
    scenes: list[Scene]

    @model_validator(mode="after")
    def _number_scenes(self) -> ShotPlan:
        for position, scene in enumerate(self.scenes):
            scene.index = position
        return self

    def shots(self) -> Iterator[ShotRef]:
        for scene in self.scenes:
            for shot in scene.shots:
                yield ShotRef(scene=scene, shot=shot)

    @property
    def shot_count(self) -> int:
        return sum(len(scene.shots) for scene in self.scenes)

    @property
    def duration_s(self) -> float:
        return sum(shot.duration_s for scene in self.scenes for shot in scene.shots)

    def character(self, name: str) -> Character | None:
        return next((c for c in self.characters if c.name == name), None)


class StoryDigest(BaseModel):
    """The story made ready for planning (Step A): clean text, who is in it, where it happens."""

    text: str
    language: str = "en"
    characters: list[Character] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    compressed: bool = False


class Stage(StrEnum):
    """The pipeline's stages, in the order they run."""

    PREPROCESS = "preprocess"
    SCENES = "scenes"
    SHOTS = "shots"
    SAFETY = "safety"
    NARRATION = "narration"
    STORYBOARD = "storyboard"
    VISUALS = "visuals"
    MUSIC = "music"
    COMPOSE = "compose"


EventKind = Literal[
    "queued",
    "stage_started",
    "stage_progress",
    "stage_finished",
    "done",
    "failed",
    "cancelled",
    "storyboard",
]


class StageEvent(BaseModel):
    """One progress report; the CLI draws it, the worker writes it to the job's stream."""

    kind: EventKind
    stage: Stage | None = None
    fraction: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0
    message: str = ""
    at: float = Field(default_factory=time.time)
    duration_s: float | None = None
    position: int | None = None
    result: JobResult | None = None
    storyboard: Storyboard | None = None
    """With kind `storyboard`: the storyboard waiting for approval."""


class CostLine(BaseModel):
    """What one model cost one stage."""

    stage: str
    model: str
    calls: int = 0
    retries: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    dollars: float = 0.0
    priced: bool = True
    """False when the price table does not know the model: `dollars` leaves it out."""


class LlmAttempt(BaseModel):
    """One request to a model, or one step of reading its answer, in the order they happened."""

    stage: str
    model: str
    outcome: str
    detail: str = ""


class CostReport(BaseModel):
    """LLM usage of one job, per stage and model, and every attempt behind it."""

    lines: list[CostLine] = Field(default_factory=list)
    attempts: list[LlmAttempt] = Field(default_factory=list)

    @property
    def total_dollars(self) -> float:
        return sum(line.dollars for line in self.lines)

    @property
    def total_tokens(self) -> int:
        return sum(line.input_tokens + line.output_tokens for line in self.lines)


class PlannedStory(BaseModel):
    """What planning alone hands back (`shotgraph plan`): the plan, what it cost, and why any
    backend differs from the one asked for."""

    plan: ShotPlan
    cost: CostReport
    notes: list[str] = Field(default_factory=list)


class JobFiles(BaseModel):
    """A finished job's files, as paths relative to the storage root."""

    video: str
    subtitles: str
    plan: str
    thumbnail: str


class StoryboardPanel(BaseModel):
    """One shot on the storyboard, numbered in film order from 1."""

    number: Annotated[int, Field(ge=1)]
    shot_id: str
    type: ShotType
    visual_prompt: str
    narration: str
    duration_s: float
    keyframe: str
    """The keyframe PNG, relative to the storage root."""
    take: int = 0


class Storyboard(BaseModel):
    """What a person approves before the film is rendered: the plan, one keyframe per shot,
    the character references and the contact sheet, with the GPU time the film will take."""

    job_id: str
    title: str
    plan: ShotPlan
    panels: list[StoryboardPanel]
    references: dict[str, str] = Field(default_factory=dict)
    """Reference image per recurring character, relative to the storage root."""
    sheet: str
    """The contact sheet (JPEG), relative to the storage root."""
    render_estimate_s: float
    """Seconds the video backend should take to render every shot, from its measured speed."""

    def panel(self, number: int) -> StoryboardPanel | None:
        return next((p for p in self.panels if p.number == number), None)


class JobResult(BaseModel):
    """What a finished job hands back to whoever asked for it."""

    job_id: str
    title: str
    files: JobFiles
    duration_s: float
    width: int
    height: int
    fps: int
    size_bytes: int
    shot_count: int
    scene_count: int
    stage_seconds: dict[Stage, float] = Field(default_factory=dict)
    cached_stages: list[Stage] = Field(default_factory=list)
    backends: dict[str, str] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    cost: CostReport = Field(default_factory=CostReport)
    storyboard: Storyboard | None = None
    made_shots: dict[Stage, list[str]] = Field(default_factory=dict)
    """Per stage, the shots whose artefacts this run made (the rest came from the cache)."""


StageEvent.model_rebuild()
