"""Step A's compression: a story too long for the film asked for, cut to the sentences that
carry it. Extractive, so every word narrated is the author's own."""

from __future__ import annotations

from dataclasses import replace

from shotgraph.pipeline.composition.timeline import (
    END_CARD_S,
    NARRATION_LEAD_S,
    NARRATION_TAIL_S,
    TITLE_CARD_S,
)
from shotgraph.pipeline.planning.rules.cast import Cast
from shotgraph.pipeline.planning.rules.setting_words import opening_setting, opens_with_time_cue
from shotgraph.pipeline.planning.rules.text import (
    WORDS_PER_SECOND,
    Sentence,
    quote_spans,
    stronger_separator,
    word_count,
)

# Words a shot carries on average; every shot adds the timeline's pause before and after speech.
_WORDS_PER_SHOT = 12
# A story this much longer than its budget is still narrated whole: cutting it would lose more
# than the few seconds it saves.
_SLACK = 1.2
# Sentences weighing less than this (no character, no paragraph opening, no scene change) are
# kept only with budget to spare.
_CARRIES = 2.0


def word_budget(target_length_s: float) -> float:
    """Words of narration that fill a film of the target length, cards and pauses included."""
    speaking_s = max(target_length_s - TITLE_CARD_S - END_CARD_S, 1.0)
    pause_per_word_s = (NARRATION_LEAD_S + NARRATION_TAIL_S) / _WORDS_PER_SHOT
    return speaking_s / (1 / WORDS_PER_SECOND + pause_per_word_s)


def compress(sentences: list[Sentence], cast: Cast, budget: float) -> list[Sentence] | None:
    """The sentences to narrate within `budget` words, in story order; None when all fit.

    Each paragraph earns a share of the budget by its length, and what it leaves unspent passes
    to the next, so the cut keeps the whole arc of the story rather than only its beginning.
    Inside a paragraph the sentences that carry most are kept first: its opening, sentences with
    characters or speech, scene changes, and the story's first and last sentences.
    """
    lengths = [word_count(sentence.text) for sentence in sentences]
    total = sum(lengths)
    if total <= budget * _SLACK or len(sentences) < 2:
        return None

    weights = [_weight(sentences, i, cast) for i in range(len(sentences))]
    keep = {0}
    allowance = -lengths[0]  # the opening sentence is always kept, paid for up front
    paragraphs = sorted({sentence.paragraph for sentence in sentences})
    for paragraph in paragraphs:
        members = [i for i, s in enumerate(sentences) if s.paragraph == paragraph]
        allowance += budget * sum(lengths[i] for i in members) / total
        ranked = sorted(members, key=lambda i: (-weights[i], i))
        for index in ranked:
            if weights[index] >= _CARRIES and index not in keep and lengths[index] <= allowance:
                keep.add(index)
                allowance -= lengths[index]
    # Whatever the budget has left goes to the best of the rest, wherever they are.
    left = budget - sum(lengths[i] for i in keep)
    for index in sorted(range(len(sentences)), key=lambda i: (-weights[i], i)):
        if index not in keep and lengths[index] <= left:
            keep.add(index)
            left -= lengths[index]
    return _keep(sentences, keep)


def _weight(sentences: list[Sentence], index: int, cast: Cast) -> float:
    sentence = sentences[index]
    starts_paragraph = index == 0 or sentences[index - 1].paragraph != sentence.paragraph
    weight = 3.0 if starts_paragraph else 0.0
    weight += 2.0 * min(len(cast.names_in(sentence.text)), 2)
    weight += 1.0 if quote_spans(sentence.text) else 0.0
    weight += 2.0 if opens_with_time_cue(sentence.text) or opening_setting(sentence.text) else 0.0
    weight += 3.0 if index == len(sentences) - 1 else 0.0
    return weight


def _keep(sentences: list[Sentence], keep: set[int]) -> list[Sentence]:
    """The kept sentences; each takes the strongest break among those dropped before it, so a
    paragraph break survives the sentences around it being cut."""
    kept: list[Sentence] = []
    pending = ""
    for index, sentence in enumerate(sentences):
        separator = stronger_separator(pending, sentence.separator)
        if index in keep:
            kept.append(replace(sentence, separator=separator if kept else ""))
            pending = ""
        else:
            pending = separator
    return kept
