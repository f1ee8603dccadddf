"""An offline moderator: word patterns per hazard category, tuned for precision.

Stories are fiction, and fiction has storms, battles and villains; Llama Guard does not flag a
depicted fight, and neither does this. It flags what no ShotGraph film should show: sexual
content involving minors, explicit sex, instructions for mass-casualty weapons, encouragement
of self-harm, and slurs.
"""

from __future__ import annotations

import re

from shotgraph.models import CostReport
from shotgraph.pipeline.moderation.protocol import Verdict

_MINOR = r"(child|children|kid|kids|minor|minors|underage|schoolgirl|schoolboy|toddler|preteen)"
_SEXUAL = r"(sex|sexual|sexually|porn\w*|erotic|intercourse|molest\w*)"

_PATTERNS: dict[str, list[str]] = {
    "S4": [
        rf"\b{_MINOR}\b\W+(?:\w+\W+){{0,4}}{_SEXUAL}\b",
        rf"\b{_SEXUAL}\b\W+(?:\w+\W+){{0,4}}{_MINOR}\b",
        r"\bchild\s*porn\w*\b",
    ],
    "S12": [
        r"\b(porn\w*|pornographic|explicit sex|hardcore sex|graphic sex)\b",
        r"\b(genitals?|penis|vagina|orgasm\w*)\b",
    ],
    "S9": [
        r"\b(how to|steps to|instructions? (?:for|to)|recipe for)\b\W+(?:\w+\W+){0,4}"
        r"(nerve agent|sarin|vx gas|anthrax|bioweapon|dirty bomb|nuclear bomb|pipe bomb)\b",
        r"\b(synthesi[sz]e|weaponi[sz]e|enrich)\b\W+(?:\w+\W+){0,3}"
        r"(sarin|ricin|anthrax|smallpox|uranium|plutonium|nerve agent)\b",
    ],
    "S11": [
        r"\b(you should|go|just)\s+(kill yourself|end your life|cut yourself)\b",
        r"\b(best|easiest|painless) ways? to (kill yourself|commit suicide|end (?:your|my) life)\b",
    ],
    "S10": [
        r"\b(n[i1]gg(?:er|a)s?|k[i1]kes?|sp[i1]cs?|ch[i1]nks?|f[a4]gg?[o0]ts?|tr[a4]nn(?:y|ies))\b",
        r"\b(exterminate|gas|eradicate) (all|the) (jews|muslims|christians|blacks|gays)\b",
    ],
}

_COMPILED = {
    code: [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
    for code, patterns in _PATTERNS.items()
}


class RulesModerator:
    """Flags text by pattern; the same categories as the LLM moderator."""

    name = "rules"

    async def check(self, text: str, cost: CostReport) -> Verdict:
        hits = [
            code
            for code, patterns in _COMPILED.items()
            if any(pattern.search(text) for pattern in patterns)
        ]
        return Verdict(safe=not hits, categories=sorted(hits, key=lambda c: int(c[1:])))
