"""A job's folder, `STORAGE_PATH/jobs/<job_id>/`, where every stage keeps what it made.

Artefacts are addressed by a hash of the inputs that shaped them: a stage whose inputs have not
changed finds its file and skips the work. That makes a re-run after a crash, a retry, or a
re-roll of one shot cheap, and it makes every stage idempotent, which the queue relies on
(arq may run a job twice). Writes go to a temporary name first and are renamed into place, so a
crash never leaves a half-written artefact that a later run would trust.

Where the store is not this folder (an S3 bucket, for workers on rented GPUs), the folder is
the worker's scratch: each finished artefact is published to the store under the same name,
and a job resumed on another machine first fetches what the store holds, then makes only what
is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from shotgraph.models import Stage
from shotgraph.storage.disk import check_disk

if TYPE_CHECKING:
    from shotgraph.storage.protocol import Storage

M = TypeVar("M", bound=BaseModel)

# Job ids become folder names: refuse anything that could climb out of the jobs folder.
JOB_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# The folder inside a job's folder that holds only working files (see JobFolder.scratch).
SCRATCH_DIR = "scratch"
# Artefact file names carry this many hex digits of their input hash.
KEY_LENGTH = 16
# Marks a file still being written (see atomic_output); never published, listed or fetched.
_PARTIAL = ".partial-"


class JobFolder:
    """The files of one job, under a storage root shared by every job."""

    def __init__(
        self,
        storage_root: Path,
        job_id: str,
        store: Storage | None = None,
        min_free_gb: float = 0.0,
    ) -> None:
        if not JOB_ID_PATTERN.match(job_id):
            raise ValueError(f"job id {job_id!r} is not a safe folder name")
        self.storage_root = storage_root
        self.job_id = job_id
        self.path = storage_root / "jobs" / job_id
        self.store = store
        self.min_free_gb = min_free_gb

    def fetch_stored(self) -> int:
        """Copy into this folder what the store holds for the job and the folder lacks (a job
        resumed on another machine); returns how many files came."""
        if self.store is None:
            return 0
        fetched = 0
        for stored in self.store.list(f"{self.relative(self.path)}/"):
            local = self.storage_root / stored.key
            if not local.exists() and self.store.fetch(stored.key, local):
                fetched += 1
        return fetched

    def drop_scratch(self) -> None:
        """Delete this folder when it is a scratch copy of what the store holds."""
        if self.store is not None:
            shutil.rmtree(self.path, ignore_errors=True)

    def publish(self, path: Path) -> None:
        """Put a finished file of this folder in the store (nothing to do for a local store
        rooted here: the file already is the stored one)."""
        if self.store is not None:
            self.store.put(self.relative(path), path)

    @contextmanager
    def written(self, target: Path) -> Iterator[Path]:
        """atomic_output, then the finished file published to the store. Refused (DiskFull)
        when the disk is below the guard, so a job stops with the cause, not a random write."""
        check_disk([self.path], self.min_free_gb)
        with atomic_output(target) as partial:
            yield partial
        if target.exists():
            self.publish(target)

    def stage_dir(self, stage: Stage) -> Path:
        folder = self.path / stage.value
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def load(self, stage: Stage, name: str, key: str, model: type[M]) -> M | None:
        """The stored value of `name` if it was made from the same inputs, else None."""
        file = self.stage_dir(stage) / f"{name}.json"
        try:
            stored = json.loads(file.read_text(encoding="utf-8"))
            if stored.get("key") != key:
                return None
            return model.model_validate(stored["value"])
        except (FileNotFoundError, json.JSONDecodeError, KeyError, ValidationError):
            return None

    def save(self, stage: Stage, name: str, key: str, value: BaseModel) -> None:
        file = self.stage_dir(stage) / f"{name}.json"
        payload = {"key": key, "value": value.model_dump(mode="json")}
        with self.written(file) as partial:
            partial.write_text(json.dumps(payload, ensure_ascii=False, indent=1), "utf-8")

    def scratch(self) -> Path:
        """Working files of the run in progress (temporary folders, the picture before muxing):
        never reused by a later run, so whoever ends the job may delete the folder."""
        folder = self.path / SCRATCH_DIR
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def clear_scratch(self) -> None:
        """Remove what a run left half-made: its scratch folder and its partial artefacts.
        Only for a job no pipeline is running."""
        shutil.rmtree(self.path / SCRATCH_DIR, ignore_errors=True)
        for partial in self.path.glob(f"**/.*{_PARTIAL}*"):
            partial.unlink(missing_ok=True)

    def artefact(self, stage: Stage, name: str, key: str, suffix: str) -> Path:
        """Where the file made for `name` from inputs hashed to `key` lives (or will)."""
        return self.stage_dir(stage) / f"{name}.{key[:KEY_LENGTH]}{suffix}"

    def output(self, name: str) -> Path:
        """A deliverable at the top of the job folder (the film, its subtitles, ...)."""
        self.path.mkdir(parents=True, exist_ok=True)
        return self.path / name

    def relative(self, path: Path) -> str:
        """A path as the storage interface names it: relative to the storage root."""
        return path.relative_to(self.storage_root).as_posix()


def jobs_with_scratch(storage_root: Path) -> list[str]:
    """The ids of jobs whose folder holds a scratch folder: running, or left by a killed run."""
    return sorted(folder.parent.name for folder in storage_root.glob(f"jobs/*/{SCRATCH_DIR}"))


@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it into place only if the block succeeds
    (and wrote something: a block may decide there is nothing to write).

    The temporary name is new for every call, not the process id: workers in containers on a
    shared storage all run as pid 1 or so, and two writers of one file must not share it."""
    partial = target.with_name(f".{target.stem}{_PARTIAL}{uuid.uuid4().hex}{target.suffix}")
    try:
        yield partial
        if partial.exists():
            os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def is_partial(path: Path) -> bool:
    """A file atomic_output is still writing (or a crash left behind)."""
    return path.name.startswith(".") and _PARTIAL in path.name
