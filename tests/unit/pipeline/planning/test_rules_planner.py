import pytest

from shotgraph.models import CostReport, ShotPlan, ShotType, StoryRequest
from shotgraph.pipeline.planning.protocol import Planner
from shotgraph.pipeline.planning.rules import RulesPlanner
from shotgraph.pipeline.planning.rules.text import split_sentences
from tests.unit.pipeline.planning.planning_helpers import (
    example,
    make_plan,
    narration,
    word_characters,
)

EXAMPLES = ["the-fox-and-the-lantern", "the-lighthouse-keeper", "night-market"]

ODD_STORIES = {
    "spanish": (
        "María caminaba sola por el bosque oscuro. «¿Dónde estás?», preguntó María. Nadie "
        "respondió.\n\nAl amanecer, María llegó al pueblo. Su hermano la esperaba en la puerta."
    ),
    "russian": (
        "Маша вышла из дома рано утром. «Привет», — сказала Маша соседу. Ночью в лесу было "
        "тихо, и Маша долго смотрела на звёзды."
    ),
    "chinese": (
        "小明走进了森林。天很黑。他听到了奇怪的声音！“谁在那里？”他问。第二天早上，他回到了村子。"
    ),
    "japanese": "夜の海は静かだった。少女は灯台を見上げた。「だれかいるの？」と彼女は言った。",
    "no names": "The rain fell all day. The river rose. By evening the bridge was gone.",
    "one sentence": "A cat sat in the sun.",
    "one word": "Goodbye",
    "list": "Things to pack:\n- a lantern\n- rope\n- bread\n\n1. Leave at dawn\n2. Cross the river",
    "dialogue only": '"Are you there?"\n"I am here."\n"Good. Stay close."\n"Always."',
    "long paragraph": " ".join(
        f"On day {n} the road went on past farms and fields and quiet villages, and the walkers "
        "sang to keep their spirits up while the carts creaked behind them."
        for n in range(1, 41)
    ),
    "punctuation": "...!!! ??? Hello — and then *** nothing.",
    "shouting": "THE END IS NEAR. RUN NOW. Bob said nothing.",
}


def test_the_rules_planner_is_a_planner() -> None:
    planner: Planner = RulesPlanner()
    assert planner.name == "rules"


@pytest.mark.parametrize("name", EXAMPLES)
async def test_example_stories_plan_into_valid_films(name: str) -> None:
    digest, plan = await make_plan(example(name), seed=1)
    again = ShotPlan.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert digest.language == "en"
    assert not digest.compressed
    assert plan.characters
    assert all(scene.shots for scene in plan.scenes)
    known = {character.name for character in plan.characters}
    for ref in plan.shots():
        assert set(ref.shot.characters) <= known
        assert {line.speaker for line in ref.shot.narration} - {None} <= known
        assert ref.shot.narration


@pytest.mark.parametrize("name", EXAMPLES)
async def test_narration_says_every_sentence_once_and_in_order(name: str) -> None:
    digest, plan = await make_plan(example(name))
    assert narration(plan) == " ".join(digest.text.split())
    said = narration(plan)
    cursor = 0
    for sentence in split_sentences(digest.text):
        found = said.find(sentence.text, cursor)
        assert found >= cursor, sentence.text
        cursor = found + len(sentence.text)


async def test_dialogue_is_spoken_by_its_characters() -> None:
    _, plan = await make_plan(example("the-fox-and-the-lantern"))
    lines = [(line.speaker, line.text) for ref in plan.shots() for line in ref.shot.narration]
    assert ("Pell", '"Mine,"') in lines
    assert ("Orla", '"My burrow has flooded and my lamp is lost,"') in lines
    assert ("Pell", '"But walk slowly, so the flame does not go out."') in lines
    assert ("Orla", '"Then walk with me, little fox, and we will both have light."') in lines
    assert all(not text.startswith('"') for speaker, text in lines if speaker is None)


async def test_the_same_story_and_seed_give_the_same_plan() -> None:
    story = example("the-lighthouse-keeper")
    _, first = await make_plan(story, seed=42)
    _, second = await make_plan(story, seed=42)
    assert first.model_dump_json() == second.model_dump_json()


async def test_seeds_vary_the_camera_but_not_the_story() -> None:
    story = example("the-fox-and-the-lantern")
    plans = [(await make_plan(story, seed=seed))[1] for seed in range(4)]
    cameras = {tuple((r.shot.camera, r.shot.direction) for r in p.shots()) for p in plans}
    assert len(cameras) > 1
    assert len({narration(p) for p in plans}) == 1
    assert len({tuple(s.source_text for s in p.scenes) for p in plans}) == 1


async def test_the_language_comes_from_the_request() -> None:
    digest, plan = await make_plan(ODD_STORIES["spanish"], language="es")
    assert digest.language == plan.language == "es"
    digest, _ = await make_plan(ODD_STORIES["spanish"], language="pt")
    assert digest.language == "pt"  # the request's word wins over what the text looks like


@pytest.mark.parametrize(("name", "language"), [("spanish", "es"), ("russian", "ru")])
async def test_a_story_without_a_language_is_detected(name: str, language: str) -> None:
    digest, plan = await make_plan(ODD_STORIES[name])
    assert digest.language == plan.language == language


@pytest.mark.parametrize("name", list(ODD_STORIES))
async def test_odd_stories_still_plan_into_valid_films(name: str) -> None:
    story = ODD_STORIES[name]
    digest, plan = await make_plan(story, seed=3)
    assert plan.scenes
    assert plan.shot_count >= 1
    assert word_characters(narration(plan)) == word_characters(digest.text)
    assert set(word_characters(digest.text)) <= set(word_characters(story))
    for scene in plan.scenes:
        assert scene.shots[0].type in (ShotType.EXTREME_WIDE, ShotType.WIDE)
    assert all(2.0 <= ref.shot.duration_s <= 8.0 for ref in plan.shots())
    lines = [line.text for ref in plan.shots() for line in ref.shot.narration]
    assert all(any(ch.isalnum() for ch in line) for line in lines)  # nothing silent to speak
    assert ShotPlan.model_validate(plan.model_dump()) == plan


async def test_stories_without_capitalised_names_get_no_invented_characters() -> None:
    for name in ("chinese", "japanese", "no names", "list", "dialogue only", "long paragraph"):
        digest, _ = await make_plan(ODD_STORIES[name])
        assert digest.characters == [], name


async def test_a_long_paragraph_is_cut_into_scenes_and_short_shots() -> None:
    _, plan = await make_plan(ODD_STORIES["long paragraph"])
    assert len(plan.scenes) >= 3
    assert plan.shot_count >= 40


async def test_the_planner_takes_a_request_as_the_orchestrator_sends_it() -> None:
    planner = RulesPlanner()
    request = StoryRequest(
        story="  Mara ran to the sea.\r\nShe laughed, and Mara  sat down. ", seed=9
    )
    digest = await planner.preprocess(request.story, request, CostReport())
    scenes = await planner.scenes(digest, request, CostReport())
    shots = await planner.shots(scenes[0], digest, request, CostReport())
    assert digest.text == "Mara ran to the sea.\nShe laughed, and Mara sat down."
    assert [c.name for c in digest.characters] == ["Mara"]
    assert scenes[0].setting.place.value == "sea"
    assert " ".join(shot.narration_text for shot in shots) == " ".join(digest.text.split())
