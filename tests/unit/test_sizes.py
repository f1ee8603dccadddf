"""Sizes spelled for chat: the units a platform states its limits in."""

import pytest

from shotgraph.sizes import spell_bytes


@pytest.mark.parametrize(
    ("size", "spelled"),
    [
        (512, "512 bytes"),
        (1_000, "1 KB"),
        (400_000, "400 KB"),
        (2_500_000, "2.5 MB"),
        (10_485_760, "10 MB"),
        (50_000_000, "50 MB"),
    ],
)
def test_sizes_read_as_people_say_them(size: int, spelled: str) -> None:
    assert spell_bytes(size) == spelled
