"""File sizes as people read them in chat and in refusals: one way, wherever they appear."""

from __future__ import annotations


def spell_bytes(size: float) -> str:
    """`512 bytes`, `400 KB`, `2.5 MB`, `50 MB`, `12.4 GB` (decimal units, as the platforms
    state limits and the model hub states file sizes)."""
    if size < 1_000:
        return f"{size:.0f} bytes"
    if size < 1_000_000:
        return f"{size / 1_000:.0f} KB"
    if size < 10_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size < 1_000_000_000:
        return f"{size / 1_000_000:.0f} MB"
    return f"{size / 1_000_000_000:.1f} GB"
