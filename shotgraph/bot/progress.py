"""A job's progress as a chat shows it: events folded into a view, and the view as text.

Both bots edit one message per job from the same `ProgressView`; Telegram sends
`render_text`, Discord builds an embed from the same fields. Views compare equal when nothing
visible changed, which is how adapters skip edits that would say the same thing.
"""

from __future__ import annotations

import time
from typing import Literal

from pydantic import BaseModel, Field

from shotgraph.durations import spell_seconds
from shotgraph.models import JobResult, Stage, StageEvent
from shotgraph.pipeline.llm.cost import spell_cost
from shotgraph.queue.records import JobRecord, JobStatus

STAGE_LABELS: dict[Stage, str] = {
    Stage.PREPROCESS: "Reading the story",
    Stage.SCENES: "Finding the scenes",
    Stage.SHOTS: "Planning the shots",
    Stage.SAFETY: "Safety check",
    Stage.NARRATION: "Recording the narration",
    Stage.STORYBOARD: "Drawing the storyboard",
    Stage.VISUALS: "Drawing the shots",
    Stage.MUSIC: "Scoring the music",
    Stage.COMPOSE: "Putting the film together",
}
# Below this share done, a stage's time-left guess is noise.
_MIN_FRACTION_FOR_ESTIMATE = 0.05
_BAR_CELLS = 10

# "failed" and "stopped" belong to a finished job: the stage it ended in, with no bar.
StageState = Literal["waiting", "running", "done", "failed", "stopped"]


class StageLine(BaseModel):
    stage: Stage
    label: str
    state: StageState = "waiting"
    fraction: float = 0.0
    seconds: float | None = None
    reason: str | None = None
    """Why the job ended in this stage (a failed one)."""
    seconds_left: float | None = Field(default=None, exclude=True)
    """Excluded from comparisons: a ticking estimate alone is no reason to edit a message."""


class ProgressView(BaseModel):
    job_id: str
    title: str
    status: JobStatus
    position: int | None = None
    note: str = ""
    stages: list[StageLine]
    error: str | None = None
    result: JobResult | None = None

    @property
    def can_cancel(self) -> bool:
        return not self.status.finished

    @property
    def refused(self) -> bool:
        """The safety check turned the story down: the same story would be refused again,
        so the way on is to change it, not to try again. (Its refusals say what the story
        was "flagged for"; the safety service itself failing is not a refusal.)"""
        return (
            self.status is JobStatus.FAILED
            and "flagged" in (self.error or "")
            and any(line.stage is Stage.SAFETY and line.state == "failed" for line in self.stages)
        )

    @property
    def can_retry(self) -> bool:
        return self.status is JobStatus.FAILED and not self.refused

    @property
    def running(self) -> StageLine | None:
        return next((line for line in self.stages if line.state == "running"), None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProgressView):
            return NotImplemented
        return self.model_dump() == other.model_dump()


class ProgressTracker:
    """Folds a job's events, in stream order, into what its progress message should say."""

    def __init__(self, record: JobRecord) -> None:
        self.job_id = record.job_id
        self.title = record.title
        self.status = record.status
        self.position: int | None = None
        self.note = ""
        self.error = record.error if record.status is JobStatus.FAILED else None
        self.result = record.result
        self._lines = {stage: StageLine(stage=stage, label=STAGE_LABELS[stage]) for stage in Stage}
        self._started_at: dict[Stage, float] = {}

    def apply(self, event: StageEvent) -> None:
        if event.kind == "queued":
            self.status = JobStatus.QUEUED
            self.position = event.position
            self.note = event.message
        elif event.kind == "storyboard":
            self.status = JobStatus.AWAITING_APPROVAL
            self.position = None
            self.note = event.message
        elif event.kind in ("stage_started", "stage_progress", "stage_finished"):
            self.status = JobStatus.RUNNING
            self.position = None
            self.note = ""
            if event.stage is not None:
                self._apply_stage(event)
        else:
            self.status = JobStatus(event.kind)
            self.note = event.message
            self.result = event.result or self.result
            self.error = event.message if event.kind == "failed" else None

    def _apply_stage(self, event: StageEvent) -> None:
        assert event.stage is not None
        line = self._lines[event.stage]
        if event.kind == "stage_started":
            line.state, line.fraction, line.seconds = "running", 0.0, None
            self._started_at[event.stage] = event.at
        elif event.kind == "stage_progress":
            line.state, line.fraction = "running", event.fraction
        else:
            line.state, line.fraction, line.seconds = "done", 1.0, event.duration_s

    def view(self, now: float | None = None) -> ProgressView:
        now = time.time() if now is None else now
        stages = [line.model_copy() for line in self._lines.values()]
        if self.status.finished:
            # A finished job runs nothing: the stage it ended in says how, with no bar.
            ended: StageState = "failed" if self.status is JobStatus.FAILED else "stopped"
            for line in stages:
                if line.state == "running":
                    line.state = ended
                    line.reason = self.error if ended == "failed" else None
        for line in stages:
            if line.state == "running" and line.fraction >= _MIN_FRACTION_FOR_ESTIMATE:
                elapsed = now - self._started_at.get(line.stage, now)
                line.seconds_left = max(0.0, elapsed / line.fraction - elapsed)
        return ProgressView(
            job_id=self.job_id,
            title=self.title,
            status=self.status,
            position=self.position,
            note=self.note,
            stages=stages,
            error=self.error,
            result=self.result,
        )


def bar(fraction: float) -> str:
    filled = int(min(max(fraction, 0.0), 1.0) * _BAR_CELLS + 0.5)
    return "▓" * filled + "░" * (_BAR_CELLS - filled)


def plural(count: int, noun: str) -> str:
    """`1 scene`, `2 scenes`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def film_summary(result: JobResult) -> str:
    """The film's length, scenes and shots, in one line fit for a public channel."""
    return (
        f"{spell_seconds(result.duration_s)} long, {plural(result.scene_count, 'scene')}, "
        f"{plural(result.shot_count, 'shot')}"
    )


def cost_text(result: JobResult) -> str:
    """What the film's LLM calls cost: for its author's eyes (and the API), never a channel."""
    if not result.cost.lines:
        return "This film made no paid LLM calls."
    return f"The LLM calls for this film cost {spell_cost(result.cost)}."


def status_line(view: ProgressView) -> str:
    """The one line under the title that says where the job is."""
    if view.status is JobStatus.QUEUED:
        where = f"In the queue, position {view.position}" if view.position else "In the queue"
        return f"{where}. {view.note}".strip()
    if view.status is JobStatus.DONE and view.result is not None:
        return f"Done: {film_summary(view.result)}."
    if view.status is JobStatus.FAILED:
        if view.refused:
            return "Refused by the safety check: change the story and send it again."
        failed = next((line for line in view.stages if line.state == "failed"), None)
        if failed is not None:
            return f"Failed at “{failed.label}”."
        return f"Failed: {view.error or 'the worker gave up'}"
    if view.status is JobStatus.CANCELLED:
        return f"Cancelled. {view.note}".strip() if view.note != "Cancelled." else "Cancelled."
    if view.status is JobStatus.AWAITING_APPROVAL:
        return "The storyboard is ready: render it, or re-roll or edit a shot first."
    return "Rendering…"


_MARKS: dict[StageState, str] = {
    "waiting": "▫️",
    "running": "▶️",
    "done": "✅",
    "failed": "❌",
    "stopped": "⏹️",
}


def stage_text(line: StageLine) -> str:
    text = f"{_MARKS[line.state]} {line.label}"
    if line.state == "running":
        text += f"  {bar(line.fraction)} {line.fraction:.0%}"
        if line.seconds_left is not None:
            text += f", about {spell_seconds(line.seconds_left)} left"
    elif line.state == "done" and line.seconds is not None:
        text += f" ({spell_seconds(line.seconds)})"
    elif line.state == "failed" and line.reason:
        text += f": {line.reason}"
    elif line.state == "stopped":
        text += " (stopped here)"
    return text


def render_text(view: ProgressView) -> str:
    """The whole progress message as plain text (no markup to escape)."""
    lines = [f"🎬 {view.title}", status_line(view)]
    if view.status is not JobStatus.QUEUED or any(line.state != "waiting" for line in view.stages):
        lines.append("")
        lines.extend(stage_text(line) for line in view.stages)
    return "\n".join(lines)
