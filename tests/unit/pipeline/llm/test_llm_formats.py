"""TOON and JSON answers: the strict reading, local repair, and what stays unreadable."""

import pytest

from shotgraph.pipeline.llm.formats import FormatError, JsonFormat, ToonFormat
from shotgraph.pipeline.planning.llm.answers import ShotListAnswer

EXAMPLE = ShotListAnswer.example()


@pytest.mark.parametrize("output", [ToonFormat(), JsonFormat()])
def test_both_formats_read_back_into_the_same_answer(output: ToonFormat | JsonFormat) -> None:
    text = output.encode(EXAMPLE)
    assert ShotListAnswer.model_validate(output.decode(text)) == EXAMPLE
    fenced = f"Here you go:\n```{output.name}\n{text}\n```\n"
    assert ShotListAnswer.model_validate(output.decode(fenced)) == EXAMPLE


def test_toon_is_a_table_with_one_row_per_shot() -> None:
    lines = ToonFormat().encode(EXAMPLE).splitlines()
    assert lines[0].startswith("shots[2]{type,camera,")
    assert len(lines) == 3


def test_truncated_json_is_salvaged_locally() -> None:
    text = JsonFormat().encode(EXAMPLE)
    cut = text[: text.index("close_up") + 30]
    with pytest.raises(FormatError):
        JsonFormat().decode(cut)
    salvaged = JsonFormat().salvage(cut)
    assert salvaged["shots"][0]["visual_prompt"] == EXAMPLE.shots[0].visual_prompt
    assert salvaged["shots"][1]["type"] == "close_up"


def test_toon_with_a_wrong_row_count_and_prose_is_salvaged() -> None:
    text = ToonFormat().encode(EXAMPLE).replace("shots[2]", "shots[5]")
    with pytest.raises(FormatError):
        ToonFormat().decode(text)
    salvaged = ToonFormat().salvage("Sure! Here is the plan.\n" + text)
    assert ShotListAnswer.model_validate(salvaged) == EXAMPLE


def test_toon_salvage_reads_json_when_the_model_wrote_json() -> None:
    salvaged = ToonFormat().salvage(JsonFormat().encode(EXAMPLE))
    assert ShotListAnswer.model_validate(salvaged) == EXAMPLE


@pytest.mark.parametrize("output", [ToonFormat(), JsonFormat()])
@pytest.mark.parametrize("text", ["PWNED", "", "I cannot help with that."])
def test_prose_is_unreadable_in_both_formats(output: ToonFormat | JsonFormat, text: str) -> None:
    with pytest.raises(FormatError):
        output.decode(text)
    with pytest.raises(FormatError):
        output.salvage(text)


def test_only_json_uses_the_providers_schema_mode() -> None:
    schema = JsonFormat().json_schema(ShotListAnswer)
    assert schema is not None
    assert "shots" in schema["properties"]
    assert ToonFormat().json_schema(ShotListAnswer) is None
