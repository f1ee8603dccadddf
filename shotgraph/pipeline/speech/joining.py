"""One shot's lines joined into one track, with a pause between them so a change of speaker is
heard, and every word's timing moved to where its line lands in the track."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from shotgraph.pipeline.speech.protocol import WordTiming

# Silence between two lines of one shot.
LINE_PAUSE_S = 0.3


class Utterance(BaseModel):
    """One line as spoken: 16-bit mono samples and its word timings from its own start."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    samples: np.ndarray
    words: list[WordTiming]


def join_utterances(
    utterances: list[Utterance], sample_rate: int
) -> tuple[np.ndarray, list[WordTiming]]:
    """The lines one after another; lines that made no sound are left out."""
    pause = np.zeros(round(LINE_PAUSE_S * sample_rate), np.int16)
    pieces: list[np.ndarray] = []
    words: list[WordTiming] = []
    offset = 0
    for spoken in utterances:
        if spoken.samples.size == 0:
            continue
        if pieces:
            pieces.append(pause)
            offset += pause.size
        seconds = offset / sample_rate
        words += [
            WordTiming(text=w.text, start_s=w.start_s + seconds, end_s=w.end_s + seconds)
            for w in spoken.words
        ]
        pieces.append(spoken.samples)
        offset += spoken.samples.size
    samples = np.concatenate(pieces) if pieces else np.zeros(0, np.int16)
    return samples, words
