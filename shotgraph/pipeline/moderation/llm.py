"""The LLM moderator: a Llama Guard class model judges the story and every picture prompt.

The answer format is Llama Guard's: `safe`, or `unsafe` and a line of category codes (S1 ...
S14). Anything else counts as a failure of the safety stage, never as "safe".
"""

from __future__ import annotations

import re

from shotgraph.config import Settings
from shotgraph.errors import StageFailed
from shotgraph.models import CostReport, Stage
from shotgraph.pipeline.llm.calls import ModelCaller
from shotgraph.pipeline.llm.client import ChatMessage
from shotgraph.pipeline.llm.prompts import load_prompt, quote_untrusted
from shotgraph.pipeline.llm.routing import Route, Router
from shotgraph.pipeline.moderation.protocol import HAZARD_CATEGORIES, Verdict

_CODE = re.compile(r"\bS(\d{1,2})\b")
_POLICY = "\n".join(f"{code}: {name.capitalize()}." for code, name in HAZARD_CATEGORIES.items())


class LlmModerator:
    name = "llm"

    def __init__(self, caller: ModelCaller, route: Route) -> None:
        self.caller = caller
        self.route = route

    @classmethod
    def from_settings(cls, settings: Settings, caller: ModelCaller) -> LlmModerator:
        return cls(caller, Router.from_settings(settings).safety)

    async def check(self, text: str, cost: CostReport) -> Verdict:
        completion = await self.caller.complete(self.route, guard_messages(text), cost)
        return parse_guard_answer(completion.text)


def guard_messages(text: str) -> list[ChatMessage]:
    return load_prompt("safety").render(categories=_POLICY, content=quote_untrusted(text))


def parse_guard_answer(text: str) -> Verdict:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    first = lines[0].lower().rstrip(".") if lines else ""
    if first == "safe":
        return Verdict(safe=True)
    if first == "unsafe":
        found = {f"S{int(number)}" for number in _CODE.findall(" ".join(lines[1:]))}
        codes = sorted(found & HAZARD_CATEGORIES.keys(), key=lambda code: int(code[1:]))
        return Verdict(safe=False, categories=codes)
    raise StageFailed(
        Stage.SAFETY.value, "the moderation model gave an answer that is neither safe nor unsafe"
    )
