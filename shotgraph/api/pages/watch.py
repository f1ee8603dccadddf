"""What the watch page shows, gathered from the job's record and folder into one model, so the
template only lays it out and tests can read the same facts the page shows."""

from __future__ import annotations

import asyncio
import datetime as dt

from pydantic import BaseModel, ValidationError

from shotgraph.api.links import SignedLink
from shotgraph.api.pages.stills import shot_times
from shotgraph.config import Settings
from shotgraph.durations import spell_seconds
from shotgraph.models import CostLine, JobResult, ShotPlan
from shotgraph.pipeline.speech.casting import Casting, Part, cast_plan
from shotgraph.queue.records import JobRecord
from shotgraph.sizes import spell_bytes
from shotgraph.storage import Storage, local_copy

# The description under a link preview: chat apps cut it around here.
_DESCRIPTION_CHARS = 200


class SpokenLineView(BaseModel):
    speaker: str | None
    text: str


class ShotCard(BaseModel):
    """One storyboard panel: its number in film order, where it starts, and what is said."""

    number: int
    shot_id: str
    scene_number: int
    kind: str
    start_s: float
    start_label: str
    image_url: str
    lines: list[SpokenLineView]


class CastCard(BaseModel):
    name: str
    description: str
    voice: str
    image_url: str | None = None


class VersionLink(BaseModel):
    number: int
    length: str
    url: str
    playing: bool


class CostRow(BaseModel):
    stage: str
    model: str
    calls: int
    tokens: int
    dollars: str


class WatchPage(BaseModel):
    """Links inside the page are relative to it (`<token>/film.mp4`), so the page works behind
    any proxy path; the preview tags need absolute ones, made from API_PUBLIC_URL."""

    title: str
    author: str
    made_on: str
    page_url: str
    public_film_url: str
    public_poster_url: str
    film_url: str
    poster_url: str
    subtitles_url: str
    language: str
    width: int
    height: int
    length: str
    size: str
    description: str
    expires_at: dt.datetime
    expires_label: str
    shots: list[ShotCard]
    cast: list[CastCard]
    versions: list[VersionLink]
    backends: dict[str, str]
    cost_rows: list[CostRow]
    cost_total: str
    notes: list[str]


def watch_page(
    settings: Settings,
    record: JobRecord,
    result: JobResult,
    plan: ShotPlan | None,
    token: str,
    link: SignedLink,
) -> WatchPage:
    now = dt.datetime.now(dt.UTC)
    page_url = f"{settings.api_public_url.rstrip('/')}/v/{token}"
    return WatchPage(
        title=result.title,
        author=record.owner.display_name,
        made_on=_day(dt.datetime.fromtimestamp(record.created_at, dt.UTC)),
        page_url=page_url,
        public_film_url=f"{page_url}/film.mp4",
        public_poster_url=f"{page_url}/thumbnail.jpg",
        film_url=f"{token}/film.mp4",
        poster_url=f"{token}/thumbnail.jpg",
        subtitles_url=f"{token}/subtitles.vtt",
        language=plan.language if plan else (record.request.language or "en"),
        width=result.width,
        height=result.height,
        length=spell_seconds(result.duration_s),
        size=spell_bytes(result.size_bytes),
        description=_description(result, plan),
        expires_at=link.expires_at,
        expires_label=_expiry(link.expires_at, now),
        shots=_shots(plan, result, token) if plan else [],
        cast=_cast(plan, settings, result, token) if plan else [],
        versions=_versions(record, result, token),
        backends=result.backends,
        cost_rows=[_cost_row(line) for line in result.cost.lines],
        cost_total=f"${result.cost.total_dollars:.4f}",
        notes=result.notes,
    )


async def load_plan(settings: Settings, store: Storage, result: JobResult) -> ShotPlan | None:
    """The plan as filmed; None when it is gone (the film outlived its working files)."""
    path = await asyncio.to_thread(local_copy, store, result.files.plan, settings)
    try:
        return ShotPlan.model_validate_json(path.read_bytes()) if path else None
    except ValidationError:
        return None


def _description(result: JobResult, plan: ShotPlan | None) -> str:
    summary = (
        f"A {spell_seconds(result.duration_s)} film in {result.shot_count} shots, "
        "made with ShotGraph."
    )
    spoken = (line.text for ref in plan.shots() for line in ref.shot.narration) if plan else ()
    first_line = next(iter(spoken), "")
    text = f"{first_line} {summary}".strip()
    return text if len(text) <= _DESCRIPTION_CHARS else text[: _DESCRIPTION_CHARS - 1] + "…"


def _day(when: dt.datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def _expiry(expires_at: dt.datetime, now: dt.datetime) -> str:
    left = (expires_at - now).total_seconds()
    until = f"{_day(expires_at)}, {expires_at:%H:%M} UTC"
    days = round(left / 86_400)
    return f"{until} (in {spell_seconds(left) if days < 2 else f'{days} days'})"


def _shots(plan: ShotPlan, result: JobResult, token: str) -> list[ShotCard]:
    times = shot_times(plan, result.fps)
    return [
        ShotCard(
            number=number,
            shot_id=ref.id,
            scene_number=ref.scene.index + 1,
            kind=ref.shot.type.value.replace("_", " "),
            start_s=round(times[ref.id].start_s, 2),
            start_label=_clock(times[ref.id].start_s),
            image_url=f"{token}/shots/{ref.id}.jpg",
            lines=[
                SpokenLineView(speaker=line.speaker, text=line.text) for line in ref.shot.narration
            ],
        )
        for number, ref in enumerate(plan.shots(), start=1)
    ]


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _cast(plan: ShotPlan, settings: Settings, result: JobResult, token: str) -> list[CastCard]:
    casting = cast_plan(plan) if settings.tts_character_voices else Casting()
    references = result.storyboard.references if result.storyboard else {}
    return [
        CastCard(
            name=character.name,
            description=character.description,
            voice=_voice(casting.part(character.name)),
            image_url=f"{token}/cast/{number}.jpg" if character.name in references else None,
        )
        for number, character in enumerate(plan.characters, start=1)
    ]


def _versions(record: JobRecord, result: JobResult, token: str) -> list[VersionLink]:
    """Every film the job made (after retakes), when there is more than the one playing."""
    if len(record.versions) < 2:
        return []
    return [
        VersionLink(
            number=number,
            length=spell_seconds(version.duration_s),
            url=f"{token}/film.mp4?v={number}",
            playing=version.files.video == result.files.video,
        )
        for number, version in enumerate(record.versions, start=1)
    ]


_VOICES = {
    ("female", "child"): "a girl's voice",
    ("male", "child"): "a boy's voice",
    ("female", "adult"): "a woman's voice",
    ("male", "adult"): "a man's voice",
    ("female", "elder"): "an old woman's voice",
    ("male", "elder"): "an old man's voice",
}


def _voice(part: Part | None) -> str:
    """The character's part, as the casting gave it (the same on every speech backend)."""
    if part is None:
        return "the narrator's voice"
    return _VOICES[part.gender, part.age]


def _cost_row(line: CostLine) -> CostRow:
    return CostRow(
        stage=line.stage,
        model=line.model,
        calls=line.calls,
        tokens=line.input_tokens + line.output_tokens,
        dollars=f"${line.dollars:.4f}",
    )
