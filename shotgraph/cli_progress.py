"""Progress bars for `shotgraph render`: one bar per stage, ticked off as stages finish."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from shotgraph.models import Stage, StageEvent


class StageBars:
    """A Rich progress display fed by the orchestrator's StageEvents."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[message]}"),
            console=console,
            transient=False,
        )
        self._tasks: dict[Stage, TaskID] = {}

    def __enter__(self) -> StageBars:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def on_event(self, event: StageEvent) -> None:
        if event.stage is None:
            return
        if event.kind == "stage_started":
            self._tasks[event.stage] = self._progress.add_task(
                event.stage.value, total=1.0, message=event.message
            )
            return
        task = self._tasks.get(event.stage)
        if task is None:
            return
        if event.kind == "stage_progress":
            self._progress.update(task, completed=event.fraction, message=event.message)
        elif event.kind == "stage_finished":
            self._progress.update(task, completed=1.0, message="done")
