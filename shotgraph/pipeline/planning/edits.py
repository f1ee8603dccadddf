"""People's edits laid over a plan: a shot's new picture description or narration, and which
take of its picture to draw.

The plan itself is always made again from the story (and comes from the cache); the edits, kept
in the request, are applied on top. So an edit changes only the edited shot's inputs, and with
them only that shot's cache keys.
"""

from __future__ import annotations

from shotgraph.models import ShotEdit, ShotPlan, SpokenLine, fingerprint, seed_of


def apply_edits(plan: ShotPlan, edits: dict[str, ShotEdit]) -> ShotPlan:
    """The plan with every edit's words in place; shots no edit names are left as they are."""
    if not edits:
        return plan
    edited = plan.model_copy(deep=True)
    for ref in edited.shots():
        edit = edits.get(ref.id)
        if edit is None:
            continue
        if edit.visual_prompt is not None:
            ref.shot.visual_prompt = edit.visual_prompt
        if edit.narration is not None:
            text = edit.narration.strip()
            ref.shot.narration = [SpokenLine(text=text)] if text else []
    return edited


def shot_seed(seed: int, shot_id: str, edits: dict[str, ShotEdit]) -> int:
    """The seed a shot's picture is drawn with: the film's seed for the first take, and a seed
    of its own for every re-roll, so a re-roll changes that shot's picture and no other."""
    edit = edits.get(shot_id)
    if edit is None or edit.take == 0:
        return seed
    return seed_of(fingerprint("take", seed, shot_id, edit.take))
