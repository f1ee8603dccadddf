"""A film rendered with STORAGE_BACKEND=s3: every artefact is published to a real S3 server
(SeaweedFS), the scratch folder is emptied, and a second machine re-makes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from shotgraph.models import Stage, StoryRequest
from shotgraph.pipeline.orchestrator import Orchestrator
from shotgraph.storage import open_storage
from shotgraph.storage.disk import DiskFull
from tests.conftest import offline_settings
from tests.helpers.media import probe

STORY = """The Kite

Mara ran up the green hill at dawn with her red kite. The wind was strong and cold.

That night the storm came to the village. Tom watched the rain from the kitchen window.
"""

pytestmark = pytest.mark.slow


async def test_a_film_made_with_s3_lives_in_the_bucket_and_a_second_machine_reuses_it(
    tmp_path: Path, s3_overrides: dict[str, object]
) -> None:
    settings = offline_settings(tmp_path, **s3_overrides)
    result = await Orchestrator(settings).run(StoryRequest(story=STORY, seed=3), job_id="kite")

    store = open_storage(settings)
    keys = {stored.key for stored in store.list("jobs/kite/")}
    assert set(result.files.model_dump().values()) <= keys
    for stage in (Stage.NARRATION, Stage.VISUALS, Stage.MUSIC, Stage.SHOTS):
        assert any(key.startswith(f"jobs/kite/{stage.value}/") for key in keys), stage
    assert not any(".partial-" in key for key in keys)
    # Nothing is left on the worker's disk, and nothing was written to a local store.
    assert not (settings.scratch_path / "jobs" / "kite").exists()
    assert not settings.storage_path.exists()

    film = tmp_path / "fetched.mp4"
    assert store.fetch(result.files.video, film)
    assert probe(film).duration_s == pytest.approx(result.duration_s, rel=0.05)

    # Another worker, another empty scratch folder, the same job: everything comes from the
    # store, no stage makes anything again.
    elsewhere = offline_settings(
        tmp_path / "other-machine", **{**s3_overrides, "scratch_path": tmp_path / "scratch-2"}
    )
    again = await Orchestrator(elsewhere).run(StoryRequest(story=STORY, seed=3), job_id="kite")
    assert set(again.cached_stages) >= {
        Stage.PREPROCESS, Stage.SCENES, Stage.SHOTS, Stage.NARRATION, Stage.VISUALS,
        Stage.MUSIC, Stage.COMPOSE,
    }  # fmt: skip
    assert store.stat(result.files.video) == store.stat(again.files.video)


async def test_a_job_below_the_disk_guard_stops_with_the_cause(tmp_path: Path) -> None:
    settings = offline_settings(tmp_path, min_free_disk_gb=1e9)  # more than any disk has
    with pytest.raises(DiskFull, match=r"nearly out of disk space .* MIN_FREE_DISK_GB"):
        await Orchestrator(settings).run(StoryRequest(story=STORY), job_id="full")
    assert not list((tmp_path / "output").rglob("*.json"))
