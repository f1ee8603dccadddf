"""Moderation backends: stop unsafe stories and prompts before any GPU time."""
