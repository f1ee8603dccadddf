"""The moderator protocol, with Llama Guard's hazard categories shared by every backend."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from shotgraph.models import CostReport

# The MLCommons hazard taxonomy as Llama Guard names it, so rules and LLM verdicts agree.
HAZARD_CATEGORIES: dict[str, str] = {
    "S1": "violent crimes",
    "S2": "non-violent crimes",
    "S3": "sex-related crimes",
    "S4": "child sexual exploitation",
    "S5": "defamation",
    "S6": "specialized advice",
    "S7": "privacy",
    "S8": "intellectual property",
    "S9": "indiscriminate weapons",
    "S10": "hate",
    "S11": "suicide and self-harm",
    "S12": "sexual content",
    "S13": "elections",
    "S14": "code interpreter abuse",
}


class Verdict(BaseModel):
    """A moderation answer: safe, or unsafe with the hazard codes (S1 ... S14) it falls under."""

    safe: bool
    categories: list[str] = Field(default_factory=list)

    def describe(self) -> str:
        named = ", ".join(HAZARD_CATEGORIES.get(code, code) for code in self.categories)
        return named or "unsafe content"


class Moderator(Protocol):
    """Judges a story or a picture prompt; a backend that calls a paid model records it in
    the job's CostReport."""

    name: str

    async def check(self, text: str, cost: CostReport) -> Verdict: ...
