"""A JobResult to stand for a finished film where the film itself does not matter."""

from __future__ import annotations

from typing import Any

from shotgraph.models import JobFiles, JobResult


def job_result(job_id: str = "job", **overrides: Any) -> JobResult:
    values: dict[str, Any] = {
        "job_id": job_id,
        "title": "T",
        "files": JobFiles(video="v.mp4", subtitles="v.srt", plan="p.json", thumbnail="t.jpg"),
        "duration_s": 10.0,
        "width": 64,
        "height": 64,
        "fps": 8,
        "size_bytes": 1,
        "shot_count": 1,
        "scene_count": 1,
    }
    return JobResult(**{**values, **overrides})
