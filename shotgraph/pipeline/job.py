"""One job in flight: its inputs, its folder, its reporter, and what the stages learnt so far.

Stages take a JobRun rather than a dozen arguments; it also holds the one cache rule every
stage follows (load the artefact made from the same inputs, or make it and store it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from shotgraph import __version__
from shotgraph.config import Resolution, Settings
from shotgraph.models import AspectRatio, CostReport, Stage, StoryRequest, fingerprint
from shotgraph.pipeline.artefacts import JobFolder
from shotgraph.pipeline.backends import Backends
from shotgraph.pipeline.progress import StageProgress, StageReporter

M = TypeVar("M", bound=BaseModel)


@dataclass
class JobRun:
    settings: Settings
    backends: Backends
    request: StoryRequest
    folder: JobFolder
    reporter: StageReporter
    cost: CostReport = field(default_factory=CostReport)
    notes: list[str] = field(default_factory=list)
    made: set[Stage] = field(default_factory=set)
    """Stages that produced at least one new artefact in this run (the rest were cached)."""
    made_shots: dict[Stage, list[str]] = field(default_factory=dict)
    """Per stage, the shots whose artefacts this run made: what a retake really redid."""

    @property
    def resolution(self) -> Resolution:
        base = self.settings.video_resolution
        if self.request.aspect is AspectRatio.PORTRAIT:
            return base.for_portrait()
        return base.for_landscape()

    def made_shot(self, stage: Stage, shot_id: str) -> None:
        self.made.add(stage)
        self.made_shots.setdefault(stage, []).append(shot_id)

    def key(self, *parts: Any) -> str:
        """The cache key of an artefact: its inputs, and the code version that renders them."""
        return fingerprint(__version__, *parts)

    @contextmanager
    def stage(self, stage: Stage, message: str = "") -> Iterator[StageProgress]:
        with self.reporter.stage(stage, message) as progress:
            yield progress

    async def cached(
        self,
        stage: Stage,
        name: str,
        key: str,
        model: type[M],
        make: Callable[[], Awaitable[M]],
        files: tuple[Path, ...] = (),
        reuse: Callable[[M], bool] | None = None,
    ) -> M:
        """The stored `name` made from the same inputs, or a fresh one made and stored.

        `files` are artefacts written beside the record; the record counts only while they exist.
        `reuse` may refuse a stored value that was a stopgap (say, a fallback voice during an
        outage), so a later run tries to do better.
        """
        found = self.folder.load(stage, name, key, model)
        if (
            found is not None
            and all(file.exists() for file in files)
            and (reuse is None or reuse(found))
        ):
            return found
        value = await make()
        self.folder.save(stage, name, key, value)
        self.made.add(stage)
        return value
