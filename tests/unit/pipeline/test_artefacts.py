from pathlib import Path

import pytest
from pydantic import BaseModel

from shotgraph.models import Stage
from shotgraph.pipeline.artefacts import JobFolder, atomic_output


class Note(BaseModel):
    text: str


def test_load_returns_value_only_for_the_same_key(tmp_path: Path) -> None:
    folder = JobFolder(tmp_path, "job1")
    folder.save(Stage.SCENES, "scenes", "key-a", Note(text="hello"))
    assert folder.load(Stage.SCENES, "scenes", "key-a", Note) == Note(text="hello")
    assert folder.load(Stage.SCENES, "scenes", "key-b", Note) is None
    assert folder.load(Stage.SCENES, "other", "key-a", Note) is None


def test_corrupt_record_is_treated_as_missing(tmp_path: Path) -> None:
    folder = JobFolder(tmp_path, "job1")
    (folder.stage_dir(Stage.SCENES) / "scenes.json").write_text("{not json")
    assert folder.load(Stage.SCENES, "scenes", "k", Note) is None


@pytest.mark.parametrize("job_id", ["../etc", "a/b", "", ".hidden", "x" * 65, "a b"])
def test_unsafe_job_ids_are_refused(tmp_path: Path, job_id: str) -> None:
    with pytest.raises(ValueError, match="not a safe folder name"):
        JobFolder(tmp_path, job_id)


def test_atomic_output_keeps_nothing_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "film.mp4"

    def crash_while_writing() -> None:
        with atomic_output(target) as partial:
            partial.write_bytes(b"half a film")
            raise RuntimeError("encoder crashed")

    with pytest.raises(RuntimeError):
        crash_while_writing()
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_renames_into_place(tmp_path: Path) -> None:
    target = tmp_path / "film.mp4"
    with atomic_output(target) as partial:
        assert partial.suffix == ".mp4"
        partial.write_bytes(b"film")
    assert target.read_bytes() == b"film"
    assert [p.name for p in tmp_path.iterdir()] == ["film.mp4"]


def test_artefact_names_carry_the_key(tmp_path: Path) -> None:
    folder = JobFolder(tmp_path, "job1")
    path = folder.artefact(Stage.VISUALS, "s000-00", "abcdef0123456789ffff", ".png")
    assert path == tmp_path / "jobs/job1/visuals/s000-00.abcdef0123456789.png"
    assert folder.relative(path) == "jobs/job1/visuals/s000-00.abcdef0123456789.png"


def test_two_writers_of_one_file_never_share_a_partial_file(tmp_path: Path) -> None:
    """Two workers on one storage (in containers, often with the same pid) write the same
    artefact at once: each writes its own partial file and the target is one whole write."""
    target = tmp_path / "shot.wav"
    with atomic_output(target) as first, atomic_output(target) as second:
        assert first != second
        first.write_bytes(b"a" * 1000)
        second.write_bytes(b"b" * 10)
    assert target.read_bytes() in (b"a" * 1000, b"b" * 10)
    assert [p.name for p in tmp_path.iterdir()] == ["shot.wav"]
