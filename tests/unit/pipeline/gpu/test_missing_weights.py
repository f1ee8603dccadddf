"""Absent weights are told with the command that fetches them; the system's own refusals
(disk full, permissions, a directory where a file should be) are told as what they are, not
as missing weights that a download would not bring back."""

from __future__ import annotations

from pathlib import Path

import pytest

from shotgraph.pipeline.gpu.manager import ModelUnreadable, WeightsMissing, explain_missing_weights
from shotgraph.pipeline.gpu.runtime import ModelRuntime

RUNTIME = ModelRuntime(device="cpu", dtype="float32", offline=True)


def test_an_absent_file_is_missing_weights(tmp_path: Path) -> None:
    with (
        pytest.raises(WeightsMissing, match="shotgraph models download"),
        explain_missing_weights("org/model", RUNTIME),
    ):
        (tmp_path / "model_index.json").read_text()


def test_the_librarys_bare_oserror_for_an_unknown_model_is_missing_weights() -> None:
    with pytest.raises(WeightsMissing), explain_missing_weights("org/model", RUNTIME):
        raise OSError("org/model is not a local folder and is not a valid model identifier")


def test_a_system_error_is_said_as_itself(tmp_path: Path) -> None:
    (tmp_path / "model_index.json").mkdir()  # a folder where the file should be
    with pytest.raises(ModelUnreadable) as refused, explain_missing_weights("org/model", RUNTIME):
        (tmp_path / "model_index.json").read_text()

    assert "Is a directory" in str(refused.value)
    assert not isinstance(refused.value, WeightsMissing)


def test_a_system_error_the_library_wrapped_is_found_behind_its_message(tmp_path: Path) -> None:
    def load() -> None:
        try:
            (tmp_path / "weights").mkdir()
            (tmp_path / "weights").read_bytes()
        except OSError as exc:
            raise OSError("Unable to load weights from checkpoint file") from exc

    with (
        pytest.raises(ModelUnreadable, match="Is a directory"),
        explain_missing_weights("org/model", RUNTIME),
    ):
        load()
