"""Durations spelled for chat messages and refusals."""

from shotgraph.durations import spell_seconds


def test_spelled_durations() -> None:
    assert spell_seconds(5) == "5 s"
    assert spell_seconds(120) == "2 min"
    assert spell_seconds(125) == "2 min 5 s"
    assert spell_seconds(3720) == "1 h 2 min"
