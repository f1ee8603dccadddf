"""The `shotgraph` command: render and plan stories at the terminal, and check the machine."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from redis.exceptions import RedisError
from rich.console import Console
from rich.table import Table

from shotgraph.cli_progress import StageBars
from shotgraph.config import ExecutionProfile, Settings
from shotgraph.durations import spell_seconds
from shotgraph.errors import BackendUnavailable, ShotGraphError
from shotgraph.health import Role
from shotgraph.intake import read_story_file
from shotgraph.logs import configure_logging
from shotgraph.models import (
    AspectRatio,
    CostReport,
    JobResult,
    ShotPlan,
    Storyboard,
    StoryboardMode,
    StoryRequest,
)
from shotgraph.pipeline.gpu.weights import Purpose
from shotgraph.pipeline.llm.cost import spell_cost
from shotgraph.sizes import spell_bytes
from shotgraph.storage import open_storage
from shotgraph.storage.retention import PruneReport, Usage

app = typer.Typer(
    help="ShotGraph: turn a written story into a narrated, scored, subtitled MP4.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console(stderr=True)
out = Console()

StoryFile = Annotated[str, typer.Argument(help="A UTF-8 text or Markdown file; - reads stdin.")]
TitleOption = Annotated[str | None, typer.Option(help="Film title; default: the story's heading.")]
AspectOption = Annotated[AspectRatio, typer.Option(help="16:9 landscape or 9:16 vertical.")]
ProfileOption = Annotated[
    ExecutionProfile | None, typer.Option(help="Execution profile; default from EXECUTION_PROFILE.")
]
SeedOption = Annotated[
    int, typer.Option(help="Seed for every random choice; same seed, same film.")
]
StyleOption = Annotated[str, typer.Option(help="Visual style words, e.g. 'watercolour, warm'.")]
LanguageOption = Annotated[
    str | None, typer.Option(help="The story's language code (en, es, ...).")
]
VoiceOption = Annotated[str | None, typer.Option(help="Narrator voice name of the TTS backend.")]
LengthOption = Annotated[
    float | None, typer.Option("--target-length", help="Aim for a film of about this many seconds.")
]


_SHEET_SUFFIXES = (".png", ".jpg", ".jpeg")


def _settings(profile: ExecutionProfile | None) -> Settings:
    settings = Settings(execution_profile=profile) if profile else Settings()
    configure_logging(settings)
    return settings


def _request(
    settings: Settings,
    story_file: str,
    title: str | None,
    aspect: AspectRatio,
    seed: int,
    style: str,
    language: str | None,
    voice: str | None,
    target_length: float | None,
) -> StoryRequest:
    story = read_story_file(story_file, settings.max_story_bytes)
    try:
        return StoryRequest(
            story=story,
            title=title,
            aspect=aspect,
            seed=seed,
            style=style,
            language=language,
            voice=voice,
            target_length_s=target_length,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = ".".join(str(part) for part in problem["loc"])
        raise ShotGraphError(f"Option {field}: {problem['msg']}.") from exc


def _fail(error: ShotGraphError) -> typer.Exit:
    console.print(f"[bold red]error:[/] {error}")
    return typer.Exit(error.exit_code)


@app.command()
def render(
    story_file: StoryFile,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Where to write the MP4.")
    ] = None,
    title: TitleOption = None,
    aspect: AspectOption = AspectRatio.LANDSCAPE,
    profile: ProfileOption = None,
    seed: SeedOption = 0,
    style: StyleOption = "storybook",
    language: LanguageOption = None,
    voice: VoiceOption = None,
    target_length: LengthOption = None,
    storyboard_mode: Annotated[
        StoryboardMode,
        typer.Option(
            "--storyboard",
            help="ask: draw the storyboard first and wait for your yes before the film.",
        ),
    ] = "auto",
    approve: Annotated[
        bool, typer.Option("--approve", help="Approve the storyboard without asking.")
    ] = False,
) -> None:
    """Render a story to an MP4, with its subtitles (.srt) beside it."""
    from shotgraph.pipeline.orchestrator import Orchestrator

    settings = _settings(profile)
    try:
        request = _request(
            settings, story_file, title, aspect, seed, style, language, voice, target_length
        )
        orchestrator = Orchestrator(settings)
        if storyboard_mode == "ask":
            with StageBars(console) as bars:
                board = asyncio.run(orchestrator.storyboard(request, bars.on_event))
            _print_storyboard(board, settings.storage_path / board.sheet)
            if not approve and not typer.confirm("Render the film?", default=True, err=True):
                out.print("Not rendered; the storyboard stays cached for the next run.")
                return
        with StageBars(console) as bars:
            result = asyncio.run(orchestrator.run(request, bars.on_event))
    except ShotGraphError as error:
        raise _fail(error) from error
    target = output or Path("output") / f"{_stem(story_file)}.mp4"
    _deliver(settings, result, target)
    _print_result(result, target)


@app.command()
def storyboard(
    story_file: StoryFile,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Where to write the contact sheet (.png or .jpg)."),
    ] = None,
    title: TitleOption = None,
    aspect: AspectOption = AspectRatio.LANDSCAPE,
    profile: ProfileOption = None,
    seed: SeedOption = 0,
    style: StyleOption = "storybook",
    language: LanguageOption = None,
    voice: VoiceOption = None,
    target_length: LengthOption = None,
) -> None:
    """Plan a story and draw its storyboard (one sheet of keyframes), without the film."""
    from PIL import Image

    from shotgraph.pipeline.orchestrator import Orchestrator

    settings = _settings(profile)
    target = output or Path("output") / f"{_stem(story_file)}-storyboard.jpg"
    try:
        if target.suffix.lower() not in _SHEET_SUFFIXES:
            raise ShotGraphError(
                f"The storyboard is a picture: name it .png or .jpg, not {target}."
            )
        request = _request(
            settings, story_file, title, aspect, seed, style, language, voice, target_length
        )
        with StageBars(console) as bars:
            board = asyncio.run(Orchestrator(settings).storyboard(request, bars.on_event))
    except ShotGraphError as error:
        raise _fail(error) from error
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(settings.storage_path / board.sheet) as sheet:
        sheet.save(target)
    _print_storyboard(board, target)


@app.command()
def plan(
    story_file: StoryFile,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    title: TitleOption = None,
    aspect: AspectOption = AspectRatio.LANDSCAPE,
    profile: ProfileOption = None,
    seed: SeedOption = 0,
    style: StyleOption = "storybook",
    language: LanguageOption = None,
    target_length: LengthOption = None,
) -> None:
    """Plan a story into scenes and shots, and print the plan without rendering it."""
    from shotgraph.pipeline.orchestrator import Orchestrator

    settings = _settings(profile)
    try:
        request = _request(
            settings, story_file, title, aspect, seed, style, language, None, target_length
        )
        planned = asyncio.run(Orchestrator(settings).plan(request))
    except ShotGraphError as error:
        raise _fail(error) from error
    if as_json:
        out.print_json(planned.plan.model_dump_json())
        return
    out.print(_plan_table(planned.plan))
    _print_cost(planned.cost)
    _print_notes(planned.notes)


@app.command()
def worker(profile: ProfileOption = None) -> None:
    """Run a worker: take stories from the Redis queue and render them, until stopped."""
    from shotgraph.pipeline.gpu.readiness import require_gpu
    from shotgraph.queue.worker import run

    settings = _settings(profile)
    try:
        require_gpu(settings)
        run(settings)
    except ShotGraphError as error:
        raise _fail(error) from error


@app.command()
def api(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on; default API_HOST.")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on; default API_PORT.")] = None,
) -> None:
    """Serve the HTTP API: submit stories, follow jobs, download films."""
    import uvicorn

    from shotgraph.api.app import create_app

    settings = _settings(None)
    uvicorn.run(
        create_app(settings),
        host=host or settings.api_host,
        port=port or settings.api_port,
        log_level=settings.log_level.lower(),
    )


bot_app = typer.Typer(
    help="Run a chat bot that takes stories and posts the films.", no_args_is_help=True
)
app.add_typer(bot_app, name="bot")


@bot_app.command("discord")
def bot_discord() -> None:
    """Serve /story on Discord (DISCORD_BOT_TOKEN), following jobs on the Redis queue."""
    from shotgraph.bot.discord_bot import run

    try:
        asyncio.run(run(_settings(None)))
    except ShotGraphError as error:
        raise _fail(error) from error


@bot_app.command("telegram")
def bot_telegram() -> None:
    """The Telegram bot: long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set."""
    from shotgraph.bot.telegram_bot import serve

    try:
        asyncio.run(serve(_settings(None)))
    except ShotGraphError as error:
        raise _fail(error) from error


@app.command()
def health(role: Annotated[Role, typer.Argument(help="What to check.")]) -> None:
    """Exit 0 if this host's ROLE is healthy (for container health checks), else 1."""
    from shotgraph.health import check

    ok, detail = check(role, _settings(None))
    out.print(detail)
    raise typer.Exit(0 if ok else 1)


storage_app = typer.Typer(help="Films and job artefacts in the store.", no_args_is_help=True)
app.add_typer(storage_app, name="storage")


@storage_app.command("usage")
def storage_usage() -> None:
    """Bytes kept per kind of file (film, clips, narration, ...) across every job."""
    from shotgraph.storage.retention import usage

    _print_usage(usage(open_storage(_settings(None))))


@storage_app.command("prune")
def storage_prune() -> None:
    """Delete films past FILM_RETENTION_DAYS and finished jobs' artefacts past
    ARTEFACT_RETENTION_HOURS; the job records stay and say the film expired."""
    from shotgraph.storage.retention import usage

    settings = _settings(None)
    store = open_storage(settings)
    before = usage(store)
    try:
        report = asyncio.run(_prune(settings))
    except RedisError as error:
        # Without the records, running jobs' artefacts cannot be told apart: prune nothing.
        message = f"Redis at {settings.redis_address} cannot be reached ({error}); nothing pruned."
        raise _fail(BackendUnavailable(message)) from error
    out.print(
        f"Deleted {report.deleted_files} files ({spell_bytes(report.deleted_bytes)}); "
        f"{len(report.films_expired)} films expired."
    )
    after = usage(store)
    out.print(f"Was {spell_bytes(before.total_bytes)}, now {spell_bytes(after.total_bytes)}:")
    _print_usage(after)


async def _prune(settings: Settings) -> PruneReport:
    """Prune with the queue at hand: unfinished jobs are spared, expired films recorded."""
    from shotgraph.queue.client import JobQueue
    from shotgraph.storage.retention import prune_jobs

    queue = await JobQueue.connect(settings)
    try:
        return await prune_jobs(open_storage(settings), queue.store, settings)
    finally:
        await queue.close()


def _print_usage(found: Usage) -> None:
    table = Table(title=f"Stored: {found.jobs} jobs, {spell_bytes(found.total_bytes)}")
    table.add_column("kind")
    table.add_column("files", justify="right")
    table.add_column("bytes", justify="right")
    for kind, size in sorted(found.bytes.items(), key=lambda item: -item[1]):
        table.add_row(kind, str(found.files[kind]), f"{size:,}")
    table.add_row("total", str(sum(found.files.values())), f"{found.total_bytes:,}")
    out.print(table)


models_app = typer.Typer(help="The GPU backends' model weights.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@models_app.command("download")
def models_download(
    only: Annotated[
        Purpose | None, typer.Option(help="Only the video or only the music models.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be fetched; fetch nothing.")
    ] = False,
    profile: ProfileOption = None,
) -> None:
    """Fetch the weights the settings ask for into the Hugging Face cache (needs the internet).

    Only the files each pipeline loads are fetched (the components its model_index.json names,
    in one format and the configured variant); every file and the total size are printed first.
    """
    from shotgraph.pipeline.gpu.weights import configured_weights, download, download_plan
    from shotgraph.sizes import spell_bytes

    settings = _settings(profile)
    wanted = configured_weights(settings, only)
    if not wanted:
        out.print(
            "No GPU backend is configured (VIDEO_BACKEND=diffusion, MUSIC_BACKEND=musicgen, "
            "or --profile prod_gpu), so there is nothing to download."
        )
        return
    try:
        plans = [(weights, download_plan(weights, settings)) for weights in wanted]
    except ShotGraphError as error:
        raise _fail(error) from error
    for weights, plan in plans:
        where = "a local folder, used as it is" if weights.local else "to download"
        out.print(
            f"{plan.model_id} ({weights.purpose}, {where}): {len(plan.files)} files, "
            f"{spell_bytes(plan.total_bytes)}",
            highlight=False,
        )
        for file in plan.files:
            out.print(f"  {file.path}  {spell_bytes(file.size)}", highlight=False)
    total = sum(plan.total_bytes for _, plan in plans)
    fetched = sum(plan.total_bytes for weights, plan in plans if not weights.local)
    out.print(
        f"Total: {spell_bytes(total)}, of which {spell_bytes(fetched)} to download",
        highlight=False,
    )
    if dry_run:
        return
    for weights, plan in plans:
        if not weights.local:
            out.print(f"{plan.model_id}: downloading ...")
            out.print(f"{plan.model_id}: in {download(plan)}")


@app.command()
def doctor() -> None:
    """Say what is installed, which backends the settings pick, and what can be reached."""
    from shotgraph.doctor import run_checks

    settings = _settings(None)
    table = Table(title="ShotGraph doctor", show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    failures = 0
    for check in run_checks(settings):
        failures += not check.ok
        if not check.ok:
            status = "[red]problem[/]"
        else:
            status = "[yellow]warning[/]" if check.warning else "[green]ok[/]"
        table.add_row(check.name, status, check.detail)
    out.print(table)
    raise typer.Exit(1 if failures else 0)


def _stem(story_file: str) -> str:
    return "story" if story_file == "-" else Path(story_file).stem


def _deliver(settings: Settings, result: JobResult, target: Path) -> None:
    """Copy the film and its subtitles out of the store to where the user asked."""
    store = open_storage(settings)
    store.fetch(result.files.video, target)
    store.fetch(result.files.subtitles, target.with_suffix(".srt"))


def _print_result(result: JobResult, target: Path) -> None:
    out.print(f"[bold]{result.title}[/]: {target}")
    out.print(
        f"  {result.duration_s:.1f}s of film, {result.width}x{result.height} at {result.fps} fps, "
        f"{result.scene_count} scenes, {result.shot_count} shots, "
        f"{result.size_bytes / 1e6:.1f} MB"
    )
    timings = ", ".join(
        f"{stage} {seconds:.1f}s" for stage, seconds in result.stage_seconds.items()
    )
    out.print(f"  stages: {timings}")
    if result.cached_stages:
        out.print(f"  reused from cache: {', '.join(result.cached_stages)}")
    _print_cost(result.cost)
    _print_notes(result.notes)


def _print_storyboard(board: Storyboard, sheet: Path) -> None:
    out.print(f"[bold]{board.title}[/]: storyboard {sheet}")
    film_s = sum(panel.duration_s for panel in board.panels)
    out.print(
        f"  {len(board.panels)} shots, {spell_seconds(film_s)} of film; rendering it should take "
        f"about {spell_seconds(board.render_estimate_s)}"
    )
    for panel in board.panels:
        out.print(f"  {panel.number:>3}. {panel.type.value}: {panel.narration}", soft_wrap=True)


def _print_cost(cost: CostReport) -> None:
    """The LLM's tokens and dollars per stage and model (nothing when no LLM was called)."""
    if not cost.lines:
        return
    out.print(f"  LLM: {cost.total_tokens} tokens, {spell_cost(cost)}")
    for line in cost.lines:
        out.print(
            f"    {line.stage} {line.model}: {line.calls} calls, {line.retries} retries, "
            f"{line.input_tokens} in + {line.output_tokens} out tokens, "
            + (f"${line.dollars:.4f}" if line.priced else "cost unknown"),
            soft_wrap=True,
        )


def _print_notes(notes: list[str]) -> None:
    for note in notes:
        out.print(f"  [yellow]note:[/] {note}")


def _plan_table(shot_plan: ShotPlan) -> Table:
    table = Table(
        title=f"{shot_plan.title}: {shot_plan.shot_count} shots, "
        f"{shot_plan.duration_s:.0f}s planned"
    )
    for column in ("shot", "type", "camera", "sec", "setting", "narration"):
        table.add_column(column, overflow="fold")
    for ref in shot_plan.shots():
        setting = ref.scene.setting
        table.add_row(
            ref.id,
            ref.shot.type.value,
            f"{ref.shot.camera.value} {ref.shot.direction.value}",
            f"{ref.shot.duration_s:.1f}",
            f"{setting.place.value}, {setting.time_of_day.value}, {setting.mood.value}",
            ref.shot.narration_text,
        )
    return table
