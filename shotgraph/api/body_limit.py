"""A limit on request bodies, enforced before a body is read whole.

Without it a 100 MB story is read into memory, validated, and refused only then. The limit
follows the story limit: JSON may spell each character of a story as a 12-byte escape pair,
plus room for the other fields.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shotgraph.api.errors import refusal
from shotgraph.sizes import spell_bytes

# The most a JSON escape spells one story byte with (\uXXXX for each byte of a 3-byte
# character is 6, a surrogate pair for a 4-byte character 12: 3 per byte), and the other fields.
_JSON_BYTES_PER_STORY_BYTE = 3
_OTHER_FIELDS_BYTES = 64 * 1024


def body_limit_for(max_story_bytes: int) -> int:
    return max_story_bytes * _JSON_BYTES_PER_STORY_BYTE + _OTHER_FIELDS_BYTES


class BodyLimit:
    """Answers 413 to a body over `max_bytes`: at once when Content-Length says so, else as
    soon as the bytes received pass it (chunked uploads)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        over = False

        async def counted() -> Message:
            nonlocal received, over
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    over = True
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the app's answer to a cut-off body is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except Exception:
            if not over:
                raise
        if over and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        detail = f"The request body is over the {spell_bytes(self.max_bytes)} limit."
        await refusal(detail, 413, {"Connection": "close"})(scope, receive, send)
