"""Schemathesis over the API's own OpenAPI schema: generated requests, valid and not, against a
real uvicorn, a real Redis and a real worker. Any 5xx, any status the schema does not list,
and any body or content type other than the schema says, fails the test.

Bounded so the suite stays fast: a few dozen cases per operation, each way.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
import uvicorn
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shotgraph.api.app import create_app
from shotgraph.config import Settings
from tests.integration.queue.test_worker import StartWorker

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CASES_PER_OPERATION = 20
# Half the requests carry a valid key, so that generated input reaches past the key check.
KEYS = ({"X-API-Key": "alice-key"}, {})


@pytest.fixture
def api_url(queue_settings: Settings) -> Iterator[str]:
    """A real uvicorn in a thread of its own (schemathesis calls it synchronously)."""
    config = uvicorn.Config(create_app(queue_settings), host="127.0.0.1", port=0, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=asyncio.run, args=(server.serve(),), daemon=True)
    thread.start()
    started = threading.Event()
    while not started.wait(0.02):
        if server.started:
            started.set()
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_5xx_or_an_undocumented_answer(
    api_url: str, queue_settings: Settings, start_worker: StartWorker, mode: GenerationMode
) -> None:
    start_worker(queue_settings)
    schema = schemathesis.openapi.from_url(f"{api_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9

    for operation in operations:

        @hypothesis.settings(
            max_examples=CASES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(
            case=operation.as_strategy(generation_mode=mode),
            key=hypothesis.strategies.sampled_from(KEYS),
        )
        def check(case: schemathesis.Case, key: dict[str, str]) -> None:
            response = case.call(base_url=api_url, headers=key, timeout=15)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except hypothesis.errors.Unsatisfiable:
            # Nothing of this operation can be made invalid (/health takes no input).
            assert mode is GenerationMode.NEGATIVE, operation.label
