from pathlib import Path

import pytest

from shotgraph.errors import InvalidStory
from shotgraph.intake import clean_story, decode_story, read_story_file, split_title

LIMIT = 200_000


def test_decodes_utf8_and_strips_bom_and_crlf() -> None:
    data = "\ufeffOnce upon a time.\r\nThe end.\r\n".encode()
    assert decode_story(data, LIMIT) == "Once upon a time.\nThe end."


def test_decodes_utf16_with_bom() -> None:
    assert decode_story("Érase una vez.".encode("utf-16"), LIMIT) == "Érase una vez."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"   \n\t  \n", "is empty"),
        (b"1234 !!! ...", "no words"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (bytes(range(1, 32)) * 10 + b"abc", "binary file"),
        (b"caf\xe9 au lait", "not UTF-8 text (byte 0xe9 at position 3)"),
    ],
)
def test_bad_stories_get_one_clear_sentence(data: bytes, message: str) -> None:
    with pytest.raises(InvalidStory, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode_story(data, LIMIT)


def test_oversized_story_names_the_limit() -> None:
    with pytest.raises(InvalidStory, match="the limit is 200 KB"):
        decode_story(b"word " * 50_000, LIMIT)


def test_read_story_file_reports_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidStory, match="There is no story file"):
        read_story_file(str(tmp_path / "nope.txt"), LIMIT)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 300_000)
    with pytest.raises(InvalidStory, match=r"big.txt is 300 KB; the limit is 200 KB"):
        read_story_file(str(big), LIMIT)


def test_other_languages_pass_through_untouched() -> None:
    text = "小狐狸走进了森林。它看见一盏灯。"
    assert clean_story(text) == text


def test_split_title_takes_a_heading_followed_by_a_blank_line() -> None:
    assert split_title("# The Lighthouse\n\nIt was dark.") == ("The Lighthouse", "It was dark.")
    assert split_title("The Lighthouse\n\nIt was dark.") == ("The Lighthouse", "It was dark.")


@pytest.mark.parametrize(
    "text",
    [
        "It was dark.\n\nThe lamp went out.",  # a sentence, not a heading
        "The Lighthouse\nIt was dark.",  # no blank line after it
        "Only one line",
    ],
)
def test_split_title_leaves_prose_alone(text: str) -> None:
    assert split_title(text) == (None, text)
