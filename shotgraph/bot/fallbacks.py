"""What fell back while a film was made, said in the finished film's message.

The pipeline records every fallback in `JobResult.notes` ("music: MusicGen needs a GPU, ...;
using procedural synthesis", "narration s2-1: edge-tts failed (...); spoke with espeak-ng").
A user should not have to read logs to learn that their film is an animatic or that the voice
changed halfway: these lines go under the film, on every platform, in the same words.
"""

from __future__ import annotations

from shotgraph.models import JobResult

# Lines shown at most; the rest are counted. A chat message is no place for a log.
MAX_LINES = 4
# Longest a line may run before it is cut (a reason can quote a whole error).
MAX_LINE_CHARS = 200


def fallback_lines(result: JobResult) -> list[str]:
    """One line per thing that fell back, narration's shots folded into one line."""
    spoken: list[str] = []
    rewritten = 0
    lines: list[str] = []
    for note in result.notes:
        subject, _, detail = note.partition(": ")
        if subject.startswith("narration "):
            spoken.append(detail)
        elif subject.startswith("shot ") and "rewritten" in detail:
            rewritten += 1
        elif note not in lines:
            lines.append(note)
    if spoken:
        shots = "1 shot" if len(spoken) == 1 else f"{len(spoken)} shots"
        lines.append(f"narration ({shots}): {spoken[0]}")
    if rewritten:
        prompts = "1 picture prompt" if rewritten == 1 else f"{rewritten} picture prompts"
        lines.append(f"safety: {prompts} rewritten after moderation flagged them")
    shown = [_clip(line) for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(f"and {len(lines) - MAX_LINES} more (the job's result lists them)")
    return shown


def _clip(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[: MAX_LINE_CHARS - 1] + "…"
