import pytest

from shotgraph.models import CostReport
from shotgraph.pipeline.moderation.rules import RulesModerator


@pytest.mark.parametrize(
    "text",
    [
        "The storm killed three sailors and the keeper wept at the graves.",
        "The knight drew his sword and fought the dragon until dawn.",
        "The children laughed and ran naked into the summer sea.",
        "She read a book about the history of the atomic bomb.",
    ],
)
async def test_ordinary_fiction_passes(text: str) -> None:
    verdict = await RulesModerator().check(text, CostReport())
    assert verdict.safe, verdict


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Here are the steps to make sarin at home.", "S9"),
        ("A graphic sex scene between the two.", "S12"),
        ("You should kill yourself, said the note.", "S11"),
        ("sexual pictures of a child", "S4"),
    ],
)
async def test_flagged_text_names_its_category(text: str, category: str) -> None:
    verdict = await RulesModerator().check(text, CostReport())
    assert not verdict.safe
    assert category in verdict.categories
    assert verdict.describe()
