import pytest

from shotgraph.models import Character
from shotgraph.pipeline.composition.timeline import (
    END_CARD_S,
    NARRATION_LEAD_S,
    NARRATION_TAIL_S,
    TITLE_CARD_S,
)
from shotgraph.pipeline.planning.rules.cast import Cast
from shotgraph.pipeline.planning.rules.compression import compress, word_budget
from shotgraph.pipeline.planning.rules.text import normalise, split_sentences, word_count
from tests.unit.pipeline.planning.planning_helpers import example, make_plan

LIGHTHOUSE_CAST = Cast([Character(name=n) for n in ("Ada", "Finn", "Jonah", "Nell", "Sam")])


def test_the_budget_leaves_room_for_cards_and_pauses() -> None:
    assert word_budget(60) < 60 * 2.5
    assert 100 < word_budget(60) < 130
    assert word_budget(120) > 2 * word_budget(60)
    assert word_budget(10) > 0


def test_a_story_that_fits_is_not_cut() -> None:
    sentences = split_sentences(normalise(example("night-market")))
    assert compress(sentences, Cast([]), budget=150) is None


@pytest.mark.parametrize("seconds", [30, 60, 240])
def test_a_long_story_is_cut_to_its_budget_keeping_order_and_arc(seconds: int) -> None:
    sentences = split_sentences(normalise(example("the-lighthouse-keeper")))
    budget = word_budget(seconds)
    kept = compress(sentences, LIGHTHOUSE_CAST, budget)
    assert kept is not None
    assert sum(word_count(s.text) for s in kept) <= budget
    texts = [s.text for s in sentences]
    positions = [texts.index(s.text) for s in kept]
    assert positions == sorted(positions)
    assert positions[0] == 0
    assert positions[-1] > len(sentences) * 3 // 4  # the ending is not lost
    assert kept[0].separator == ""


async def test_the_planner_compresses_to_roughly_the_film_length_asked_for() -> None:
    digest, plan = await make_plan(example("the-lighthouse-keeper"), target_length_s=90)
    assert digest.compressed
    assert {c.name for c in digest.characters} <= {"Ada", "Finn", "Jonah", "Sam", "Mr Hale", "Nell"}
    pauses = plan.shot_count * (NARRATION_LEAD_S + NARRATION_TAIL_S)
    film_s = TITLE_CARD_S + plan.duration_s + pauses + END_CARD_S
    assert 90 * 0.75 <= film_s <= 90 * 1.25
    # Paragraph breaks survive the cut, so scenes still have somewhere to split.
    assert "\n\n" in digest.text
    assert len(plan.scenes) >= 2


async def test_a_story_near_its_target_is_narrated_whole() -> None:
    story = example("the-fox-and-the-lantern")
    digest, _ = await make_plan(story, target_length_s=90)
    assert not digest.compressed
    assert digest.text == normalise(story)
