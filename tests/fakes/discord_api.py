"""A local Discord: the REST routes and gateway events our bot uses, on loopback (aiohttp).

The real discord.py connects to it as it would to Discord (REST base and gateway URL from our
settings), so the end-to-end tests drive the library's own parsing, HTTP and websocket code and
assert on what this fake recorded: callbacks, webhook edits, channel messages, uploads.

Modelled on Discord's documented behaviour (PLATFORM-FACTS.md): interaction tokens expire
(401, code 50027), channels can refuse the bot (403, code 50013), ephemeral replies are not
channel messages. As strict as Discord: content over 2,000 characters, embeds over their
limits, command names and descriptions and component custom ids out of range are a 400 (50035);
a request body over 25 MiB is a 413 whatever the file limits;
each route has its own upload limit (413): the interaction's (the larger of the user's Nitro
limit and the server's), the server's on channel messages, 10 MiB in DMs; a user can close
their DMs (50007) and a channel can be deleted (10003); every connected bot process gets every
interaction, as on Discord.
Tests can also make Discord do the two things it does to every long-running bot: move its
gateway session (`reconnect`: op 7, answered by RESUME, or refused with INVALID_SESSION) and
spend a rate limit (`rate_limit_next`: a 429 carrying `retry_after`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import itertools
import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
# Discord's JSON error codes the bot is expected to meet.
INVALID_WEBHOOK_TOKEN = 50027
MISSING_PERMISSIONS = 50013
UNKNOWN_MESSAGE = 10008
UNKNOWN_CHANNEL = 10003
CANNOT_DM_USER = 50007
INVALID_FORM_BODY = 50035
# Discord's limits on what a message and a command may hold.
CONTENT_LIMIT = 2000
EMBED_LIMITS = {"title": 256, "description": 4096, "footer": 2048, "author": 256}
FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT, FIELDS_LIMIT = 256, 1024, 25
EMBEDS_TOTAL_LIMIT = 6000
COMMAND_NAME_LIMIT, COMMAND_DESCRIPTION_LIMIT = 32, 100
CUSTOM_ID_LIMIT = 100
DM_UPLOAD_LIMIT = 10 * 1024 * 1024
REQUEST_BODY_LIMIT = 25 * 1024 * 1024
EPHEMERAL_FLAG = 1 << 6
LOADING_FLAG = 1 << 7
# Interaction callback types (Discord's InteractionResponseType).
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
MODAL = 9
SELECT_MENU = 3
TEXT_INPUT = 4
# Discord's limits on a modal: a title of 45 characters, 5 text inputs of up to 4,000.
MODAL_TITLE_LIMIT = 45
TEXT_INPUT_LIMIT = 4000
# Application command option types.
OPTION_TYPES = {str: 3, int: 4, bool: 5}
SUB_COMMAND = 1
CHANNEL_OPTION = 7
ATTACHMENT_OPTION = 11
ALL_PERMISSIONS = (1 << 41) - 1
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view, send, use application commands
# Discord ends a session whose connection the client closed with one of these codes; after any
# other close the session can be resumed. (discord.py 2.7 on aiohttp 3.14 closes with 4000 even
# in `Client.close()`, so a stopped bot's session stays resumable, as it would on Discord.)
SESSION_ENDING_CLOSES = (1000, 1001)


class Op(enum.IntEnum):
    """Gateway opcodes (Discord's Gateway Opcodes table)."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    RESUME = 6
    RECONNECT = 7
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


@dataclass
class Recorded:
    """One REST request as the fake received it."""

    method: str
    path: str
    body: Any
    files: list[tuple[str, bytes]]
    status: int
    at: float


@dataclass
class GatewaySession:
    """One IDENTIFY's session. Discord keeps every event it dispatched, numbered, so a bot
    whose connection dropped can RESUME and be sent the ones it missed."""

    id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None
    """The connection its events go out on, if any."""
    resumable: bool = True
    reconnecting: bool = False
    """Told to reconnect and not back yet: its events wait for the RESUME."""

    @property
    def last_sequence(self) -> int:
        return self.events[-1]["s"] if self.events else 0


@dataclass
class Resume:
    """One RESUME (op 6) a bot sent, and how the fake answered it."""

    session_id: str
    seq: int | None
    gateway_path: str
    """Which gateway URL it came to: `resume_gateway_url` is a path of its own here."""
    accepted: bool
    replayed: list[str]
    """The missed events sent again, by name, before RESUMED."""


@dataclass
class RateLimit:
    """A 429 waiting for the next request that matches it."""

    method: str
    path_fragment: str
    retry_after_s: float
    upload: bool
    is_global: bool

    def matches(self, method: str, path: str, files: list[tuple[str, bytes]]) -> bool:
        return (
            method == self.method
            and self.path_fragment in path
            and (bool(files) or not self.upload)
        )

    def answer(self) -> dict[str, Any]:
        return {
            "message": "You are being rate limited.",
            "retry_after": self.retry_after_s,
            "global": self.is_global,
        }

    def headers(self) -> dict[str, str]:
        """Discord's headers on a 429. discord.py takes a 429 without `Via` (which Discord's
        proxy adds) for a Cloudflare ban and gives up, so the fake sends it too."""
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(self.retry_after_s)),
            "X-RateLimit-Scope": "global" if self.is_global else "user",
        }
        if self.is_global:
            return headers | {"X-RateLimit-Global": "true"}
        return headers | {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + self.retry_after_s:.3f}",
            "X-RateLimit-Reset-After": f"{self.retry_after_s:.3f}",
            "X-RateLimit-Bucket": "fake-bucket",
        }


@dataclass
class FakeUser:
    id: str
    username: str
    moderator: bool = False
    nitro_upload_limit: int | None = None
    """Their Nitro upload limit; without Nitro, the server's limit is theirs too."""
    accepts_dms: bool = True

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "global_name": self.username,
            "discriminator": "0",
            "avatar": None,
            "bot": False,
        }


@dataclass
class FakeChannel:
    id: str
    name: str
    bot_may_post: bool = True

    def payload(self, guild_id: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": 0,
            "name": self.name,
            "guild_id": guild_id,
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }


@dataclass
class FakeGuild:
    id: str
    name: str
    channels: list[FakeChannel]
    upload_limit: int = 10 * 1024 * 1024


@dataclass
class FakeMessage:
    id: str
    channel_id: str
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    flags: int = 0
    created_at: float = field(default_factory=time.time)
    edited_at: float | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    """Every state the message was in, oldest first (what a watching user saw)."""

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL_FLAG)

    @property
    def embed(self) -> dict[str, Any]:
        return self.embeds[0] if self.embeds else {}

    def custom_ids(self) -> list[str]:
        return [
            button["custom_id"]
            for row in self.components
            for button in row.get("components", [])
            if "custom_id" in button
        ]

    def apply(self, body: dict[str, Any], files: list[tuple[str, bytes]]) -> None:
        for name in ("content", "embeds", "components"):
            if name in body and body[name] is not None:
                setattr(self, name, body[name])
        if "attachments" in body or files:
            kept = {str(a.get("id")) for a in body.get("attachments", [])}
            self.attachments = [
                old for index, old in enumerate(self.attachments) if str(index) in kept
            ] + files
        if "flags" in body and body["flags"] is not None:
            self.flags |= int(body["flags"])
        if body.get("content") or body.get("embeds"):
            self.flags &= ~LOADING_FLAG
        self.history.append(
            {
                "content": self.content,
                "embeds": self.embeds,
                "custom_ids": self.custom_ids(),
                "attachments": [name for name, _ in self.attachments],
            }
        )


@dataclass
class FakeInteraction:
    id: str
    token: str
    channel_id: str
    user: FakeUser
    created_at: float
    guild: FakeGuild | None = None
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)

    @property
    def upload_limit(self) -> int:
        """Its `attachment_size_limit`, what its webhook takes: the larger of the user's Nitro
        limit and the server's, as they are now (safe reading: a server that lost its boosts
        mid-job takes less, even through an interaction made before)."""
        server = self.guild.upload_limit if self.guild is not None else DM_UPLOAD_LIMIT
        return max(self.user.nitro_upload_limit or 0, server)


class FakeDiscord:
    """Discord's REST API and gateway for one bot application, served on 127.0.0.1."""

    def __init__(self, token_lifetime_s: float = 15 * 60, heartbeat_ms: int = 41_250) -> None:
        self.token_lifetime_s = token_lifetime_s
        self.heartbeat_ms = heartbeat_ms
        self.bot_token = "fake-bot-token"
        self.application_id = "100000000000000001"
        self.bot_user = {
            "id": "100000000000000002",
            "username": "shotgraph",
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
        }
        self._ids = itertools.count(200000000000000000)
        self.guilds: list[FakeGuild] = []
        self.requests: list[Recorded] = []
        self.identified: list[dict[str, Any]] = []
        """The IDENTIFY payloads bots sent, token left out."""
        self.sessions = 0
        self.gateway_sessions: list[GatewaySession] = []
        self.resumes: list[Resume] = []
        self.commands: dict[str | None, list[dict[str, Any]]] = {}
        self.messages: dict[str, FakeMessage] = {}
        self.interactions: dict[str, FakeInteraction] = {}
        self.dm_channels: dict[str, str] = {}  # user id -> DM channel id
        self.closed_dms: set[str] = set()
        """Users who accept no DMs from the bot (50007)."""
        self.cdn: dict[str, tuple[str, bytes, str]] = {}  # path -> filename, bytes, type
        self.cdn_reads: list[str] = []
        """The CDN paths a bot downloaded, in order."""
        self._sockets: list[web.WebSocketResponse] = []
        self._rate_limits: list[RateLimit] = []
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- setting up --------------------------------------------------------------------

    def snowflake(self) -> str:
        return str(next(self._ids))

    def add_guild(
        self, name: str, channels: list[str], upload_limit: int | None = None
    ) -> FakeGuild:
        guild = FakeGuild(
            id=self.snowflake(),
            name=name,
            channels=[FakeChannel(self.snowflake(), channel) for channel in channels],
        )
        if upload_limit is not None:
            guild.upload_limit = upload_limit
        self.guilds.append(guild)
        return guild

    def user(
        self, username: str, moderator: bool = False, nitro_upload_limit: int | None = None
    ) -> FakeUser:
        return FakeUser(self.snowflake(), username, moderator, nitro_upload_limit)

    def delete_channel(self, channel: FakeChannel) -> None:
        """A moderator deletes the channel: anything sent or edited there is 10003."""
        for guild in self.guilds:
            guild.channels = [c for c in guild.channels if c.id != channel.id]

    def add_attachment(
        self,
        filename: str,
        data: bytes,
        content_type: str = "text/plain",
        size: int | None = None,
    ) -> dict[str, Any]:
        """Put a file on the fake CDN; returns the resolved attachment a command carries.
        `size` stands for a file bigger than the bytes kept (the bot must not fetch it)."""
        attachment_id = self.snowflake()
        path = f"/attachments/{attachment_id}/{filename}"
        self.cdn[path] = (filename, data, content_type)
        url = f"{self.base_url}{path}"
        return {
            "id": attachment_id,
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        """Where READY tells a bot to RESUME: another URL than the one it identified on, as on
        Discord, so a test sees which one the bot used."""
        return f"ws://127.0.0.1:{self.port}/resume-gateway"

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume-gateway", self._gateway)
        app.router.add_get("/attachments/{id}/{name}", self._cdn)
        app.router.add_route("*", API_PREFIX + "/{path:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests do -----------------------------------------------------------------

    async def wait_for(self, check: Callable[[], Any], timeout_s: float = 30) -> Any:
        """Wait until `check()` returns something truthy (re-checked after every request and
        every gateway session started or resumed)."""

        async def until() -> Any:
            async with self._changed:
                while not (found := check()):
                    await self._changed.wait()
                return found

        return await asyncio.wait_for(until(), timeout_s)

    async def wait_ready(self, sessions: int = 1, timeout_s: float = 30) -> None:
        """Until `sessions` bots (counting earlier ones) have identified and been sent every
        guild: then the bot handles interactions."""
        await self.wait_for(lambda: self.sessions >= sessions, timeout_s)

    async def slash(
        self,
        guild: FakeGuild,
        channel: FakeChannel,
        user: FakeUser,
        name: str,
        options: dict[str, Any] | None = None,
        subcommand: str | None = None,
        attachment: dict[str, Any] | None = None,
    ) -> FakeInteraction:
        """A member runs a slash command; returns the interaction to look at afterwards."""
        command = self._command(guild, name)
        wire_options: list[dict[str, Any]] = []
        resolved: dict[str, Any] = {}
        for key, value in (options or {}).items():
            if isinstance(value, FakeChannel):
                wire_options.append({"name": key, "type": CHANNEL_OPTION, "value": value.id})
                channel_payload = {**value.payload(guild.id), "permissions": str(ALL_PERMISSIONS)}
                resolved.setdefault("channels", {})[value.id] = channel_payload
            else:
                kind = OPTION_TYPES[type(value)]
                wire_options.append({"name": key, "type": kind, "value": value})
        if attachment is not None:
            wire_options.append(
                {"name": "file", "type": ATTACHMENT_OPTION, "value": attachment["id"]}
            )
            resolved["attachments"] = {attachment["id"]: attachment}
        if subcommand is not None:
            wire_options = [{"name": subcommand, "type": SUB_COMMAND, "options": wire_options}]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": wire_options,
            "resolved": resolved,
        }
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return await self._dispatch_interaction(guild, channel, user, 2, data, None)

    async def click(
        self, guild: FakeGuild, user: FakeUser, message: FakeMessage, custom_id: str
    ) -> FakeInteraction:
        """A member presses a button on a message."""
        assert custom_id in message.custom_ids(), (custom_id, message.custom_ids())
        channel = next(c for c in guild.channels if c.id == message.channel_id)
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._dispatch_interaction(
            guild, channel, user, 3, data, self._message_payload(message, guild.id)
        )

    async def choose(
        self, guild: FakeGuild, user: FakeUser, message: FakeMessage, custom_id: str, value: str
    ) -> FakeInteraction:
        """A member picks `value` in a select menu of a message."""
        menu = next(
            (c for row in message.components for c in row.get("components", [])
             if c.get("custom_id") == custom_id and c.get("type") == SELECT_MENU),
            None,
        )  # fmt: skip
        assert menu is not None, (custom_id, message.custom_ids())
        assert value in [option["value"] for option in menu["options"]], menu["options"]
        channel = next(c for c in guild.channels if c.id == message.channel_id)
        data = {"custom_id": custom_id, "component_type": SELECT_MENU, "values": [value]}
        return await self._dispatch_interaction(
            guild, channel, user, 3, data, self._message_payload(message, guild.id)
        )

    def modal_of(self, interaction: FakeInteraction) -> dict[str, Any] | None:
        """The modal the bot answered `interaction` with, if it did."""
        answers = [c for c in interaction.callbacks if c["type"] == MODAL]
        return answers[0]["data"] if answers else None

    async def submit_modal(
        self, guild: FakeGuild, opened_by: FakeInteraction, values: dict[str, str]
    ) -> FakeInteraction:
        """The member fills in the modal the bot opened and submits it; `values` by label."""
        modal = self.modal_of(opened_by)
        assert modal is not None, "the bot opened no modal"
        rows = []
        for row in modal["components"]:
            field = row["components"][0]
            value = values.get(field["label"], field.get("value", ""))
            assert len(value) <= field.get("max_length", TEXT_INPUT_LIMIT)
            rows.append({"type": 1, "components": [
                {"type": TEXT_INPUT, "custom_id": field["custom_id"], "value": value}
            ]})  # fmt: skip
        channel = next(c for c in guild.channels if c.id == opened_by.channel_id)
        data = {"custom_id": modal["custom_id"], "components": rows}
        return await self._dispatch_interaction(guild, channel, opened_by.user, 5, data, None)

    async def private_reply(self, interaction: FakeInteraction, timeout_s: float = 10) -> str:
        """What the user alone was told: an ephemeral answer, or, after a defer, the ephemeral
        follow-up that replaced the deleted "thinking" message."""

        def found() -> str | None:
            if not interaction.callbacks:
                return None
            answer = interaction.callbacks[0]
            data = answer.get("data") or {}
            if answer["type"] == CHANNEL_MESSAGE and int(data.get("flags") or 0) & EPHEMERAL_FLAG:
                return str(data.get("content"))
            followups = [m for m in self.followups(interaction) if m.ephemeral]
            if followups and self.original(interaction) is None:
                return followups[0].content
            return None

        return await self.wait_for(found, timeout_s)

    def requests_to(self, method: str, fragment: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and fragment in r.path]

    def channel_messages(self, channel_id: str) -> list[FakeMessage]:
        return [m for m in self.messages.values() if m.channel_id == channel_id]

    def original(self, interaction: FakeInteraction) -> FakeMessage | None:
        return self.messages.get(interaction.original_id or "")

    def followups(self, interaction: FakeInteraction) -> list[FakeMessage]:
        return [self.messages[mid] for mid in interaction.followup_ids]

    async def reconnect(self, resumable: bool = True) -> int:
        """Send the newest bot RECONNECT (op 7), as Discord does before it moves a session to
        another server. Events dispatched until the bot RESUMEs wait in the session and go out
        after it. With `resumable=False` the RESUME is answered with INVALID_SESSION (d=false),
        and the bot must IDENTIFY again.

        Returns the sequence number a correct RESUME carries: that of the last event sent."""
        session = self._live_session()
        socket = session.socket
        assert socket is not None, "the bot is already reconnecting"
        session.socket = None
        session.resumable = session.reconnecting = resumable
        await socket.send_str(json.dumps({"op": Op.RECONNECT, "d": None}))
        return session.last_sequence

    def rate_limit_next(
        self,
        method: str,
        path_fragment: str,
        retry_after_s: float,
        upload: bool = False,
        is_global: bool = False,
    ) -> None:
        """Answer the next `method` request whose path holds `path_fragment` (and that carries
        a file, with `upload`) with a 429, as Discord does when a route's bucket, or with
        `is_global` the bot's global limit, is spent. discord.py should wait `retry_after_s`
        and send the same request again."""
        self._rate_limits.append(RateLimit(method, path_fragment, retry_after_s, upload, is_global))

    # -- gateway -----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_str(
            json.dumps({"op": Op.HELLO, "d": {"heartbeat_interval": self.heartbeat_ms}})
        )
        session: GatewaySession | None = None
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                break
            frame = json.loads(message.data)
            if frame["op"] == Op.HEARTBEAT:
                await socket.send_str(json.dumps({"op": Op.HEARTBEAT_ACK}))
            elif frame["op"] == Op.IDENTIFY:
                session = await self._identify(socket, frame["d"])
            elif frame["op"] == Op.RESUME:
                session = await self._resume(socket, frame["d"], request.path)
        self._sockets.remove(socket)
        if session is not None and session.socket is socket:
            session.socket = None
            session.resumable = socket.close_code not in SESSION_ENDING_CLOSES
        return socket

    async def _identify(
        self, socket: web.WebSocketResponse, identify: dict[str, Any]
    ) -> GatewaySession | None:
        self.identified.append({k: v for k, v in identify.items() if k != "token"})
        if identify["token"] != self.bot_token:
            await socket.close(code=4004)
            return None
        session = GatewaySession(uuid.uuid4().hex, socket=socket)
        self.gateway_sessions.append(session)
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": g.id, "unavailable": True} for g in self.guilds],
            "session_id": session.id,
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": self.application_id, "flags": 0},
        }
        await self._send(session, "READY", ready)
        for guild in self.guilds:
            await self._send(session, "GUILD_CREATE", self._guild_payload(guild))
        async with self._changed:
            self.sessions += 1
            self._changed.notify_all()
        return session

    async def _resume(
        self, socket: web.WebSocketResponse, resume: dict[str, Any], path: str
    ) -> GatewaySession | None:
        """Send a returning bot the events after its `seq`, then RESUMED; or, when its session
        is gone, INVALID_SESSION with d=false (not resumable): it must IDENTIFY again."""
        if resume["token"] != self.bot_token:
            await socket.close(code=4004)
            return None
        session = next((s for s in self.gateway_sessions if s.id == resume["session_id"]), None)
        replayed: list[str] = []
        if session is not None and session.resumable:
            # Until caught up: events dispatched while the missed ones go out come after them.
            sent = resume["seq"] or 0
            while missed := [frame for frame in session.events if frame["s"] > sent]:
                for frame in missed:
                    await socket.send_str(json.dumps(frame))
                replayed += [frame["t"] for frame in missed]
                sent = missed[-1]["s"]
            session.socket, session.reconnecting = socket, False
            await self._send(session, "RESUMED", {})
        else:
            await socket.send_str(json.dumps({"op": Op.INVALID_SESSION, "d": False}))
            session = None
        async with self._changed:
            accepted = session is not None
            self.resumes.append(
                Resume(resume["session_id"], resume["seq"], path, accepted, replayed)
            )
            self._changed.notify_all()
        return session

    async def _send(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
        """Dispatch an event in a session: numbered and kept, and sent at once unless the bot
        is away reconnecting."""
        frame = {"op": Op.DISPATCH, "t": event, "s": session.last_sequence + 1, "d": data}
        session.events.append(frame)
        if session.socket is not None:
            await session.socket.send_str(json.dumps(frame))

    def _live_sessions(self) -> list[GatewaySession]:
        """The connected bots' sessions: Discord sends every interaction to each."""
        live = [s for s in self.gateway_sessions if s.socket is not None or s.reconnecting]
        assert live, "no bot is connected to the fake gateway"
        return live

    def _live_session(self) -> GatewaySession:
        """The newest connected bot's session."""
        return self._live_sessions()[-1]

    def _guild_payload(self, guild: FakeGuild) -> dict[str, Any]:
        return {
            "id": guild.id,
            "name": guild.name,
            "owner_id": "1",
            "unavailable": False,
            "member_count": 3,
            "premium_tier": _premium_tier(guild.upload_limit),
            "roles": [
                {
                    "id": guild.id,
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                }
            ],
            "channels": [channel.payload(guild.id) for channel in guild.channels],
            "members": [],
            "threads": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
        }

    async def _dispatch_interaction(
        self,
        guild: FakeGuild,
        channel: FakeChannel,
        user: FakeUser,
        kind: int,
        data: dict[str, Any],
        message: dict[str, Any] | None,
    ) -> FakeInteraction:
        sessions = self._live_sessions()
        interaction = FakeInteraction(
            id=self.snowflake(),
            token=f"interaction-token-{self.snowflake()}",
            channel_id=channel.id,
            user=user,
            created_at=time.monotonic(),
            guild=guild,
        )
        self.interactions[interaction.token] = interaction
        permissions = ALL_PERMISSIONS if user.moderator else MEMBER_PERMISSIONS
        payload: dict[str, Any] = {
            "id": interaction.id,
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "guild_id": guild.id,
            "channel_id": channel.id,
            "channel": channel.payload(guild.id),
            "member": {
                "user": user.payload(),
                "roles": [],
                "joined_at": "2026-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": str(permissions),
            },
            "token": interaction.token,
            "version": 1,
            "app_permissions": str(ALL_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild.id},
            "context": 0,
            "attachment_size_limit": interaction.upload_limit,
        }
        if message is not None:
            payload["message"] = message
        for session in sessions:  # a second process with the same token gets it too
            await self._send(session, "INTERACTION_CREATE", payload)
        return interaction

    def _command(self, guild: FakeGuild, name: str) -> dict[str, Any]:
        for scope in (guild.id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name:
                    return command
        raise AssertionError(f"/{name} was never synced; synced: {self.commands}")

    # -- REST --------------------------------------------------------------------------

    async def _cdn(self, request: web.Request) -> web.Response:
        found = self.cdn.get(request.path)
        self.cdn_reads.append(request.path)
        if found is None:
            return web.Response(status=404)
        _, data, content_type = found
        return web.Response(body=data, content_type=content_type)

    async def _rest(self, request: web.Request) -> web.Response:
        body, files = await _read_body(request)
        path = "/" + request.match_info["path"]
        headers = {"Content-Type": "application/json"}
        if limit := self._spent_limit(request.method, path, files):
            status, answer = 429, limit.answer()
            headers |= limit.headers()
        elif request.headers.get(
            "Authorization"
        ) != f"Bot {self.bot_token}" and not path.startswith(("/webhooks/", "/interactions/")):
            status, answer = 401, {"message": "401: Unauthorized", "code": 0}
        elif files and (request.content_length or 0) > REQUEST_BODY_LIMIT:
            status, answer = 413, {"message": "Request entity too large", "code": 40005}
        elif request.method in ("POST", "PATCH") and (bad := _message_refusal(body)):
            status, answer = 400, _invalid_form(bad)
        else:
            status, answer = self._route(request.method, path, body, files)
        async with self._changed:
            self.requests.append(
                Recorded(request.method, path, body, files, status, time.monotonic())
            )
            self._changed.notify_all()
        if status == 204:
            return web.Response(status=204)
        # Exactly `application/json`, as Discord sends it: discord.py compares the header.
        return web.Response(body=json.dumps(answer).encode(), status=status, headers=headers)

    def _spent_limit(
        self, method: str, path: str, files: list[tuple[str, bytes]]
    ) -> RateLimit | None:
        """The rate limit this request runs into, used up by it."""
        limit = next((lim for lim in self._rate_limits if lim.matches(method, path, files)), None)
        if limit is not None:
            self._rate_limits.remove(limit)
        return limit

    def _route(
        self, method: str, path: str, body: Any, files: list[tuple[str, bytes]]
    ) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        match method, parts:
            case "GET", ["users", "@me"]:
                return 200, self.bot_user
            case "GET", ["oauth2", "applications", "@me"]:
                return 200, self._application()
            case "GET", ["gateway"]:
                return 200, {"url": self.gateway_url}
            case "GET", ["gateway", "bot"]:
                return 200, {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            case "PUT", ["applications", _, "commands"]:
                return self._sync(None, body)
            case "PUT", ["applications", _, "guilds", guild_id, "commands"]:
                return self._sync(guild_id, body)
            case "POST", ["interactions", _, token, "callback"]:
                return self._callback(token, body, files)
            case "GET" | "PATCH" | "DELETE", ["webhooks", _, token, "messages", message]:
                return self._webhook_message(method, token, message, body, files)
            case "POST", ["webhooks", _, token]:
                return self._followup(token, body, files)
            case "POST", ["channels", channel_id, "messages"]:
                return self._channel_post(channel_id, body, files)
            case "PATCH", ["channels", channel_id, "messages", message_id]:
                return self._channel_edit(channel_id, message_id, body, files)
            case "DELETE", ["channels", channel_id, "messages", message_id]:
                return self._channel_delete(channel_id, message_id)
            case "POST", ["users", "@me", "channels"]:
                return 200, self._dm_channel(str(body["recipient_id"]))
        return 404, {"message": f"404: the fake has no {method} {path}", "code": 0}

    def _application(self) -> dict[str, Any]:
        return {
            "id": self.application_id,
            "name": "ShotGraph",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": {**self.bot_user, "id": "1", "bot": False},
            "team": None,
            "interactions_endpoint_url": None,
        }

    def _sync(self, guild_id: str | None, commands: list[dict[str, Any]]) -> tuple[int, Any]:
        if bad := next(filter(None, map(_command_refusal, commands)), None):
            return 400, _invalid_form(bad)
        synced = [
            {
                **command,
                "id": self.snowflake(),
                "application_id": self.application_id,
                "guild_id": guild_id,
                "version": "1",
                "default_member_permissions": command.get("default_member_permissions"),
            }
            for command in commands
        ]
        self.commands[guild_id] = synced
        return 200, synced

    def _interaction(self, token: str) -> FakeInteraction | None:
        interaction = self.interactions.get(token)
        if interaction is None:
            return None
        if time.monotonic() - interaction.created_at > self.token_lifetime_s:
            return None
        return interaction

    def _callback(
        self, token: str, body: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> tuple[int, Any]:
        interaction = self.interactions.get(token)
        if interaction is None or time.monotonic() - interaction.created_at > 3:
            return 404, {"message": "Unknown interaction", "code": 10062}
        if interaction.callbacks:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}
        kind = body["type"]
        data = body.get("data") or {}
        if kind == MODAL:
            if not 1 <= len(data.get("title", "")) <= MODAL_TITLE_LIMIT:
                return 400, {"message": "Invalid Form Body", "code": 50035}
            for row in data.get("components", []):
                for field in row.get("components", []):
                    if len(field.get("value") or "") > TEXT_INPUT_LIMIT:
                        return 400, {"message": "Invalid Form Body", "code": 50035}
        interaction.callbacks.append(body)
        answer: dict[str, Any] = {
            "interaction": {
                "id": interaction.id,
                "type": 2,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL_FLAG),
            }
        }
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = FakeMessage(self.snowflake(), interaction.channel_id)
            message.flags = int(data.get("flags") or 0) | (
                LOADING_FLAG if kind == DEFERRED_CHANNEL_MESSAGE else 0
            )
            if kind == CHANNEL_MESSAGE:
                message.apply(data, files)
            self.messages[message.id] = message
            interaction.original_id = message.id
            answer["interaction"]["response_message_id"] = message.id
        return 200, answer

    def _webhook_message(
        self,
        method: str,
        token: str,
        message_id: str,
        body: Any,
        files: list[tuple[str, bytes]],
    ) -> tuple[int, Any]:
        interaction = self._interaction(token)
        if interaction is None:
            return 401, {"message": "Invalid Webhook Token", "code": INVALID_WEBHOOK_TOKEN}
        if message_id == "@original":
            message_id = interaction.original_id or ""
        message = self.messages.get(message_id)
        if message is None:
            return 404, {"message": "Unknown Message", "code": UNKNOWN_MESSAGE}
        if method == "PATCH":
            if oversized := _oversized(interaction.upload_limit, files):
                return oversized
            message.edited_at = time.time()
            message.apply(body, files)
        elif method == "DELETE":
            del self.messages[message_id]
            return 204, None
        return 200, self._message_payload(message, None)

    def _followup(
        self, token: str, body: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> tuple[int, Any]:
        interaction = self._interaction(token)
        if interaction is None:
            return 401, {"message": "Invalid Webhook Token", "code": INVALID_WEBHOOK_TOKEN}
        if oversized := _oversized(interaction.upload_limit, files):
            return oversized
        message = FakeMessage(self.snowflake(), interaction.channel_id)
        message.apply(body, files)
        self.messages[message.id] = message
        interaction.followup_ids.append(message.id)
        return 200, self._message_payload(message, None)

    def _channel(self, channel_id: str) -> FakeChannel | None:
        return next(
            (c for g in self.guilds for c in g.channels if c.id == channel_id),
            None,
        )

    def _refused(self, channel_id: str) -> tuple[int, Any] | None:
        channel = self._channel(channel_id)
        dm_user = next((u for u, c in self.dm_channels.items() if c == channel_id), None)
        if channel is None and dm_user is None:
            return 404, {"message": "Unknown Channel", "code": UNKNOWN_CHANNEL}
        if channel is not None and not channel.bot_may_post:
            return 403, {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}
        if dm_user is not None and dm_user in self.closed_dms:
            return 403, {"message": "Cannot send messages to this user", "code": CANNOT_DM_USER}
        return None

    def _oversized(self, channel_id: str, files: list[tuple[str, bytes]]) -> tuple[int, Any] | None:
        """A bot's own message: the server's limit in a server's channel, 10 MiB in a DM."""
        guild = next((g for g in self.guilds if any(c.id == channel_id for c in g.channels)), None)
        return _oversized(guild.upload_limit if guild else DM_UPLOAD_LIMIT, files)

    def _channel_post(
        self, channel_id: str, body: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> tuple[int, Any]:
        if refused := self._refused(channel_id) or self._oversized(channel_id, files):
            return refused
        message = FakeMessage(self.snowflake(), channel_id)
        message.apply(body, files)
        self.messages[message.id] = message
        return 200, self._message_payload(message, None)

    def _channel_edit(
        self, channel_id: str, message_id: str, body: dict[str, Any], files: list[tuple[str, bytes]]
    ) -> tuple[int, Any]:
        if refused := self._refused(channel_id) or self._oversized(channel_id, files):
            return refused
        message = self.messages.get(message_id)
        if message is None or message.channel_id != channel_id or message.ephemeral:
            return 404, {"message": "Unknown Message", "code": UNKNOWN_MESSAGE}
        message.edited_at = time.time()
        message.apply(body, files)
        return 200, self._message_payload(message, None)

    def _channel_delete(self, channel_id: str, message_id: str) -> tuple[int, Any]:
        if refused := self._refused(channel_id):
            return refused
        message = self.messages.get(message_id)
        if message is None or message.channel_id != channel_id or message.ephemeral:
            return 404, {"message": "Unknown Message", "code": UNKNOWN_MESSAGE}
        del self.messages[message_id]
        return 204, None

    def _dm_channel(self, user_id: str) -> dict[str, Any]:
        channel_id = self.dm_channels.setdefault(user_id, self.snowflake())
        return {
            "id": channel_id,
            "type": 1,
            "recipients": [
                {"id": user_id, "username": "someone", "discriminator": "0", "avatar": None}
            ],
            "last_message_id": None,
        }

    def _message_payload(self, message: FakeMessage, guild_id: str | None) -> dict[str, Any]:
        def stamp(at: float | None) -> str | None:
            return None if at is None else dt.datetime.fromtimestamp(at, dt.UTC).isoformat()

        payload: dict[str, Any] = {
            "id": message.id,
            "channel_id": message.channel_id,
            "author": self.bot_user,
            "content": message.content,
            "embeds": message.embeds,
            "components": message.components,
            "attachments": [
                {
                    "id": str(index),
                    "filename": name,
                    "size": len(data),
                    "url": f"{self.base_url}/attachments/{message.id}/{name}",
                    "proxy_url": f"{self.base_url}/attachments/{message.id}/{name}",
                }
                for index, (name, data) in enumerate(message.attachments)
            ],
            "timestamp": stamp(message.created_at),
            "edited_timestamp": stamp(message.edited_at),
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "pinned": False,
            "type": 0,
            "flags": message.flags,
        }
        if guild_id is not None:
            payload["guild_id"] = guild_id
        return payload


def _premium_tier(upload_limit: int) -> int:
    """The boost level that gives a server this upload limit (what discord.py reads it from);
    the tests' smaller limits stand for the unboosted 10 MiB."""
    return 3 if upload_limit >= 100 << 20 else 2 if upload_limit >= 50 << 20 else 0


def _oversized(limit: int, files: list[tuple[str, bytes]]) -> tuple[int, Any] | None:
    if any(len(data) > limit for _, data in files):
        return 413, {"message": "Request entity too large", "code": 40005}
    return None


def _invalid_form(reason: str) -> dict[str, Any]:
    return {"message": f"Invalid Form Body: {reason}", "code": INVALID_FORM_BODY}


def _message_refusal(body: Any) -> str | None:
    """Why Discord would refuse this message body (content, embeds, components), if it would.
    An interaction callback carries the message in `data`."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("data"), dict):
        body = body["data"]
    if len(body.get("content") or "") > CONTENT_LIMIT:
        return f"content: must be {CONTENT_LIMIT} or fewer in length"
    total = 0
    for embed in body.get("embeds") or []:
        for name, limit in EMBED_LIMITS.items():
            value = embed.get(name)
            text = value.get("text") or value.get("name") if isinstance(value, dict) else value
            if len(text or "") > limit:
                return f"embeds.{name}: must be {limit} or fewer in length"
            total += len(text or "")
        fields = embed.get("fields") or []
        if len(fields) > FIELDS_LIMIT:
            return f"embeds.fields: at most {FIELDS_LIMIT}"
        for item in fields:
            if len(item["name"]) > FIELD_NAME_LIMIT or len(item["value"]) > FIELD_VALUE_LIMIT:
                return "embeds.fields: a name or value is too long"
            if not item["name"] or not item["value"]:
                return "embeds.fields: a name or value is empty"
            total += len(item["name"]) + len(item["value"])
    if total > EMBEDS_TOTAL_LIMIT:
        return f"embeds: more than {EMBEDS_TOTAL_LIMIT} characters in all"
    for row in body.get("components") or []:
        for component in row.get("components", []):
            custom_id = component.get("custom_id")
            if custom_id is not None and not 1 <= len(custom_id) <= CUSTOM_ID_LIMIT:
                return f"components.custom_id: must be 1 to {CUSTOM_ID_LIMIT} long"
    return None


def _command_refusal(command: dict[str, Any]) -> str | None:
    """Why Discord would refuse to sync this command (or one of its subcommands)."""
    name, description = command.get("name", ""), command.get("description", "")
    if not 1 <= len(name) <= COMMAND_NAME_LIMIT:
        return f"name: {name!r} must be 1 to {COMMAND_NAME_LIMIT} long"
    if "description" in command and not 1 <= len(description) <= COMMAND_DESCRIPTION_LIMIT:
        return f"description of {name}: must be 1 to {COMMAND_DESCRIPTION_LIMIT} long"
    return next(filter(None, map(_command_refusal, command.get("options") or [])), None)


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """JSON, or discord.py's multipart form (`payload_json` plus `files[n]`)."""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        body = json.loads(str(form.get("payload_json") or "{}"))
        files = [
            (value.filename, value.file.read())
            for name, value in form.items()
            if name.startswith("files[") and isinstance(value, web.FileField)
        ]
        return body, files
    if request.can_read_body:
        text = await request.text()
        return (json.loads(text) if text else None), []
    return None, []
