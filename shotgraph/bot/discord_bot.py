"""The Discord front end: `/story` and friends on discord.py app commands, over the bot core.

One `Client` subclass owns its command tree and does its setup in `setup_hook` (command sync,
the persistent buttons, re-attaching to unfinished jobs); it is also the core's ChatSurface.
Progress is one embed per job, edited through the interaction while its token is valid
(15 minutes, PLATFORM-FACTS.md), then through the channel message itself, and in a DM to the
author when the bot cannot reach the channel. Where each job's message is, and how to reach it,
lives in the job record, so a restarted bot edits the same message and delivers exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Literal

import discord
import yarl
from discord import app_commands
from pydantic import BaseModel

from shotgraph.api.pages.gallery import Gallery, GalleryLinks
from shotgraph.bot.core import (
    EXAMPLE_STORY,
    BotCore,
    job_line,
    queue_lines,
    quota_text,
    reply_for,
    voices_text,
)
from shotgraph.bot.delivery import Delivery, plan_delivery
from shotgraph.bot.discord_settings import (
    ServerSettings,
    ServerSettingsChange,
    ServerSettingsStore,
)
from shotgraph.bot.fallbacks import fallback_lines
from shotgraph.bot.finished import (
    FilmAction,
    film_buttons,
    film_filename,
    film_lines,
    film_title,
)
from shotgraph.bot.follower import DeliveryRefused
from shotgraph.bot.progress import (
    ProgressView,
    cost_text,
    stage_text,
    status_line,
)
from shotgraph.bot.story_input import StoryInput
from shotgraph.bot.storyboard import (
    StoryboardAction,
    sheet_on_disk,
    shot_label,
    shot_menu,
    storyboard_caption,
    version_label,
)
from shotgraph.config import Settings
from shotgraph.errors import BackendUnavailable, InvalidStory
from shotgraph.models import AspectRatio, Captions, JobResult, Storyboard, StoryboardPanel
from shotgraph.queue import keys
from shotgraph.queue.client import JobNotFound, JobQueue
from shotgraph.queue.records import JobRecord, JobStatus, Owner, Platform
from shotgraph.queue.storyboard import NotAwaitingApproval, NothingToRetake
from shotgraph.storage import local_copy, open_storage

log = logging.getLogger(__name__)

# Discord's cap on a string option; longer stories come as a file (PLATFORM-FACTS.md).
MAX_TEXT_OPTION = 6000
# Job ids are 16 hex digits (JobQueue.submit); custom ids carry them (1-100 characters).
BUTTON_TEMPLATE = (
    r"story:(?P<action>cancel|retry|edit|reseed|reformat|subtitles|delete|get):"
    r"(?P<job_id>[0-9a-f]{16})"
)
ButtonAction = Literal[
    "cancel", "retry", "edit", "reseed", "reformat", "subtitles", "delete", "get"
]
_BUTTON_STYLES: dict[ButtonAction, discord.ButtonStyle] = {
    "cancel": discord.ButtonStyle.danger,
    "retry": discord.ButtonStyle.primary,
    "edit": discord.ButtonStyle.primary,
    "delete": discord.ButtonStyle.danger,
}
_BUTTON_LABELS: dict[ButtonAction, str] = {
    "cancel": "Cancel",
    "retry": "Try again",
    "edit": "Edit story",
    "get": "Get it again",
}
# The greeting's buttons, which act on no job.
WELCOME_TEMPLATE = r"shotgraph:(?P<action>example|howto)"
# Discord's longest text input in a modal (PLATFORM-FACTS.md): the Edit story box.
MODAL_TEXT_LIMIT = 4000
# How a story reaches the bot on Discord: the help's own paragraph.
HOW_TO_SEND = [
    "Use /story with your story in `text`, or attach it as a .txt or .md `file` for a long "
    "one. A few paragraphs make a film of a minute or two.",
    "Options of /story: title, style ('watercolour, warm'), format (landscape 16:9 or "
    "vertical 9:16), seed (a number: the same seed, the same look), language (es, fr, ...), "
    "voice (/voices lists them), captions, and visibility (public or only me).",
]
_COLOURS = {
    JobStatus.QUEUED: discord.Colour.light_grey(),
    JobStatus.RUNNING: discord.Colour.blurple(),
    JobStatus.DONE: discord.Colour.green(),
    JobStatus.FAILED: discord.Colour.red(),
    JobStatus.CANCELLED: discord.Colour.dark_grey(),
    JobStatus.AWAITING_APPROVAL: discord.Colour.gold(),
}
# Storyboard components: Render, and the menus of shots to re-roll, edit or retake.
APPROVE_TEMPLATE = r"sb:approve:(?P<job_id>[0-9a-f]{16})"
SHOT_MENU_TEMPLATE = r"sb:(?P<kind>reroll|edit|retake):(?P<job_id>[0-9a-f]{16})"
ShotMenuKind = Literal["reroll", "edit", "retake"]
_MENU_PLACEHOLDERS: dict[ShotMenuKind, str] = {
    "reroll": "Re-roll a shot…",
    "edit": "Edit a shot…",
    "retake": "Retake a shot…",
}
# Discord's modal limits: a title of 45 characters, text inputs of 4,000.
_MODAL_TITLE = 45
_SHEET_NAME = "storyboard.jpg"
NOT_YOURS = "That film is not yours: only its author or a moderator can do that."
# How a film carries its captions, for /story and /shotgraph settings.
CAPTION_CHOICES = [
    app_commands.Choice(name="burned into the picture", value="burned"),
    app_commands.Choice(name="soft track", value="soft"),
    app_commands.Choice(name="none", value="off"),
]
# The files of one request to Discord.
Files = list[discord.File]
# Message and embed limits (PLATFORM-FACTS.md): longer is a 400, not a shorter message.
CONTENT_LIMIT = 2000
FIELD_VALUE_LIMIT = 1024
# Uploads in a DM stop here whatever the user's Nitro or the server's boosts.
DM_UPLOAD_LIMIT = 10 * 1024 * 1024
# A request body is capped at 25 MiB whatever the file limit says; room for the embed and
# the multipart framing is left beside the film.
UPLOAD_BODY_ROOM = 25 * 1024 * 1024 - 64 * 1024
# Refusals that no retry, now or after a restart, gets past: cannot DM this user, unknown
# channel, unknown message, missing access.
PERMANENT_ERRORS = frozenset({50007, 10003, 10008, 50001})
Visibility = Literal["public", "only_me"]


def point_at(settings: Settings) -> None:
    """Send discord.py's REST calls and gateway connection where the settings say: Discord,
    a proxy, or the tests' local fake. Both are class attributes of the library."""
    discord.http.Route.BASE = settings.discord_api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class ProgressRef(BaseModel):
    """Where a job's progress message is and how to reach it (the record's `progress_ref`)."""

    application_id: int
    interaction_token: str | None
    token_valid_until: float
    channel_id: int
    message_id: int
    author_id: int
    upload_limit: int
    """The interaction's: the larger of the user's Nitro limit and the server's; it holds
    only for the interaction's own webhook."""
    server_upload_limit: int | None = None
    """What the bot's own messages in the channel may carry."""
    in_dm: bool = False
    ephemeral: bool = False
    """Only the author sees the job's messages: never post them in the channel."""
    unreachable: bool = False
    """Discord refused for good (DMs closed, channel gone): nothing more is sent."""

    def token_usable(self) -> bool:
        return self.interaction_token is not None and time.time() < self.token_valid_until

    def route_limit(self) -> int:
        """The upload limit of the route `_edit` takes first: the interaction's webhook while
        its token lives, then the channel message, or the DM."""
        if self.in_dm:
            return DM_UPLOAD_LIMIT
        if self.token_usable():
            return min(self.upload_limit, UPLOAD_BODY_ROOM)
        return min(self.server_upload_limit or self.upload_limit, UPLOAD_BODY_ROOM)


class StoryOptions(BaseModel):
    """The `/story` options as Discord delivered them (the file read separately)."""

    text: str | None = None
    title: str | None = None
    style: str | None = None
    format: AspectRatio = AspectRatio.LANDSCAPE
    seed: int | None = None
    language: str | None = None
    voice: str | None = None
    captions: Captions | None = None
    visibility: Visibility = "public"


class JobButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_TEMPLATE):
    """Cancel or Try again on a progress message. The custom id names the action and the job,
    so the button works for every message, and after restarts, without stored views."""

    def __init__(self, action: ButtonAction, job_id: str, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or _BUTTON_LABELS.get(action, action),
                style=_BUTTON_STYLES.get(action, discord.ButtonStyle.secondary),
                custom_id=f"story:{action}:{job_id}",
            )
        )
        self.action: ButtonAction = action
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> JobButton:
        return cls(match["action"], match["job_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.client, ShotGraphDiscord)
        client = interaction.client
        if self.action == "cancel":
            await client.press_cancel(interaction, self.job_id)
        elif self.action == "retry":
            await client.press_again(interaction, self.job_id, None)
        elif self.action in (FilmAction.RESEED, FilmAction.REFORMAT):
            await client.press_again(interaction, self.job_id, FilmAction(self.action))
        elif self.action == "edit":
            await client.press_edit(interaction, self.job_id)
        elif self.action == "subtitles":
            await client.press_subtitles(interaction, self.job_id)
        elif self.action == "delete":
            await client.press_delete(interaction, self.job_id)
        else:
            await client.press_get(interaction, self.job_id)


class WelcomeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=WELCOME_TEMPLATE):
    """The greeting's Try an example story and How it works."""

    def __init__(self, action: Literal["example", "howto"]) -> None:
        label = "Try an example story" if action == "example" else "How it works"
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.primary, custom_id=f"shotgraph:{action}"
            )
        )
        self.action: Literal["example", "howto"] = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> WelcomeButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.client, ShotGraphDiscord)
        if self.action == "howto":
            await interaction.client.show_help(interaction)
        else:
            await interaction.client.story_example(interaction)


class EditStory(discord.ui.Modal, title="Edit the story"):
    """The refused story in a box to change; submitting it queues the changed story."""

    def __init__(self, job_id: str, story: str) -> None:
        super().__init__(timeout=None, custom_id=f"shotgraph:edit:{job_id}")
        self.job_id = job_id
        self.story: discord.ui.TextInput[EditStory] = discord.ui.TextInput(
            label="Your story, changed",
            style=discord.TextStyle.paragraph,
            default=story[:MODAL_TEXT_LIMIT],
            max_length=MODAL_TEXT_LIMIT,
        )
        self.add_item(self.story)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.client, ShotGraphDiscord)
        await interaction.client.submit_story_edit(interaction, self.job_id, self.story.value)


class ApproveButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=APPROVE_TEMPLATE):
    """Render the film from the storyboard as it stands."""

    def __init__(self, job_id: str) -> None:
        action = StoryboardAction(kind="approve", job_id=job_id)
        super().__init__(
            discord.ui.Button(
                label="Render", style=discord.ButtonStyle.success, custom_id=action.id
            )
        )
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> ApproveButton:
        return cls(match["job_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.client, ShotGraphDiscord)
        await interaction.client.press_approve(interaction, self.job_id)


class ShotMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=SHOT_MENU_TEMPLATE):
    """A menu of the storyboard's shots: pick one to re-roll, edit or retake. The custom id
    carries the job, the chosen value the shot's number."""

    def __init__(self, kind: ShotMenuKind, job_id: str, board: Storyboard | None = None) -> None:
        panels = shot_menu(board) if board is not None else []
        options = [
            discord.SelectOption(label=shot_label(panel, 100), value=str(panel.number))
            for panel in panels
        ] or [discord.SelectOption(label="1", value="1")]
        action = StoryboardAction(kind=kind, job_id=job_id)
        super().__init__(
            discord.ui.Select(
                custom_id=action.id, placeholder=_MENU_PLACEHOLDERS[kind], options=options
            )
        )
        self.kind: ShotMenuKind = kind
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: Any
    ) -> ShotMenu:
        return cls(match["kind"], match["job_id"])

    async def callback(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.client, ShotGraphDiscord)
        values = (interaction.data or {}).get("values") or []
        number = int(values[0]) if values and str(values[0]).isdigit() else 0
        await interaction.client.pick_shot(interaction, self.kind, self.job_id, number)


class ShotEditModal(discord.ui.Modal):
    """The shot's picture description and narration, to rewrite; for a retake, submitted
    unchanged it asks for another take of the same words."""

    def __init__(self, job_id: str, panel: StoryboardPanel, retake: bool = False) -> None:
        verb = "Retake" if retake else "Edit"
        super().__init__(title=f"{verb} shot {panel.number}"[:_MODAL_TITLE], timeout=600)
        self.job_id = job_id
        self.number = panel.number
        self.retake = retake
        self.picture: discord.ui.TextInput[ShotEditModal] = discord.ui.TextInput(
            label="Picture description",
            style=discord.TextStyle.paragraph,
            default=panel.visual_prompt[:1000],
            max_length=1000,
        )
        self.narration: discord.ui.TextInput[ShotEditModal] = discord.ui.TextInput(
            label="Narration",
            style=discord.TextStyle.paragraph,
            default=panel.narration[:2000],
            max_length=2000,
            required=False,
        )
        self.add_item(self.picture)
        self.add_item(self.narration)
        self.original = (panel.visual_prompt[:1000], panel.narration[:2000])

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.client, ShotGraphDiscord)
        picture, narration = self.picture.value, self.narration.value
        # Only what the person changed counts as an edit.
        changed_picture = picture if picture != self.original[0] else None
        changed_narration = narration if narration != self.original[1] else None
        submit = interaction.client.submit_retake if self.retake else interaction.client.submit_edit
        await submit(interaction, self.job_id, self.number, changed_picture, changed_narration)


def storyboard_embed(record: JobRecord, board: Storyboard) -> discord.Embed:
    """The progress message while the storyboard waits: its contact sheet and what it costs."""
    embed = discord.Embed(
        title=f"🎞 {record.title}"[:256],
        description=storyboard_caption(record.title, board, 4096),
        colour=_COLOURS[JobStatus.AWAITING_APPROVAL],
    )
    embed.set_image(url=f"attachment://{_SHEET_NAME}")
    embed.set_footer(text=f"job {record.job_id}")
    return embed


def storyboard_buttons(record: JobRecord, board: Storyboard) -> discord.ui.View:
    buttons = discord.ui.View(timeout=None)
    buttons.add_item(ApproveButton(record.job_id))
    buttons.add_item(JobButton("cancel", record.job_id))
    buttons.add_item(ShotMenu("reroll", record.job_id, board))
    buttons.add_item(ShotMenu("edit", record.job_id, board))
    return buttons


def progress_embed(view: ProgressView) -> discord.Embed:
    """The progress message: status line, the stages with ticks and bar, then the result."""
    embed = discord.Embed(
        title=f"🎬 {view.title}"[:256],
        description=status_line(view)[:4096],
        colour=_COLOURS[view.status],
    )
    if view.status is not JobStatus.QUEUED or any(line.state != "waiting" for line in view.stages):
        stages = "\n".join(stage_text(line) for line in view.stages)
        embed.add_field(name="Stages", value=_clip(stages, FIELD_VALUE_LIMIT), inline=False)
    embed.set_footer(text=f"job {view.job_id}")
    return embed


def progress_buttons(view: ProgressView) -> discord.ui.View:
    """Cancel while the job can stop, Try again after a failure, Edit story after a safety
    refusal (the same story would be refused again); no buttons otherwise."""
    buttons = discord.ui.View(timeout=None)
    if view.can_cancel:
        buttons.add_item(JobButton("cancel", view.job_id))
    if view.can_retry:
        buttons.add_item(JobButton("retry", view.job_id))
    if view.refused:
        buttons.add_item(JobButton("edit", view.job_id))
    return buttons


# The thumbnail rides along with the film as this attachment, shown in the embed.
THUMBNAIL_NAME = "thumbnail.jpg"


def result_embed(
    record: JobRecord, result: JobResult, delivery: Delivery, thumbnail: bool
) -> discord.Embed:
    """The finished film: its story's title, its author (mentioned), how long and how made."""
    author = f"<@{record.owner.user_id}>"
    lines = film_lines(record, result, author)
    embed = discord.Embed(
        title=f"{film_title(record)} {version_label(record.versions)}".strip()[:256],
        description="\n".join(filter(None, [*lines, delivery.note]))[:4096],
        colour=_COLOURS[JobStatus.DONE],
        url=delivery.url,
    )
    if thumbnail:
        embed.set_thumbnail(url=f"attachment://{THUMBNAIL_NAME}")
    if delivery.url:
        embed.add_field(name="Watch", value=_clip(delivery.url, FIELD_VALUE_LIMIT), inline=False)
    if fell_back := fallback_lines(result):
        notes = "\n".join(f"⚠️ {line}" for line in fell_back)
        embed.add_field(name="Fell back", value=_clip(notes, FIELD_VALUE_LIMIT), inline=False)
    embed.set_footer(text=f"job {record.job_id}")
    return embed


def result_buttons(record: JobRecord, result: JobResult | None) -> discord.ui.View:
    """New seed, the other format, Subtitles and Delete; and the menu to retake a shot when
    the film has a storyboard to pick it from."""
    buttons = discord.ui.View(timeout=None)
    for button in film_buttons(record):
        buttons.add_item(JobButton(button.action.value, record.job_id, button.label))
    if result is not None and result.storyboard is not None:
        buttons.add_item(ShotMenu("retake", record.job_id, result.storyboard))
    return buttons


class ShotGraphDiscord(discord.Client):
    """The bot: commands, buttons, and the ChatSurface the core follows jobs through."""

    platform: Platform = "discord"

    def __init__(self, settings: Settings, queue: JobQueue) -> None:
        point_at(settings)
        # Guild events only: channels and roles; interactions need no intent.
        super().__init__(intents=discord.Intents(guilds=True))
        self.settings = settings
        self.core = BotCore(settings, queue, self, settings.discord_edit_interval_s)
        self.servers = ServerSettingsStore(queue.redis)
        self.gallery = Gallery(queue.redis, queue.store)
        self.tree = app_commands.CommandTree(self)
        self.tree.error(self._on_command_error)
        self._add_commands()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(JobButton, WelcomeButton, ApproveButton, ShotMenu)
        if self.settings.discord_test_guild_id is not None:
            guild = discord.Object(self.settings.discord_test_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        else:
            await self.tree.sync()
        resumed = await self.core.resume()
        if resumed:
            log.info("re-attached to %d jobs: %s", len(resumed), ", ".join(resumed))

    async def close(self) -> None:
        await self.core.close()
        await super().close()

    # -- commands ----------------------------------------------------------------------

    def _add_commands(self) -> None:
        """Thin closures that hand Discord's arguments to the methods below."""
        tree = self.tree

        @tree.command(name="story", description="Turn a story into a narrated film")
        @app_commands.describe(
            text="The story (for a longer one, attach a .txt or .md file instead)",
            file="A .txt or .md file holding the story",
            title="The film's title (default: the story's heading)",
            style="Visual style words, e.g. 'watercolour, warm'",
            format="Landscape 16:9 or vertical 9:16",
            seed="A number: the same seed gives the same look",
            language="The story's language, e.g. es or fr (default: detected)",
            voice="The narrator's voice (/voices lists them)",
            captions="Captions burned into the picture, a soft track, or none",
            visibility="Show the progress and film to the channel, or only to you",
        )
        @app_commands.choices(
            format=[
                app_commands.Choice(name="landscape 16:9", value=AspectRatio.LANDSCAPE.value),
                app_commands.Choice(name="vertical 9:16", value=AspectRatio.PORTRAIT.value),
            ],
            captions=CAPTION_CHOICES,
            visibility=[
                app_commands.Choice(name="public in the channel", value="public"),
                app_commands.Choice(name="only me", value="only_me"),
            ],
        )
        @app_commands.guild_only()
        async def story(
            interaction: discord.Interaction,
            text: app_commands.Range[str, 1, MAX_TEXT_OPTION] | None = None,
            file: discord.Attachment | None = None,
            title: app_commands.Range[str, 1, 120] | None = None,
            style: app_commands.Range[str, 1, 200] | None = None,
            format: str = AspectRatio.LANDSCAPE.value,
            seed: app_commands.Range[int, 0, 2**31 - 1] | None = None,
            language: app_commands.Range[str, 2, 20] | None = None,
            voice: app_commands.Range[str, 1, 100] | None = None,
            captions: str | None = None,
            visibility: str = "public",
        ) -> None:
            options = StoryOptions.model_validate(
                {
                    "text": text,
                    "title": title,
                    "style": style,
                    "format": format,
                    "seed": seed,
                    "language": language,
                    "voice": voice,
                    "captions": captions,
                    "visibility": visibility,
                }
            )
            await self.story(interaction, options, file)

        @tree.command(name="help", description="What ShotGraph does, its options and limits")
        async def help_(interaction: discord.Interaction) -> None:
            await self.show_help(interaction)

        @tree.command(name="voices", description="The narrator voices for a language")
        @app_commands.describe(language="A language tag, e.g. en, es, pt-BR (default: en)")
        async def voices(
            interaction: discord.Interaction, language: app_commands.Range[str, 2, 20] = "en"
        ) -> None:
            await interaction.response.send_message(voices_text(language), ephemeral=True)

        @tree.command(name="status", description="Your films, with a button to get each again")
        async def status(interaction: discord.Interaction) -> None:
            await self.show_status(interaction)

        @tree.command(name="queue", description="The films being made and waiting")
        async def queue(interaction: discord.Interaction) -> None:
            await self.show_queue(interaction)

        @tree.command(name="cancel", description="Cancel your film in the works")
        async def cancel(interaction: discord.Interaction) -> None:
            await self.cancel_latest(interaction)

        @tree.command(name="quota", description="How many films you can still make today")
        async def quota(interaction: discord.Interaction) -> None:
            await self.show_quota(interaction)

        group = app_commands.Group(
            name="shotgraph",
            description="ShotGraph for this server",
            default_permissions=discord.Permissions(manage_guild=True),
            guild_only=True,
        )

        @group.command(name="settings", description="Moderators: where and how ShotGraph works")
        @app_commands.describe(
            channel="Allow (or, if allowed, disallow) /story in this channel",
            all_channels="Allow /story in every channel again",
            role="Only members with this role may make films",
            everyone="Let every member make films again",
            daily_quota="Films each member may make per day here",
            max_story_length="Longest story accepted here, in characters",
            captions="How this server's films carry captions",
            storyboard="Show each film's storyboard for approval first, or render at once",
            gallery="A web page listing this server's public films (a new link revokes the old)",
        )
        @app_commands.choices(
            captions=CAPTION_CHOICES,
            storyboard=[
                app_commands.Choice(name="ask: approve the storyboard first", value="ask"),
                app_commands.Choice(name="auto: render at once", value="auto"),
            ],
            gallery=[
                app_commands.Choice(name="on", value="on"),
                app_commands.Choice(name="off", value="off"),
                app_commands.Choice(name="new link", value="new_link"),
            ],
        )
        async def settings(
            interaction: discord.Interaction,
            channel: discord.TextChannel | None = None,
            all_channels: bool | None = None,
            role: discord.Role | None = None,
            everyone: bool | None = None,
            daily_quota: app_commands.Range[int, 1, 1000] | None = None,
            max_story_length: app_commands.Range[int, 50, 200_000] | None = None,
            captions: str | None = None,
            storyboard: str | None = None,
            gallery: str | None = None,
        ) -> None:
            changes = ServerSettingsChange.model_validate(
                {
                    "channel_id": str(channel.id) if channel else None,
                    "all_channels": bool(all_channels),
                    "role_id": str(role.id) if role else None,
                    "everyone": bool(everyone),
                    "daily_quota": daily_quota,
                    "max_story_length": max_story_length,
                    "captions": captions,
                    "storyboard": storyboard,
                    "gallery": gallery,
                }
            )
            await self.change_settings(interaction, changes)

        tree.add_command(group)

    async def story(
        self,
        interaction: discord.Interaction,
        options: StoryOptions,
        file: discord.Attachment | None,
    ) -> None:
        """Check what can be checked at once, defer within Discord's 3 s, then queue."""
        server = await self._admit_member(interaction)
        if (options.text is None) == (file is None):
            raise InvalidStory(
                "Give the story either as text or as a .txt or .md file, not both."
                if file is not None
                else "Give the story as text, or attach it as a .txt or .md file."
            )
        if file is not None:  # by its announced size: an attachment may be 500 MiB
            self.core.check_document(file.filename, file.size)
        ephemeral = options.visibility == "only_me"
        callback = await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        text = options.text
        if file is not None:
            text = self.core.story_from_document(await file.read(), file.filename)
        assert text is not None
        if server.max_story_chars and len(text) > server.max_story_chars:
            raise InvalidStory(
                f"The story is {len(text)} characters; this server takes stories of up to "
                f"{server.max_story_chars}. Shorten it or split it in parts."
            )
        story = StoryInput(
            story=text,
            title=options.title,
            style=options.style,
            aspect=options.format,
            seed=options.seed,
            language=options.language,
            voice=options.voice,
            captions=options.captions,
        )
        owner = _owner(interaction)
        record = await self._within_quota(
            interaction,
            server,
            lambda: self.core.submit(story, owner, server.captions, server.storyboard),
        )
        if options.visibility == "public" and owner.server_id is not None:
            await self.gallery.add(owner.server_id, record.job_id)
        first = await self._first_story(interaction)
        if first:
            # The first follow-up after a deferred reply would replace that reply
            # (PLATFORM-FACTS.md): the reply shows the progress before the greeting comes.
            view = ProgressView(
                job_id=record.job_id, title=record.title, status=record.status, stages=[]
            )
            await interaction.edit_original_response(
                embed=progress_embed(view), view=progress_buttons(view)
            )
        await self._follow(interaction, record, callback, ephemeral)
        if first:
            await self._greet(interaction)

    async def _first_story(self, interaction: discord.Interaction) -> bool:
        """Whether this is the member's first /story in this server (asked once)."""
        key = keys.discord_greeted(str(interaction.guild_id), str(interaction.user.id))
        return bool(await self.core.queue.redis.set(key, b"1", nx=True))

    async def _greet(self, interaction: discord.Interaction) -> None:
        """A member's first /story in a server: three lines, an example and two buttons,
        for them alone."""
        greeting = self.core.greeting(send="Use /story with")
        buttons = discord.ui.View(timeout=None)
        buttons.add_item(WelcomeButton("example"))
        buttons.add_item(WelcomeButton("howto"))
        try:
            await interaction.followup.send(greeting, view=buttons, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not greet a new member", exc_info=True)

    async def _admit_member(self, interaction: discord.Interaction) -> ServerSettings:
        """The server's settings, once they let this member start a film in this channel."""
        server = await self._server(interaction)
        server.check_member(
            str(interaction.channel_id), _role_ids(interaction), _is_moderator(interaction)
        )
        return server

    async def _within_quota(
        self,
        interaction: discord.Interaction,
        server: ServerSettings,
        submit: Callable[[], Awaitable[JobRecord]],
    ) -> JobRecord:
        """Queue a film under the server's own daily quota as well as the global limits."""
        quota = server.daily_quota_per_user
        guild_id, user_id = str(interaction.guild_id), str(interaction.user.id)
        if quota is not None:
            await self.servers.take_quota(guild_id, user_id, quota)
        try:
            return await submit()
        except BaseException:
            if quota is not None:
                await self.servers.give_back_quota(guild_id, user_id)
            raise

    async def _follow(
        self,
        interaction: discord.Interaction,
        record: JobRecord,
        callback: discord.InteractionCallbackResponse[Any] | None,
        ephemeral: bool = False,
    ) -> None:
        """Remember the progress message (the interaction's reply) in the job record, then
        follow the job."""
        message_id = callback.message_id if callback is not None else None
        if message_id is None:
            message_id = (await interaction.original_response()).id
        ref = ProgressRef(
            application_id=interaction.application_id,
            interaction_token=interaction.token,
            token_valid_until=time.time() + self.settings.discord_interaction_token_s,
            channel_id=interaction.channel_id or 0,
            message_id=message_id,
            author_id=interaction.user.id,
            upload_limit=interaction.filesize_limit,
            ephemeral=ephemeral,
            server_upload_limit=_server_upload_limit(interaction),
        )
        record = await self.core.follower.remember_message(record, ref.model_dump_json())
        self.core.follow(record)

    async def show_queue(self, interaction: discord.Interaction) -> None:
        """The films being made (with their stage) and waiting (with their wait); titles and
        authors only of this server's own films, since the queue is shared with other
        servers and platforms."""
        here = str(interaction.guild_id)
        lines = await queue_lines(
            self.core.queue,
            lambda record: record.owner.platform == "discord" and record.owner.server_id == here,
        )
        text = (
            fit_lines(lines, CONTENT_LIMIT) or "Nothing is being made: a new story starts at once."
        )
        await interaction.response.send_message(text, ephemeral=True)

    async def show_help(self, interaction: discord.Interaction) -> None:
        usage = await self.core.quota(_owner(interaction))
        text = self.core.help_text(HOW_TO_SEND, usage)
        await interaction.response.send_message(
            fit_lines(text.splitlines(), CONTENT_LIMIT), ephemeral=True
        )

    async def show_status(self, interaction: discord.Interaction) -> None:
        jobs = await self.core.jobs(_owner(interaction), 8)
        if not jobs:
            await interaction.response.send_message(
                "You have no films yet; use /story.", ephemeral=True
            )
            return
        buttons = discord.ui.View(timeout=None)
        for job in jobs:
            if job.status is JobStatus.DONE and len(buttons.children) < 5:
                buttons.add_item(JobButton("get", job.job_id, f"Get “{job.title}”"[:80]))
        text = fit_lines([job_line(job) for job in jobs], CONTENT_LIMIT)
        await interaction.response.send_message(text, view=buttons, ephemeral=True)

    async def story_example(self, interaction: discord.Interaction) -> None:
        """The greeting's example story, filmed for the member who pressed the button."""
        server = await self._admit_member(interaction)
        callback = await interaction.response.defer(thinking=True)
        story = StoryInput(story=EXAMPLE_STORY, title="The Red Kite")
        owner = _owner(interaction)
        record = await self._within_quota(
            interaction, server, lambda: self.core.submit(story, owner, server.captions)
        )
        await self._follow(interaction, record, callback)

    async def cancel_latest(self, interaction: discord.Interaction) -> None:
        record = await self.core.cancel_latest(_owner(interaction))
        await interaction.response.send_message(f'Cancelling "{record.title}".', ephemeral=True)

    async def show_quota(self, interaction: discord.Interaction) -> None:
        owner = _owner(interaction)
        text = quota_text(await self.core.quota(owner))
        server = await self._server(interaction)
        if server.daily_quota_per_user is not None and interaction.guild_id is not None:
            used = await self.servers.used_today(str(interaction.guild_id), owner.user_id)
            text += f" On this server: {used} of {server.daily_quota_per_user} today."
        await interaction.response.send_message(text, ephemeral=True)

    async def change_settings(
        self, interaction: discord.Interaction, change: ServerSettingsChange
    ) -> None:
        if not _is_moderator(interaction) or interaction.guild_id is None:
            await interaction.response.send_message(
                "Only the server's moderators can change ShotGraph's settings.", ephemeral=True
            )
            return
        guild_id = str(interaction.guild_id)
        server = change.apply(await self.servers.get(guild_id))
        # Checked before saving: a gallery needs LINK_SECRET to sign its link.
        gallery = server.gallery_key and GalleryLinks(self.settings).url_for(
            guild_id, server.gallery_key
        )
        await self.servers.save(guild_id, server)
        await interaction.response.send_message(
            server.describe(self.settings, gallery), ephemeral=True
        )

    # -- buttons -----------------------------------------------------------------------

    async def press_cancel(self, interaction: discord.Interaction, job_id: str) -> None:
        try:
            record = await self.core.cancel(job_id, await self._acting_user(interaction, job_id))
        except JobNotFound:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        except Exception as error:
            await self._refuse(interaction, error)
        else:
            await interaction.response.send_message(f'Cancelling "{record.title}".', ephemeral=True)

    async def press_again(
        self, interaction: discord.Interaction, job_id: str, change: FilmAction | None
    ) -> None:
        """Try again (`change` None), New seed or the other format: the story queued again,
        under the same server rules as a new `/story`."""

        async def submit() -> JobRecord:
            acting = await self._acting_user(interaction, job_id)
            if change is None:
                return await self.core.retry(job_id, acting)
            return await self.core.again(job_id, acting, change)

        await self._queue_again(interaction, submit)

    async def _queue_again(
        self, interaction: discord.Interaction, submit: Callable[[], Awaitable[JobRecord]]
    ) -> None:
        """Queue a film from a button or a modal; its progress is a new message, as private
        as the one pressed was.

        The press is acknowledged first: a second bot process with the same token gets the
        same press, and only one acknowledgement of it succeeds; the other process stops
        there (and the core queues a job's retry once in any case)."""
        private = interaction.message is not None and interaction.message.flags.ephemeral
        try:
            callback = await interaction.response.defer(ephemeral=private, thinking=True)
        except discord.HTTPException as error:
            log.info("press answered elsewhere (%s); leaving it", error.code)
            return
        try:
            server = await self._admit_member(interaction)
            record = await self._within_quota(interaction, server, submit)
        except JobNotFound:
            await self._tell(interaction, NOT_YOURS)
        except Exception as error:
            await self._refuse(interaction, error)
        else:
            view = ProgressView(
                job_id=record.job_id, title=record.title, status=record.status, stages=[]
            )
            await interaction.edit_original_response(
                embed=progress_embed(view), view=progress_buttons(view)
            )
            await self._follow(interaction, record, callback, private)

    async def press_edit(self, interaction: discord.Interaction, job_id: str) -> None:
        """A refused story's Edit story: the story in a box to change."""
        try:
            record = await self.core.queue.job_for(
                job_id, await self._acting_user(interaction, job_id)
            )
        except JobNotFound:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        await interaction.response.send_modal(EditStory(job_id, record.request.story))

    async def submit_story_edit(
        self, interaction: discord.Interaction, job_id: str, story: str
    ) -> None:
        """The refused story, changed in the Edit story modal, queued with its options."""

        async def submit() -> JobRecord:
            acting = await self._acting_user(interaction, job_id)
            return await self.core.edited(job_id, acting, story)

        await self._queue_again(interaction, submit)

    async def press_subtitles(self, interaction: discord.Interaction, job_id: str) -> None:
        """The film's .srt, for the presser alone (anyone may have a film's subtitles)."""
        try:
            record = await self.core.queue.get(job_id)
            _, srt = await self.core.film_file(job_id, record.owner, "subtitles")
        except Exception as error:
            await self._refuse(interaction, error)
            return
        file = discord.File(srt, filename=film_filename(record.title, ".srt"))
        await interaction.response.send_message(file=file, ephemeral=True)

    async def press_delete(self, interaction: discord.Interaction, job_id: str) -> None:
        """Remove the film and its message: its author or a moderator."""
        try:
            record = await self.core.delete_film(
                job_id, await self._acting_user(interaction, job_id)
            )
        except JobNotFound:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return
        except Exception as error:
            await self._refuse(interaction, error)
            return
        gone = f'Deleted "{record.title}".'
        message = interaction.message
        if message is None or message.flags.ephemeral:
            await interaction.response.edit_message(
                content=gone, embed=None, attachments=[], view=None
            )
            return
        await message.delete()
        await interaction.response.send_message(gone, ephemeral=True)

    async def press_get(self, interaction: discord.Interaction, job_id: str) -> None:
        """A film from /status, again, for the presser alone."""
        try:
            record, _ = await self.core.film_file(job_id, _owner(interaction), "video")
        except Exception as error:
            await self._refuse(interaction, error)
            return
        assert record.result is not None
        delivery = await plan_delivery(self.settings, record.result, interaction.filesize_limit)
        files = await self._film_files(record, record.result, delivery, interaction.filesize_limit)
        embed = result_embed(record, record.result, delivery, _has_thumbnail(files))
        await interaction.response.send_message(
            embed=embed, files=files, view=result_buttons(record, record.result), ephemeral=True
        )

    async def press_approve(self, interaction: discord.Interaction, job_id: str) -> None:
        try:
            acting = await self._acting_user(interaction, job_id)
            await self.core.storyboards.approve(job_id, acting)
        except JobNotFound:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        except Exception as error:
            await self._refuse(interaction, error)
        else:
            await interaction.response.send_message("Rendering the film.", ephemeral=True)

    async def pick_shot(
        self, interaction: discord.Interaction, kind: ShotMenuKind, job_id: str, number: int
    ) -> None:
        """A shot chosen in one of the menus: re-roll it, open its edit form, or retake it."""
        try:
            acting = await self._acting_user(interaction, job_id)
            if kind == "reroll":
                await self.core.storyboards.reroll(job_id, acting, number)
                await interaction.response.send_message(
                    f"Drawing shot {number} again.", ephemeral=True
                )
            elif kind == "edit":
                record = await self.core.queue.job_for(job_id, acting)
                panel = record.storyboard.panel(number) if record.storyboard else None
                if panel is None or record.status is not JobStatus.AWAITING_APPROVAL:
                    raise NotAwaitingApproval(f'"{record.title}" has no storyboard waiting.')
                await interaction.response.send_modal(ShotEditModal(job_id, panel))
            else:
                await self._admit_member(interaction)
                record = await self.core.queue.job_for(job_id, acting)
                board = record.result.storyboard if record.result else None
                panel = board.panel(number) if board else None
                if panel is None or record.status is not JobStatus.DONE:
                    raise NothingToRetake(f'"{record.title}" has no finished film to retake.')
                await interaction.response.send_modal(ShotEditModal(job_id, panel, retake=True))
        except JobNotFound:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        except Exception as error:
            await self._refuse(interaction, error)

    async def submit_edit(
        self,
        interaction: discord.Interaction,
        job_id: str,
        number: int,
        picture: str | None,
        narration: str | None,
    ) -> None:
        try:
            acting = await self._acting_user(interaction, job_id)
            await self.core.storyboards.edit(job_id, acting, number, picture, narration)
        except JobNotFound:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        except Exception as error:
            await self._refuse(interaction, error)
        else:
            await interaction.response.send_message(
                f"Shot {number}: changes taken; the storyboard is being redrawn.", ephemeral=True
            )

    async def submit_retake(
        self,
        interaction: discord.Interaction,
        job_id: str,
        number: int,
        picture: str | None,
        narration: str | None,
    ) -> None:
        """Retake one shot (with the words changed in the form, if any); its version gets a
        progress message of its own. It counts against the daily limit by the shots it renders."""
        try:
            acting = await self._acting_user(interaction, job_id)
            record = await self.core.retake(job_id, acting, number, picture, narration)
        except JobNotFound:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        except Exception as error:
            await self._refuse(interaction, error)
        else:
            await self._post_retake(interaction, record, number)

    async def _post_retake(
        self, interaction: discord.Interaction, record: JobRecord, number: int
    ) -> None:
        """The retake's own progress message, in the channel, followed like a new film's."""
        view = ProgressView(
            job_id=record.job_id,
            title=record.title,
            status=record.status,
            note=f"Retaking shot {number}.",
            stages=[],
        )
        callback = await interaction.response.send_message(
            embed=progress_embed(view), view=progress_buttons(view)
        )
        await self._follow(interaction, record, callback)

    async def _acting_user(self, interaction: discord.Interaction, job_id: str) -> Owner:
        """The presser; for a moderator of the job's own server, the job's author, since
        moderators may act on any film made in their server."""
        user = _owner(interaction)
        if not _is_moderator(interaction):
            return user
        record = await self.core.queue.get(job_id)
        return record.owner if record.owner.server_id == user.server_id else user

    # -- the ChatSurface ---------------------------------------------------------------

    async def show(self, record: JobRecord, view: ProgressView) -> None:
        ref = _ref(record)
        if ref is None:
            return
        board = record.storyboard
        try:
            if view.status is JobStatus.AWAITING_APPROVAL and board is not None:
                # The storyboard is the progress message now (its sheet attached by
                # show_storyboard): keep it, and its buttons, in place.
                embed, buttons = storyboard_embed(record, board), storyboard_buttons(record, board)
                await self._edit(record, ref, embed, buttons, [])
            else:
                await self._edit(record, ref, progress_embed(view), progress_buttons(view), [])
        except DeliveryRefused as refusal:
            log.debug("job %s: not shown: %s", record.job_id, refusal)
        except Exception:  # a lost edit is not worth stopping the job's follower for
            log.warning("could not show job %s anywhere", record.job_id, exc_info=True)

    async def show_storyboard(self, record: JobRecord, board: Storyboard) -> None:
        """The progress embed becomes the storyboard: the contact sheet, Render, Cancel, and
        the menus to re-roll or edit a shot."""
        ref = _ref(record)
        if ref is None:
            raise RuntimeError(f"job {record.job_id} has no progress message to show it in")
        sheet = discord.File(await sheet_on_disk(self.settings, board), filename=_SHEET_NAME)
        fresh = record.model_copy(update={"storyboard": board})
        await self._edit(
            fresh, ref, storyboard_embed(fresh, board), storyboard_buttons(fresh, board), [sheet]
        )

    async def deliver(self, record: JobRecord, result: JobResult) -> None:
        ref = _ref(record)
        if ref is None:
            raise RuntimeError(f"job {record.job_id} has no progress message to deliver to")
        await self._deliver_by_route(record, ref, result)

    async def _deliver_by_route(
        self, record: JobRecord, ref: ProgressRef, result: JobResult
    ) -> None:
        """Upload what fits the route that will carry it; when the route changed on the way
        (the token died, the channel refused) and the upload was too big, what fits the new
        route, or a link when even that was refused."""
        limit = ref.route_limit()
        expired = record.film_expired_at is not None
        delivery = await plan_delivery(self.settings, result, limit, expired)
        try:
            await self._post_film(record, ref, result, delivery, limit)
        except discord.HTTPException as error:
            if delivery.kind != "upload" or error.status != 413:
                raise
            moved = _ref(await self.core.queue.get(record.job_id)) or ref
            # The route after the channel is a DM: plan for the smaller of the two.
            smaller = min(moved.route_limit(), DM_UPLOAD_LIMIT)
            if smaller >= limit:  # the limit is lower than Discord said: no upload fits
                smaller = 0
            retry = await plan_delivery(self.settings, result, smaller)
            await self._post_film(record, moved, result, retry, smaller)

    async def _post_film(
        self,
        record: JobRecord,
        ref: ProgressRef,
        result: JobResult,
        delivery: Delivery,
        limit: int,
    ) -> None:
        """The finished-film message, posted as a new message that mentions the author (an
        edit notifies no one); then the progress message goes, and the author alone learns
        what the LLM calls cost."""
        files = await self._film_files(record, result, delivery, limit)
        embed = result_embed(record, result, delivery, _has_thumbnail(files))
        buttons = result_buttons(record, result)
        post = partial(self._post, record, embed, buttons, files, delivery.url)
        await self._guarded(record, ref, post)
        # The film is in the chat: delivered now, so a restart before the tidying below
        # never posts it twice (the follower's own mark after this changes nothing).
        await self.core.queue.store.mark_delivered(record.job_id)
        fresh = _ref(await self.core.queue.get(record.job_id)) or ref
        await self._remove_progress(record, fresh)
        if result.cost.lines and fresh.token_usable():
            with contextlib.suppress(discord.HTTPException):
                await self._interaction_webhook(fresh).send(cost_text(result), ephemeral=True)

    async def _film_files(
        self, record: JobRecord, result: JobResult, delivery: Delivery, limit: int
    ) -> list[discord.File]:
        """The film when it is uploaded, and its thumbnail for the embed when both fit the
        route's upload limit (no thumbnail is worth losing the film's upload for)."""
        files, size = [], 0
        if delivery.kind == "upload" and delivery.path is not None:
            files.append(discord.File(delivery.path, filename=film_filename(record.title)))
            size = delivery.path.stat().st_size
        thumbnail = await asyncio.to_thread(
            local_copy, open_storage(self.settings), result.files.thumbnail, self.settings
        )
        if thumbnail is not None and size + thumbnail.stat().st_size <= limit:
            files.append(discord.File(thumbnail, filename=THUMBNAIL_NAME))
        return files

    async def _post(
        self,
        record: JobRecord,
        embed: discord.Embed,
        buttons: discord.ui.View,
        files: list[discord.File],
        link: str | None,
        ref: ProgressRef,
    ) -> None:
        """Post a new message for the job, mentioning its author: a follow-up of the
        interaction, the channel, or a DM (see `_reach`). A private ("only me") job never
        falls back to the channel. A link to the watch page goes in the text too: that, not
        the embed, is what Discord unfurls into a preview that plays the film."""
        author = discord.Object(ref.author_id)
        content = f"<@{ref.author_id}> your film is ready." + (f" {link}" if link else "")
        mentions = discord.AllowedMentions(everyone=False, roles=False, users=[author])

        async def by_webhook(webhook: discord.Webhook, ref: ProgressRef, files: Files) -> None:
            await webhook.send(
                content,
                embed=embed,
                view=buttons,
                files=files or discord.utils.MISSING,
                allowed_mentions=mentions,
                ephemeral=ref.ephemeral,
                wait=True,
            )

        async def in_channel(ref: ProgressRef, files: Files) -> None:
            channel = self.get_partial_messageable(ref.channel_id)
            await channel.send(
                content,
                embed=embed,
                view=buttons,
                files=files or discord.utils.MISSING,
                allowed_mentions=mentions,
            )

        async def by_dm(ref: ProgressRef, files: Files) -> None:
            dm = await self.create_dm(author)
            await dm.send(link, embed=embed, view=buttons, files=files or discord.utils.MISSING)

        public = not ref.ephemeral or ref.in_dm
        await self._reach(record, ref, files, by_webhook, in_channel if public else None, by_dm)

    async def _remove_progress(self, record: JobRecord, ref: ProgressRef) -> None:
        """Delete the progress message: the film's own message now says all it said."""
        try:
            if ref.token_usable():
                await self._interaction_webhook(ref).delete_message(ref.message_id)
            elif not ref.ephemeral and not ref.unreachable:
                channel = self.get_partial_messageable(ref.channel_id)
                await channel.get_partial_message(ref.message_id).delete()
        except discord.HTTPException as error:
            log.info("job %s: progress message not removed: %s", record.job_id, error)

    async def _edit(
        self,
        record: JobRecord,
        ref: ProgressRef,
        embed: discord.Embed,
        buttons: discord.ui.View,
        files: list[discord.File],
    ) -> None:
        """Edit the progress message (with `files` attached instead of what it had): through
        the interaction, the channel message, or a new message in a DM to the author, which
        later edits then go to (see `_reach`)."""

        async def by_webhook(webhook: discord.Webhook, ref: ProgressRef, files: Files) -> None:
            await webhook.edit_message(
                ref.message_id,
                embed=embed,
                view=buttons,
                attachments=files or discord.utils.MISSING,
            )

        async def in_channel(ref: ProgressRef, files: Files) -> None:
            channel = self.get_partial_messageable(ref.channel_id)
            await channel.get_partial_message(ref.message_id).edit(
                embed=embed, view=buttons, attachments=files or discord.utils.MISSING
            )

        async def by_dm(ref: ProgressRef, files: Files) -> None:
            dm = await self.create_dm(discord.Object(ref.author_id))
            sent = await dm.send(embed=embed, view=buttons, files=files or discord.utils.MISSING)
            await self._move(record, ref, channel_id=dm.id, message_id=sent.id, in_dm=True)

        reach = partial(self._reach, record, files=files, by_webhook=by_webhook)
        await self._guarded(record, ref, partial(reach, in_channel=in_channel, by_dm=by_dm))

    async def _guarded(
        self,
        record: JobRecord,
        ref: ProgressRef,
        call: Callable[[ProgressRef], Awaitable[None]],
    ) -> None:
        """Make `call` into the job's chat, unless Discord refused the job's last way for
        good; such a refusal is remembered, so it is met once, not at every edit (repeated
        refusals count towards a ban, PLATFORM-FACTS.md)."""
        if ref.unreachable:
            raise DeliveryRefused(f"job {record.job_id}: no way left into the chat")
        try:
            await call(ref)
        except discord.HTTPException as error:
            if error.code not in PERMANENT_ERRORS:
                raise
            latest = _ref(await self.core.queue.get(record.job_id)) or ref
            await self._move(record, latest, unreachable=True)
            raise DeliveryRefused(f"{error.code}: {error.text}") from error

    async def _reach(
        self,
        record: JobRecord,
        ref: ProgressRef,
        files: list[discord.File],
        by_webhook: Callable[[discord.Webhook, ProgressRef, Files], Awaitable[None]],
        in_channel: Callable[[ProgressRef, Files], Awaitable[None]] | None,
        by_dm: Callable[[ProgressRef, Files], Awaitable[None]],
    ) -> None:
        """Do one thing in the job's chat by the best way still open: the interaction's
        webhook while its token lives, then the channel (unless `in_channel` is None), then
        the author's DMs when the bot cannot reach the channel. Each way after the first
        gets the files opened again (discord.py closes them when a request is refused)."""
        if ref.token_usable():
            try:
                await by_webhook(self._interaction_webhook(ref), ref, files)
                return
            except discord.NotFound:
                # Someone deleted the progress message: the channel or a DM carries on.
                log.info("job %s: its message is gone", record.job_id)
            except discord.HTTPException as error:
                if error.status != 401:
                    raise
                log.info("job %s: the interaction token died early", record.job_id)
        if ref.interaction_token is not None:
            # Never call an expired token again: repeated 401s count towards a ban
            # (PLATFORM-FACTS.md).
            ref = await self._move(record, ref, interaction_token=None)
        if in_channel is not None:
            files = _reopen(files)
            try:
                await in_channel(ref, files)
                return
            except (discord.Forbidden, discord.NotFound):
                if ref.in_dm:
                    raise
                log.info("job %s: cannot reach channel %s; DMing", record.job_id, ref.channel_id)
        await by_dm(ref, _reopen(files))

    def _interaction_webhook(self, ref: ProgressRef) -> discord.Webhook:
        """The interaction's own webhook, as `Interaction.followup` builds it: an application
        webhook, the only kind that may send ephemeral messages."""
        data: Any = {"id": ref.application_id, "type": 3, "token": ref.interaction_token}
        return discord.Webhook.from_state(data=data, state=self._connection)

    async def _move(self, record: JobRecord, ref: ProgressRef, **changes: Any) -> ProgressRef:
        moved = ref.model_copy(update=changes)
        await self.core.follower.remember_message(record, moved.model_dump_json())
        return moved

    # -- errors ------------------------------------------------------------------------

    async def _on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        await self._refuse(interaction, original)

    async def _refuse(self, interaction: discord.Interaction, error: Exception) -> None:
        """Tell only the user what went wrong (their error's sentence, or a generic one)."""
        await self._tell(interaction, reply_for(error))

    async def _tell(self, interaction: discord.Interaction, text: str) -> None:
        """Answer only the user, before or after the interaction was deferred."""
        try:
            if not interaction.response.is_done():
                await interaction.response.send_message(text, ephemeral=True)
                return
            # Deferred already: replace the "thinking" message with a private one.
            await interaction.delete_original_response()
            await interaction.followup.send(text, ephemeral=True)
        except discord.HTTPException:
            log.warning("could not tell the user: %s", text, exc_info=True)

    async def _server(self, interaction: discord.Interaction) -> ServerSettings:
        if interaction.guild_id is None:
            return ServerSettings()
        return await self.servers.get(str(interaction.guild_id))


def fit_lines(lines: list[str], limit: int) -> str:
    """As many whole lines as fit in `limit` characters, then how many were left out."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        more = f"… and {len(lines) - index} more"
        if len("\n".join([*kept, line, more if index < len(lines) - 1 else ""])) > limit:
            return "\n".join([*kept, more])
        kept.append(line)
    return "\n".join(kept)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _server_upload_limit(interaction: discord.Interaction) -> int:
    """What the bot's own channel messages may carry: the server's boost limit. The
    interaction's own limit is no higher for a member without Nitro, so the smaller of the two
    is the server's whether or not the guild is cached."""
    guild = interaction.guild
    server = guild.filesize_limit if guild is not None else interaction.filesize_limit
    return min(server, interaction.filesize_limit)


def _owner(interaction: discord.Interaction) -> Owner:
    return Owner(
        platform="discord",
        user_id=str(interaction.user.id),
        chat_id=str(interaction.channel_id) if interaction.channel_id else None,
        server_id=str(interaction.guild_id) if interaction.guild_id else None,
        display_name=interaction.user.display_name[:100],
    )


def _is_moderator(interaction: discord.Interaction) -> bool:
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.manage_messages


def _role_ids(interaction: discord.Interaction) -> list[str]:
    roles = getattr(interaction.user, "roles", [])
    return [str(role.id) for role in roles]


def _has_thumbnail(files: list[discord.File]) -> bool:
    return any(file.filename == THUMBNAIL_NAME for file in files)


def _reopen(files: list[discord.File]) -> list[discord.File]:
    """The same files for the next route: discord.py closes a request's files when Discord
    refuses it, so they are opened again from their paths (and the old ones closed)."""
    reopened = [discord.File(file.fp.name, filename=file.filename) for file in files]
    for file in files:
        file.close()
    return reopened


def _ref(record: JobRecord) -> ProgressRef | None:
    if record.progress_ref is None:
        return None
    return ProgressRef.model_validate_json(record.progress_ref)


async def run(settings: Settings) -> None:
    """`shotgraph bot discord`: connect and serve until SIGINT or SIGTERM (`docker stop`).

    Stopping closes the gateway and the follower tasks; jobs carry on in the workers and the
    next start re-attaches to them.
    """
    if settings.discord_bot_token is None:
        raise BackendUnavailable("Set DISCORD_BOT_TOKEN to run the Discord bot.")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    queue = await JobQueue.connect(settings)
    try:
        async with ShotGraphDiscord(settings, queue) as bot:
            serving = asyncio.create_task(bot.start(settings.discord_bot_token.get_secret_value()))
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not serving.done():
                await bot.close()
            await serving  # raises what stopped the bot, if anything did
    except discord.LoginFailure as error:
        raise BackendUnavailable("Discord refused DISCORD_BOT_TOKEN; copy it again.") from error
    finally:
        await queue.close()
