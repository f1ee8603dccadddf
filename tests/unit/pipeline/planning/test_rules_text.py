import pytest

from shotgraph.pipeline.planning.rules.text import (
    normalise,
    quote_spans,
    rebuild,
    split_sentences,
    split_to_fit,
    trim_words,
    word_count,
)
from tests.unit.pipeline.planning.planning_helpers import example


def texts(text: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text)]


def test_normalise_unifies_quotes_spaces_and_line_endings() -> None:
    story = "“Hello,”\tsaid  Tom.\r\n\r\n\r\nShe’s here.\u00a0Yes.  "
    assert normalise(story) == '"Hello," said Tom.\n\nShe\'s here. Yes.'


def test_normalise_joins_hard_wrapped_lines_but_keeps_paragraphs() -> None:
    story = "Anna walked\nto the mill and\nthen back home.\n\nAnna slept.\nThen she woke."
    assert (
        normalise(story)
        == "Anna walked to the mill and then back home.\n\nAnna slept.\nThen she woke."
    )


def test_normalise_keeps_list_items_apart_without_their_markers() -> None:
    story = "Things to pack:\n- a lantern\n* rope\n2) bread\n\n***\n\n# The road"
    assert normalise(story) == "Things to pack:\na lantern\nrope\nbread\n\nThe road"
    assert texts(normalise(story)) == ["Things to pack:", "a lantern", "rope", "bread", "The road"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Hale went home. He slept.", ["Mr. Hale went home.", "He slept."]),
        ("It was J. R. Smith. Nobody knew.", ["It was J. R. Smith.", "Nobody knew."]),
        (
            '"It is late. We should go," said Tom. Then he left.',
            ['"It is late. We should go," said Tom.', "Then he left."],
        ),
        ('"Run!" Mara cried. She ran.', ['"Run!" Mara cried.', "She ran."]),
        ('"Stop here." Mara laughed.', ['"Stop here."', "Mara laughed."]),
        ('"Who?" she asked.', ['"Who?" she asked.']),
        ("Wait... what was that? Nothing!", ["Wait... what was that?", "Nothing!"]),
        ("The price was 3.50 dollars. Cheap.", ["The price was 3.50 dollars.", "Cheap."]),
        ("«Привет», — сказала Маша. Было тихо.", ["«Привет», — сказала Маша.", "Было тихо."]),
        ("小明走进了森林。天很黑。", ["小明走进了森林。", "天很黑。"]),
        (
            "「だれかいるの？」と彼女は言った。夜だった。",
            ["「だれかいるの？」と彼女は言った。", "夜だった。"],
        ),
        ("他听到了声音！“谁在那里？”他问。", ["他听到了声音！", '"谁在那里？"他问。']),
        ("...!!! ??? Hello", ["...!!! ??? Hello"]),
    ],
)
def test_sentences_end_where_a_reader_expects(text: str, expected: list[str]) -> None:
    assert texts(normalise(text)) == expected


def test_sentences_know_their_paragraphs_and_separators() -> None:
    sentences = split_sentences("One. Two.\nThree.\n\nFour.")
    assert [(s.text, s.paragraph, s.separator) for s in sentences] == [
        ("One.", 0, ""),
        ("Two.", 0, " "),
        ("Three.", 0, "\n"),
        ("Four.", 1, "\n\n"),
    ]
    assert rebuild(sentences) == "One. Two.\nThree.\n\nFour."


@pytest.mark.parametrize(
    "name", ["the-fox-and-the-lantern", "the-lighthouse-keeper", "night-market"]
)
def test_splitting_any_run_of_sentences_again_gives_the_same_sentences(name: str) -> None:
    """Scenes are re-split from their own text; a boundary must never depend on what was cut."""
    sentences = split_sentences(normalise(example(name)))
    whole = [s.text for s in sentences]
    assert texts(rebuild(sentences)) == whole
    for start in range(0, len(sentences), 3):
        for end in range(start + 1, min(len(sentences), start + 12) + 1, 4):
            assert texts(rebuild(sentences[start:end])) == whole[start:end]


def test_quote_spans_pair_marks_and_ignore_apostrophes() -> None:
    line = "\"It's Tom's,\" she said, 'and the dogs' bone.'"
    spans = quote_spans(line)
    assert [line[a:b] for a, b in spans] == ["\"It's Tom's,\""]
    for line, quoted in [
        ("'Stop,' said Tom.", ["'Stop,'"]),
        ('He said "never', []),
        ("«Он сказал: „нет“», — ответила она.", ["«Он сказал: „нет“»"]),
    ]:
        assert [line[a:b] for a, b in quote_spans(line)] == quoted


def test_word_count_counts_chinese_characters_as_half_words() -> None:
    assert word_count("The fox's den, well-hidden.") == 4
    assert word_count("小明走进森林") == 3
    assert trim_words("one two three four", 2) == "one two…"
    assert trim_words("one two", 2) == "one two"


@pytest.mark.parametrize(
    ("text", "limit", "pieces"),
    [
        (
            "The ferry crossed the river slowly, past the mills and the warehouses, "
            "past the bridges, until the far bank rose out of the mist at last.",
            14,
            [
                "The ferry crossed the river slowly, past the mills and the warehouses,",
                "past the bridges, until the far bank rose out of the mist at last.",
            ],
        ),
        ("one two three four five six seven", 3, ["one two three", "four five six", "seven"]),
        ("小明走进了森林，天很黑。", 4, ["小明走进了森林，", "天很黑。"]),
    ],
)
def test_long_text_is_cut_after_clauses_into_pieces_that_fit(
    text: str, limit: int, pieces: list[str]
) -> None:
    assert split_to_fit(text, limit) == pieces
    assert all(word_count(piece) <= limit for piece in pieces)
