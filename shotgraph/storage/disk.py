"""The disk guard: below MIN_FREE_DISK_GB on the worker's scratch or the local store, new jobs
are refused and the running one stops with a sentence that names the cause, instead of every
job failing at some random write once the disk is full."""

from __future__ import annotations

import shutil
from pathlib import Path

from shotgraph.config import Settings
from shotgraph.errors import ShotGraphError
from shotgraph.storage import work_root

_GB = 1e9


class DiskFull(ShotGraphError):
    """Too little free disk to make films; an admin must free space (or prune)."""


def free_bytes(path: Path) -> int:
    """Free bytes on the filesystem that holds `path` (or would, once it is made)."""
    for folder in (path, *path.parents):
        if folder.exists():
            return shutil.disk_usage(folder).free
    return shutil.disk_usage(Path.cwd()).free


def check_disk(paths: list[Path], min_free_gb: float) -> None:
    """Raise DiskFull when any of `paths` has less than `min_free_gb` free."""
    for path in paths:
        free = free_bytes(path)
        if free < min_free_gb * _GB:
            raise DiskFull(
                f"The server is nearly out of disk space ({free / _GB:.1f} GB free for {path}, "
                f"under MIN_FREE_DISK_GB={min_free_gb:g}); films are refused until space is "
                "freed, for example with `shotgraph storage prune`."
            )


def worker_disks(settings: Settings) -> list[Path]:
    """What a worker writes to: its scratch folder, or the local store it renders into."""
    return [work_root(settings)]


def intake_disks(settings: Settings) -> list[Path]:
    """What a front end can see for itself: the local store (a bucket has no disk to guard)."""
    return [settings.storage_path] if settings.storage_backend == "local" else []
