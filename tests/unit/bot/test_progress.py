"""Progress messages: events folded into a view, and the view as text."""

from __future__ import annotations

from shotgraph.bot.progress import ProgressTracker, render_text
from shotgraph.models import (
    CostLine,
    CostReport,
    JobResult,
    Stage,
    StageEvent,
    StoryRequest,
)
from shotgraph.queue.records import JobRecord, JobStatus, Owner
from tests.helpers.results import job_result

RECORD = JobRecord(
    job_id="abc123",
    owner=Owner(platform="telegram", user_id="1"),
    request=StoryRequest(story="Mara ran up the hill."),
    title="The Kite",
)


def result(cost: float) -> JobResult:
    lines = [CostLine(stage="shots", model="m", calls=1, dollars=cost)]
    return job_result(
        "abc123",
        duration_s=81.0,
        size_bytes=6_200_000,
        shot_count=17,
        scene_count=2,
        cost=CostReport(lines=lines),
    )


def test_queued_then_stages_then_done() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="queued", position=3))
    view = tracker.view()
    assert view.status is JobStatus.QUEUED
    assert render_text(view) == "🎬 The Kite\nIn the queue, position 3."

    tracker.apply(StageEvent(kind="stage_started", stage=Stage.PREPROCESS, at=100.0))
    tracker.apply(StageEvent(kind="stage_finished", stage=Stage.PREPROCESS, duration_s=0.4))
    tracker.apply(StageEvent(kind="stage_started", stage=Stage.SCENES, at=100.0))
    tracker.apply(StageEvent(kind="stage_progress", stage=Stage.SCENES, fraction=0.25))
    view = tracker.view(now=110.0)
    text = render_text(view)
    assert "✅ Reading the story (0 s)" in text
    assert "▶️ Finding the scenes  ▓▓▓░░░░░░░ 25%, about 30 s left" in text
    assert "▫️ Putting the film together" in text
    assert view.can_cancel
    assert not view.can_retry

    tracker.apply(StageEvent(kind="done", result=result(cost=0.0123)))
    view = tracker.view()
    assert not view.can_cancel
    assert render_text(view).splitlines()[1] == (
        "Done: 1 min 21 s of film, 2 scenes, 17 shots, 6.2 MB, LLM cost $0.0123."
    )


def test_a_failure_offers_a_retry_with_its_reason() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="failed", message="The story was flagged: violence (S1)."))
    view = tracker.view()
    assert view.can_retry
    assert "Failed: The story was flagged: violence (S1)." in render_text(view)


def test_views_differing_only_in_the_estimate_are_equal() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="stage_started", stage=Stage.VISUALS, at=100.0))
    tracker.apply(StageEvent(kind="stage_progress", stage=Stage.VISUALS, fraction=0.5))
    before = tracker.view(now=101.0)
    assert tracker.view(now=150.0) == before
    tracker.apply(StageEvent(kind="stage_progress", stage=Stage.VISUALS, fraction=0.6))
    assert tracker.view(now=101.0) != before


def test_a_requeued_job_keeps_its_finished_stages_and_says_why() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="stage_started", stage=Stage.PREPROCESS))
    tracker.apply(StageEvent(kind="stage_finished", stage=Stage.PREPROCESS, duration_s=1.0))
    tracker.apply(StageEvent(kind="queued", message="The worker is restarting."))
    text = render_text(tracker.view())
    assert "In the queue. The worker is restarting." in text
    assert "✅ Reading the story (1 s)" in text
