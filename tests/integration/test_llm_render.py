"""`shotgraph render` and `shotgraph plan` with LLM planning and LLM moderation against the fake
server: the film is made from the model's plan, and the cost is printed per stage and model."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from shotgraph.config import Settings
from shotgraph.models import Place, ShotType
from shotgraph.pipeline.llm.formats import ToonFormat
from shotgraph.pipeline.planning.llm.answers import (
    SceneAnswer,
    SceneListAnswer,
    ShotAnswer,
    ShotListAnswer,
)
from tests.fakes.llm_server import FakeLlmServer, Reply, by_model
from tests.helpers.media import probe

pytestmark = pytest.mark.slow

STORY = "The Owl\n\nAn owl named Pip sat on an oak at night. Pip hooted twice.\n"
DEFAULTS = Settings(_env_file=None)


def script_the_owl(llm_server: FakeLlmServer) -> None:
    """One scene of two shots from the planner's models, and `safe` from the moderator."""
    toon = ToonFormat()
    scenes = SceneListAnswer(
        scenes=[SceneAnswer(first_sentence=1, title="Night", location="an oak", place=Place.FOREST)]
    )
    shots = ShotListAnswer(
        shots=[
            ShotAnswer(
                type=ShotType.WIDE,
                duration_s=2,
                visual_prompt="an owl on an oak at night",
                narration="An owl named Pip sat on an oak at night.",
            ),
            ShotAnswer(
                type=ShotType.CLOSE_UP,
                duration_s=2,
                visual_prompt="the owl hooting",
                narration="Pip hooted twice.",
            ),
        ]
    )
    llm_server.script = by_model(
        {
            DEFAULTS.llm_model_scene_draft: Reply(
                toon.encode(scenes), input_tokens=300, output_tokens=40
            ),
            DEFAULTS.llm_model_shot_final: Reply(toon.encode(shots), input_tokens=900),
            DEFAULTS.llm_safety_model: Reply("safe", input_tokens=200, output_tokens=2),
        }
    )


async def run_cli(
    tmp_path: Path, llm_server: FakeLlmServer, *args: str, **extra_env: str
) -> tuple[asyncio.subprocess.Process, str, str]:
    """`shotgraph ARGS` on the owl story with LLM planning and moderation at the fake, with
    `extra_env` added to the environment; run asynchronously so that the fake keeps answering
    meanwhile."""
    story = tmp_path / "owl.txt"
    story.write_text(STORY)
    env = {
        **os.environ,
        "STORAGE_PATH": str(tmp_path / "store"),
        "VIDEO_RESOLUTION": "320x180",
        "VIDEO_FPS": "12",
        "GPU_ENABLED": "false",
        "EXECUTION_PROFILE": "debug_cpu",
        "LLM_PROVIDER": "openai",
        "LLM_BASE_URL": llm_server.url,
        "SAFETY_BACKEND": "llm",
        "LLM_TIMEOUT_S": "10",
        "LLM_BACKOFF_S": "0.01",
        **extra_env,
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "shotgraph",
        args[0],
        str(story),
        *args[1:],
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(child.communicate(), timeout=240)
    return child, out.decode(), err.decode()


async def test_render_films_the_models_plan_and_prints_its_cost(
    tmp_path: Path, llm_server: FakeLlmServer
) -> None:
    script_the_owl(llm_server)

    child, text, err = await run_cli(tmp_path, llm_server, "render", "-o", "owl.mp4")

    assert child.returncode == 0, err
    assert probe(tmp_path / "owl.mp4").stream("video").codec == "h264"
    assert "Pip hooted twice." in (tmp_path / "owl.srt").read_text()
    assert "1 scenes, 2 shots" in text
    assert f"shots {DEFAULTS.llm_model_shot_final}: 1 calls, 0 retries, 900 in + 50 out" in text
    # The story and both picture prompts were moderated.
    assert f"safety {DEFAULTS.llm_safety_model}: 3 calls" in text
    assert llm_server.models().count(DEFAULTS.llm_safety_model) == 3


async def test_plan_prints_what_planning_cost(tmp_path: Path, llm_server: FakeLlmServer) -> None:
    script_the_owl(llm_server)

    child, text, err = await run_cli(tmp_path, llm_server, "plan")

    assert child.returncode == 0, err
    assert "The Owl: 2 shots" in text
    # 300 + 40 tokens for the scenes, 900 + 50 for the shots, at the default models' prices.
    assert "LLM: 1290 tokens, $" in text
    assert f"scenes {DEFAULTS.llm_model_scene_draft}: 1 calls, 0 retries, 300 in + 40 out" in text
    assert f"shots {DEFAULTS.llm_model_shot_final}: 1 calls" in text
    assert DEFAULTS.llm_safety_model not in llm_server.models()  # planning moderates nothing


async def test_at_debug_the_llm_key_is_in_no_log_line(
    tmp_path: Path, llm_server: FakeLlmServer
) -> None:
    script_the_owl(llm_server)
    key = "sk-test-0123456789abcdef"
    llm_server.api_key = key  # a request without it is refused: the key is really sent

    child, text, err = await run_cli(
        tmp_path, llm_server, "render", "-o", "owl.mp4", LLM_API_KEY=key, LOG_LEVEL="DEBUG"
    )

    assert child.returncode == 0, err
    assert "DEBUG openai" in err  # the SDK's own debug log is on
    assert key not in err + text
