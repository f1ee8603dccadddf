"""The prompt templates of `shotgraph/prompts/`, and how untrusted text goes into them.

A template file has a `# System` part (optional) and a `# User` part; `$name` placeholders are
filled with `string.Template`, so braces in examples need no escaping. The story always sits
between tags in the user message; tags it contains itself are defused, so a story cannot close
its own quotation and speak as the prompt.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from string import Template

from pydantic import BaseModel

from shotgraph.pipeline.llm.client import ChatMessage

_PARTS = re.compile(r"^# (System|User)\s*$", re.MULTILINE)
# Our quotation tags, and the section markers of the Llama Guard prompt.
_TAGS = re.compile(
    r"<\s*(/?)\s*(story|answer|(?:begin|end)\s+(?:conversation|unsafe\s+content\s+categories))\s*>",
    re.IGNORECASE,
)


class PromptTemplate(BaseModel):
    name: str
    system: str = ""
    user: str

    def render(self, **values: str) -> list[ChatMessage]:
        """The chat messages; a placeholder left unfilled is a bug, so it raises."""
        messages = []
        if self.system:
            system = Template(self.system).substitute(values)
            messages.append(ChatMessage(role="system", content=system))
        messages.append(ChatMessage(role="user", content=Template(self.user).substitute(values)))
        return messages


@cache
def load_prompt(name: str) -> PromptTemplate:
    text = files("shotgraph").joinpath("prompts", f"{name}.md").read_text(encoding="utf-8")
    pieces = _PARTS.split(text)
    parts = {pieces[i].lower(): pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}
    return PromptTemplate(name=name, **parts)


def quote_untrusted(text: str) -> str:
    """Text from a user, made safe to put between our tags: its own tags become brackets."""
    return _TAGS.sub(lambda m: f"[{m.group(1)}{m.group(2)}]", text)
