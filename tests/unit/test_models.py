import pytest
from pydantic import ValidationError

from shotgraph.models import (
    Scene,
    Setting,
    Shot,
    ShotPlan,
    ShotType,
    StageEvent,
    StoryRequest,
    seed_of,
    shot_id,
)
from tests.helpers.results import job_result


def _shot(index: int = 0, narration: object = "Hello.") -> Shot:
    return Shot(
        index=index,
        type=ShotType.CLOSE_UP,
        duration_s=3,
        visual_prompt="a face",
        narration=narration,
    )


def test_story_request_validates_its_fields() -> None:
    request = StoryRequest(story="  A tale.  ", aspect="9:16", language="es")
    assert request.story == "A tale."
    for bad in (
        {"story": ""},
        {"story": "x", "aspect": "4:3"},
        {"story": "x", "language": "Spanish"},
        {"story": "x", "seed": -1},
        {"story": "x", "target_length_s": 1},
    ):
        with pytest.raises(ValidationError):
            StoryRequest(**bad)


def test_fingerprint_is_stable_and_content_sensitive() -> None:
    a, b = StoryRequest(story="A tale."), StoryRequest(story="A tale.")
    assert a.fingerprint() == b.fingerprint()
    assert a.fingerprint() != StoryRequest(story="A tale.", seed=1).fingerprint()


def test_narration_accepts_plain_text_or_lines() -> None:
    assert _shot(narration="Hello there.").narration_text == "Hello there."
    assert _shot(narration="   ").narration == []
    lines = _shot(narration=[{"text": "Run!", "speaker": "Mara"}, {"text": "She ran."}])
    assert [line.speaker for line in lines.narration] == ["Mara", None]
    assert lines.narration_text == "Run! She ran."


def test_plan_numbers_scenes_and_shots_by_order() -> None:
    plan = ShotPlan(
        title="T",
        scenes=[
            Scene(index=7, setting=Setting(location="a"), shots=[_shot(5), _shot(5)]),
            Scene(index=7, setting=Setting(location="b"), shots=[_shot(9)]),
        ],
    )
    assert [ref.id for ref in plan.shots()] == ["s000-00", "s000-01", "s001-00"]
    assert plan.shot_count == 3
    assert plan.duration_s == 9


def test_shot_ids_sort_in_film_order() -> None:
    ids = [shot_id(s, k) for s in (0, 1, 10) for k in (0, 2, 11)]
    assert ids == sorted(ids)


def test_stage_event_carries_a_result_round_trip() -> None:
    result = job_result("j")
    event = StageEvent(kind="done", fraction=1.0, result=result)
    assert StageEvent.model_validate_json(event.model_dump_json()) == event


def test_seeds_are_stable_and_fit_every_generator() -> None:
    seeds = {seed_of(7, "character", name) for name in ("Mara", "Tom", "Fox")}
    assert len(seeds) == 3
    assert all(0 <= seed < 2**31 for seed in seeds)
    assert seed_of(7, "character", "Mara") == seed_of(7, "character", "Mara")
