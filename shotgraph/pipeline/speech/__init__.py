"""Narration backends: speech per shot, with word timings for subtitles."""
