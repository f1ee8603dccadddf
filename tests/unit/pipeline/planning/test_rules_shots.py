import asyncio
from itertools import pairwise

import pytest

from shotgraph.models import CameraMove, Direction, ShotPlan, ShotType, Transition
from shotgraph.pipeline.planning.rules.prompts import MAX_PROMPT_CHARS
from shotgraph.pipeline.planning.rules.shots import MAX_SHOT_S, MIN_SHOT_S
from shotgraph.pipeline.planning.rules.text import WORDS_PER_SECOND, word_count
from tests.unit.pipeline.planning.planning_helpers import example, make_plan

CLOSE = {ShotType.CLOSE_UP, ShotType.MEDIUM_CLOSE_UP, ShotType.EXTREME_CLOSE_UP}


@pytest.fixture(scope="module")
def lighthouse() -> ShotPlan:
    _, plan = asyncio.run(make_plan(example("the-lighthouse-keeper"), seed=5))
    return plan


async def test_every_scene_opens_on_an_establishing_wide_shot(lighthouse: ShotPlan) -> None:
    for scene in lighthouse.scenes:
        opening = scene.shots[0]
        assert opening.type in (ShotType.EXTREME_WIDE, ShotType.WIDE)
        assert opening.camera in (CameraMove.PAN, CameraMove.PULL_OUT)
        assert opening.visual_prompt.startswith("establishing ")
    interiors = [s for s in lighthouse.scenes if s.setting.place.value == "interior"]
    assert interiors
    assert all(s.shots[0].type is ShotType.WIDE for s in interiors)


async def test_shots_last_as_long_as_their_narration_within_bounds(lighthouse: ShotPlan) -> None:
    for ref in lighthouse.shots():
        shot = ref.shot
        assert MIN_SHOT_S <= shot.duration_s <= MAX_SHOT_S
        said = word_count(shot.narration_text)
        assert said <= MAX_SHOT_S * WORDS_PER_SECOND
        if said / WORDS_PER_SECOND > 3.0:
            assert shot.duration_s == pytest.approx(said / WORDS_PER_SECOND, abs=0.06)


async def test_the_camera_closes_in_on_speakers_and_turns_for_replies(lighthouse: ShotPlan) -> None:
    speaking = [
        ref.shot for ref in lighthouse.shots() if any(line.speaker for line in ref.shot.narration)
    ]
    assert speaking
    for shot in speaking:
        speaker = next(line.speaker for line in shot.narration if line.speaker)
        assert shot.characters[0] == speaker
        assert shot.type in CLOSE | {ShotType.OVER_THE_SHOULDER}
    replies = [shot for shot in speaking if shot.type is ShotType.OVER_THE_SHOULDER]
    assert replies
    for shot in replies:
        speaker, listener = shot.characters
        assert speaker != listener
        assert f"over the shoulder of {listener}" in shot.visual_prompt


async def test_inserts_cut_away_to_objects_now_and_then(lighthouse: ShotPlan) -> None:
    inserts = [ref.shot for ref in lighthouse.shots() if ref.shot.type is ShotType.INSERT]
    assert 1 <= len(inserts) <= lighthouse.shot_count // 4
    for shot in inserts:
        assert shot.characters == []
        assert "insert shot, detail of the " in shot.visual_prompt


async def test_cameras_and_directions_fit_the_shot(lighthouse: ShotPlan) -> None:
    for ref in lighthouse.shots():
        shot = ref.shot
        if shot.type in CLOSE | {ShotType.OVER_THE_SHOULDER}:
            assert shot.camera in (CameraMove.PUSH_IN, CameraMove.STATIC)
        if shot.camera is CameraMove.TILT:
            assert shot.direction in (Direction.UP, Direction.DOWN)
        if shot.camera in (CameraMove.PAN, CameraMove.DOLLY, CameraMove.ORBIT):
            assert shot.direction in (Direction.LEFT, Direction.RIGHT)
        assert 0.0 < shot.motion_strength < 1.0
    tense = [s for s in lighthouse.scenes if s.setting.mood.value == "tense"]
    calm = [s for s in lighthouse.scenes if s.setting.mood.value == "calm"]

    def average(scenes: list) -> float:
        strengths = [shot.motion_strength for scene in scenes for shot in scene.shots]
        return sum(strengths) / len(strengths)

    assert average(tense) > average(calm)


async def test_transitions_cut_inside_scenes_and_fade_on_jumps_in_time(
    lighthouse: ShotPlan,
) -> None:
    scenes = lighthouse.scenes
    for scene in scenes:
        assert all(shot.transition is Transition.CUT for shot in scene.shots[:-1])
    exits = {
        following.source_text.split(",")[0].split(" the")[0]: scene.shots[-1].transition
        for scene, following in pairwise(scenes)
    }
    assert exits["Meanwhile"] is Transition.CROSSFADE
    assert exits["Back at"] is Transition.CROSSFADE
    assert exits["At dawn"] is Transition.FADE_BLACK
    assert exits["The next morning"] is Transition.FADE_BLACK
    assert scenes[-1].shots[-1].transition is Transition.FADE_BLACK


async def test_prompts_describe_the_shot_the_setting_and_who_is_in_it(lighthouse: ShotPlan) -> None:
    for ref in lighthouse.shots():
        shot, setting = ref.shot, ref.scene.setting
        prompt = shot.visual_prompt
        assert len(prompt) <= MAX_PROMPT_CHARS
        assert setting.location in prompt
        assert prompt.endswith("storybook style")
        assert all(name in prompt for name in shot.characters)
        assert "watermark" in shot.negative_prompt
        assert "extra limbs" in shot.negative_prompt
    hale = next(ref.shot for ref in lighthouse.shots() if ref.shot.characters == ["Mr Hale"])
    assert "Mr Hale (the harbour master)" in hale.visual_prompt
    night = next(s for s in lighthouse.scenes if s.setting.time_of_day.value == "night")
    assert "moonlight" in night.shots[0].visual_prompt


async def test_a_sentence_too_long_for_one_shot_is_spread_over_several() -> None:
    long_sentence = (
        "The old ferry crossed the wide grey river slowly, past the mills and the warehouses, "
        "past the bridges and the barges, until the far bank rose out of the mist at last."
    )
    _, plan = await make_plan(long_sentence)
    shots = plan.scenes[0].shots
    assert len(shots) >= 2
    assert all(shot.duration_s <= MAX_SHOT_S for shot in shots)
    assert " ".join(shot.narration_text for shot in shots) == long_sentence


async def test_the_style_of_the_request_reaches_every_prompt() -> None:
    _, plan = await make_plan(example("night-market"), style="ink wash painting", aspect="9:16")
    assert all(ref.shot.visual_prompt.endswith("ink wash painting style") for ref in plan.shots())
    assert plan.aspect.value == "9:16"
