"""Progress messages: events folded into a view, and the view as text."""

from __future__ import annotations

from shotgraph.bot.progress import ProgressTracker, cost_text, film_summary, render_text
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
    text = render_text(view)
    # Correct English, said once, and no cost: this message is for the whole channel.
    assert text.splitlines()[1] == "Done: 1 min 21 s long, 2 scenes, 17 shots."
    assert "$" not in text
    assert cost_text(view.result) == "The LLM calls for this film cost $0.0123."
    assert film_summary(job_result("x", scene_count=1, shot_count=1)).endswith("1 scene, 1 shot")


def test_a_failure_before_any_stage_offers_a_retry_with_its_reason() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="failed", message="The film took longer than 1 seconds."))
    view = tracker.view()
    assert view.can_retry
    assert "Failed: The film took longer than 1 seconds." in render_text(view)


def test_a_failed_stage_gets_a_cross_and_its_reason_and_no_bar() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="stage_started", stage=Stage.VISUALS, at=100.0))
    tracker.apply(StageEvent(kind="stage_progress", stage=Stage.VISUALS, fraction=0.4))
    tracker.apply(StageEvent(kind="failed", message="The GPU ran out of memory."))
    view = tracker.view(now=200.0)
    text = render_text(view)
    assert "❌ Drawing the shots: The GPU ran out of memory." in text
    assert text.splitlines()[1] == "Failed at “Drawing the shots”."
    assert "▶️" not in text
    assert "░" not in text
    assert "left" not in text
    assert view.can_retry
    assert not view.refused


def test_a_safety_refusal_offers_an_edit_not_a_retry() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="stage_started", stage=Stage.SAFETY))
    tracker.apply(
        StageEvent(kind="failed", message="This story can't be filmed: it was flagged for S9.")
    )
    view = tracker.view()
    assert view.refused
    assert not view.can_retry
    text = render_text(view)
    assert "❌ Safety check: This story can't be filmed: it was flagged for S9." in text
    assert text.splitlines()[1].startswith("Refused by the safety check")


def test_a_cancel_mid_stage_stops_the_bar_and_the_estimate() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="stage_started", stage=Stage.COMPOSE, at=100.0))
    tracker.apply(StageEvent(kind="stage_progress", stage=Stage.COMPOSE, fraction=0.68))
    tracker.apply(StageEvent(kind="cancelled", message="Cancelled."))
    first = render_text(tracker.view(now=110.0))
    assert "⏹️ Putting the film together (stopped here)" in first
    assert "▶️" not in first
    assert "░" not in first
    assert "left" not in first
    # Nothing ticks on after the end: a later view says the same.
    assert render_text(tracker.view(now=500.0)) == first


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


def test_a_safety_service_that_fails_is_not_a_refusal() -> None:
    tracker = ProgressTracker(RECORD)
    tracker.apply(StageEvent(kind="stage_started", stage=Stage.SAFETY))
    tracker.apply(StageEvent(kind="failed", message="The safety stage failed: timed out"))
    view = tracker.view()
    assert not view.refused
    assert view.can_retry
