import pytest

from shotgraph.models import Character
from shotgraph.pipeline.planning.rules.cast import Cast
from shotgraph.pipeline.planning.rules.dialogue import SpeakerMemory, paragraph_lines

CAST = Cast(
    [
        Character(name="Mara", gender="female"),
        Character(name="Tom", gender="male", aliases=["Old Tom"]),
        Character(name="Маша", gender="female"),
    ]
)


def said(*sentences: str) -> list[list[tuple[str | None, str]]]:
    """Each sentence's lines as (speaker, text), for one paragraph."""
    lines = paragraph_lines(list(sentences), CAST, SpeakerMemory())
    return [[(line.speaker, line.text) for line in sentence] for sentence in lines]


@pytest.mark.parametrize(
    ("sentence", "lines"),
    [
        (
            '"Hold the string tight," said Tom.',
            [("Tom", '"Hold the string tight,"'), (None, "said Tom.")],
        ),
        ('"Look!" Mara cried.', [("Mara", '"Look!"'), (None, "Mara cried.")]),
        ('Mara said, "Come here."', [(None, "Mara said,"), ("Mara", '"Come here."')]),
        (
            '"Hello," said Old Tom, "how are you?"',
            [("Tom", '"Hello,"'), (None, "said Old Tom,"), ("Tom", '"how are you?"')],
        ),
        ("«Привет», — сказала Маша.", [("Маша", "«Привет», —"), (None, "сказала Маша.")]),
        (
            '"Who goes there?" asked the stranger.',
            [(None, '"Who goes there?" asked the stranger.')],
        ),
        ("Mara ran up the hill.", [(None, "Mara ran up the hill.")]),
    ],
)
def test_tagged_speech_goes_to_its_speaker(sentence: str, lines: list) -> None:
    assert said(sentence) == [lines]


def test_lines_are_the_sentence_itself_cut_into_pieces() -> None:
    sentence = '"Stay," said Mara, "the storm is close." Tom nodded.'
    assert " ".join(text for _, text in said(sentence)[0]) == sentence


def test_a_pronoun_tag_finds_the_last_named_character_of_that_gender() -> None:
    assert said("Tom knocked at the door.", '"Let me in," she said.')[1][0] == (
        None,
        '"Let me in," she said.',
    )
    assert said("Mara knocked at the door.", '"Let me in," she said.')[1][0] == (
        "Mara",
        '"Let me in,"',
    )


def test_an_untagged_quote_goes_to_whoever_acted_just_before_else_the_last_speaker() -> None:
    lines = said('"Take it," said Tom.', '"But walk slowly."', "Mara laughed.", '"Walk with me."')
    assert lines[1] == [("Tom", '"But walk slowly."')]
    assert lines[3] == [("Mara", '"Walk with me."')]


def test_an_untagged_quote_opening_a_paragraph_goes_to_whoever_acts_next() -> None:
    assert said('"Not tonight."', "She sat back on her heels.", "Mara sighed.")[0] == [
        (None, '"Not tonight."')
    ]
    memory = SpeakerMemory()
    paragraph_lines(["Mara came in."], CAST, memory)
    lines = paragraph_lines(['"Not tonight."', "She sat back on her heels."], CAST, memory)
    assert lines[0][0].speaker == "Mara"


def test_speech_nobody_can_be_given_stays_with_the_narrator() -> None:
    assert said('"Are you there?"', '"I am here."') == [
        [(None, '"Are you there?"')],
        [(None, '"I am here."')],
    ]
