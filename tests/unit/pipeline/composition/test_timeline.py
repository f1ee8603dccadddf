from shotgraph.models import (
    CameraMove,
    Scene,
    Setting,
    Shot,
    ShotPlan,
    ShotType,
    Transition,
)
from shotgraph.pipeline.composition.timeline import (
    END_CARD_S,
    MIN_SHOT_S,
    NARRATION_LEAD_S,
    NARRATION_TAIL_S,
    TITLE_CARD_S,
    TRANSITION_S,
    build_timeline,
)


def _shot(duration: float, transition: Transition = Transition.CUT) -> Shot:
    return Shot(
        index=0,
        type=ShotType.WIDE,
        camera=CameraMove.PAN,
        duration_s=duration,
        visual_prompt="a hill",
        narration="Words.",
        transition=transition,
    )


def _plan() -> ShotPlan:
    return ShotPlan(
        title="T",
        scenes=[
            Scene(
                index=0,
                setting=Setting(location="hill"),
                shots=[_shot(3.0), _shot(4.0, Transition.CROSSFADE)],
            ),
            Scene(index=1, setting=Setting(location="sea"), shots=[_shot(5.0)]),
        ],
    )


def test_narration_sets_the_length_of_its_shot() -> None:
    timeline = build_timeline(_plan(), {"s000-00": 6.0, "s000-01": 1.9}, fps=24)
    first, second, third = timeline.shot_segments()
    assert first.frame_count == round((NARRATION_LEAD_S + 6.0 + NARRATION_TAIL_S) * 24)
    # Shorter than the plan's 4 s estimate: the voice wins, the picture does not run on.
    assert second.frame_count == round((NARRATION_LEAD_S + 1.9 + NARRATION_TAIL_S) * 24)
    assert third.frame_count == 5 * 24  # no narration recorded: the estimate stands


def test_a_short_line_still_gets_a_shot_long_enough_to_see() -> None:
    timeline = build_timeline(_plan(), {"s000-00": 0.3}, fps=24)
    assert timeline.shot_segments()[0].frame_count == round(MIN_SHOT_S * 24)


def test_crossfade_overlaps_and_cut_does_not() -> None:
    timeline = build_timeline(_plan(), {}, fps=24)
    title, first, second, third, end = timeline.segments
    assert title.frame_count == TITLE_CARD_S * 24
    assert first.start_frame == title.end_frame
    assert first.transition_in is Transition.FADE_BLACK
    assert second.start_frame == first.end_frame
    fade = round(TRANSITION_S * 24)
    assert third.transition_in is Transition.CROSSFADE
    assert third.start_frame == second.end_frame - fade
    assert end.start_frame == third.end_frame
    assert timeline.total_frames == end.end_frame
    assert timeline.duration_s == timeline.total_frames / 24
    assert end.frame_count == round(END_CARD_S * 24)


def test_voices_never_overlap_across_a_crossfade() -> None:
    timeline = build_timeline(_plan(), {"s000-01": 5.0, "s001-00": 3.0}, fps=30)
    second, third = timeline.shot_segments()[1:]
    second_voice_ends = timeline.narration_starts_s["s000-01"] + 5.0
    assert second_voice_ends <= timeline.narration_starts_s["s001-00"]
    assert timeline.narration_starts_s["s001-00"] == third.start_frame / 30 + NARRATION_LEAD_S
    assert "s000-00" not in timeline.narration_starts_s
    assert second.end_frame > third.start_frame
