"""The film's timeline in frames: title card, shots, end card, and where each voice starts.

Narration leads: a narrated shot lasts as long as its speech plus a short lead-in and tail (and
at least MIN_SHOT_S), so the picture never runs ahead of or behind the voice; the planner's
estimate is only a first guess, kept for shots with nothing said. Counting in whole frames keeps
picture and sound from drifting apart over a long film.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shotgraph.models import ShotPlan, Transition

TITLE_CARD_S = 3.0
END_CARD_S = 2.5
# Speech starts this long after its shot begins, and the shot holds this long after it ends.
NARRATION_LEAD_S = 0.35
NARRATION_TAIL_S = 0.6
# Length of a crossfade or of a fade through black; shorter than the tail, so two voices never
# overlap inside a crossfade.
TRANSITION_S = 0.5
MIN_SHOT_S = 2.0


class Segment(BaseModel):
    """A run of frames: the title card, one shot, or the end card."""

    kind: Literal["title", "shot", "end"]
    shot_id: str | None = None
    scene_index: int | None = None
    start_frame: int
    frame_count: int
    transition_in: Transition = Transition.CUT
    """How this segment takes over from the one before it."""
    transition_frames: int = 0
    """Length of that transition. A crossfade overlaps the previous segment's last frames."""

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.frame_count


class Timeline(BaseModel):
    fps: int
    segments: list[Segment]
    narration_starts_s: dict[str, float] = Field(default_factory=dict)
    """Shot id -> second at which its narration starts in the film."""

    @property
    def total_frames(self) -> int:
        return max(segment.end_frame for segment in self.segments)

    @property
    def duration_s(self) -> float:
        return self.total_frames / self.fps

    def shot_segments(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.kind == "shot"]


def build_timeline(plan: ShotPlan, speech_seconds: dict[str, float], fps: int) -> Timeline:
    """Lay the plan out in frames, stretching each shot to fit its narration."""

    def frames(seconds: float) -> int:
        return max(1, round(seconds * fps))

    fade = frames(TRANSITION_S)
    segments = [Segment(kind="title", start_frame=0, frame_count=frames(TITLE_CARD_S))]
    narration_starts: dict[str, float] = {}
    cursor = segments[0].end_frame
    incoming = Transition.FADE_BLACK  # the title card always fades into the film
    for ref in plan.shots():
        speech = speech_seconds.get(ref.id, 0.0)
        seconds = NARRATION_LEAD_S + speech + NARRATION_TAIL_S if speech else ref.shot.duration_s
        length = frames(max(seconds, MIN_SHOT_S))
        start = cursor - fade if incoming is Transition.CROSSFADE else cursor
        segments.append(
            Segment(
                kind="shot",
                shot_id=ref.id,
                scene_index=ref.scene.index,
                start_frame=start,
                frame_count=length,
                transition_in=incoming,
                transition_frames=0 if incoming is Transition.CUT else fade,
            )
        )
        if speech:
            narration_starts[ref.id] = start / fps + NARRATION_LEAD_S
        cursor = start + length
        incoming = ref.shot.transition
    segments.append(
        Segment(
            kind="end",
            start_frame=cursor,
            frame_count=frames(END_CARD_S),
            transition_in=Transition.FADE_BLACK,
            transition_frames=fade,
        )
    )
    return Timeline(fps=fps, segments=segments, narration_starts_s=narration_starts)
