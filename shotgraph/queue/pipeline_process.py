"""The pipeline in a spawned child process, so that cancel and timeout really stop GPU work.

arq's abort and timeout only cancel an asyncio task; a diffusion call running in a thread
would carry on (PLATFORM-FACTS). So the worker keeps one child process that builds the
backends once (models stay warm between jobs) and runs one job at a time, sending progress
events back over a pipe. Asked to stop, the child stops at its next checkpoint (every progress
report, the frame loop's included); if it does not get there in time it is killed with its
whole process group (ffmpeg, espeak), and a fresh one is started for the next job. The child
is spawned, never forked, because CUDA does not survive a fork.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Awaitable, Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel

from shotgraph.config import Settings
from shotgraph.errors import ShotGraphError
from shotgraph.logs import configure_logging
from shotgraph.models import JobResult, StageEvent, Storyboard, StoryRequest
from shotgraph.pipeline.artefacts import JobFolder
from shotgraph.pipeline.gpu.manager import ModelReport, model_report
from shotgraph.pipeline.progress import StopRequested
from shotgraph.storage import work_root

if TYPE_CHECKING:
    from shotgraph.pipeline.orchestrator import Orchestrator

log = logging.getLogger(__name__)

# Where a pipeline process's temporary folder goes, under the system's temporary folder:
# this prefix, the worker's process id, a dash, and a random part.
TEMP_PREFIX = "shotgraph-pipeline-"

EventSink = Callable[[StageEvent], Awaitable[object]]


class PipelineFailed(Exception):
    """The job failed inside the pipeline; `user_message` is safe to show, when there is one."""

    def __init__(self, user_message: str | None, detail: str) -> None:
        super().__init__(detail)
        self.user_message = user_message


class PipelineDied(PipelineFailed):
    """The pipeline process itself died (killed for memory, a crash in a native library):
    nothing about the job says it would fail again, so it may be tried once more."""


class PipelineStopped(Exception):
    """The job stopped at a checkpoint because it was asked to."""


class JobPipeline(Protocol):
    """What the worker runs jobs on: the real child process, or a stand-in in benchmarks."""

    models: ModelReport | None
    """What the pipeline loaded when it started (None before), for `shotgraph doctor`."""

    async def start(self) -> None: ...

    async def run(self, job_id: str, request: StoryRequest, on_event: EventSink) -> JobResult: ...

    async def storyboard(
        self, job_id: str, request: StoryRequest, on_event: EventSink
    ) -> Storyboard: ...

    async def stop(self, grace_s: float) -> JobResult | None:
        """Stop the running job; its result if it finished before it could stop."""

    async def close(self) -> None: ...


# What a run makes: the whole film, or only the storyboard a person approves first.
Phase = Literal["film", "storyboard"]


class Message(BaseModel):
    """One message over the pipe, either way."""

    kind: Literal["ready", "run", "stop", "event", "result", "error", "stopped"]
    job_id: str = ""
    request: StoryRequest | None = None
    phase: Phase = "film"
    event: StageEvent | None = None
    result: JobResult | None = None
    storyboard: Storyboard | None = None
    models: ModelReport | None = None
    user_message: str | None = None
    detail: str = ""


class PipelineProcess:
    """The parent's handle on the child: start it, run a job, stop it, close it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._temp: Path | None = None
        self.models: ModelReport | None = None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self) -> None:
        """Spawn the child and wait until its backends are built and their models loaded.

        Raises PipelineFailed, with the reason a person can act on, when they cannot be."""
        if self.alive:
            return
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._temp = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
        process = context.Process(
            target=serve,
            args=(self.settings, child, self._temp),
            name="shotgraph-pipeline",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        ready = await self._receive()
        if ready.kind != "ready":
            await self.close()
            raise PipelineFailed(ready.user_message, ready.detail or ready.kind)
        self.models = ready.models
        log.info("pipeline process %s ready", process.pid)

    async def run(self, job_id: str, request: StoryRequest, on_event: EventSink) -> JobResult:
        answer = await self._run(job_id, request, on_event, "film")
        if answer.result is None:
            raise PipelineFailed(None, "the pipeline answered a film run without a film")
        return answer.result

    async def storyboard(
        self, job_id: str, request: StoryRequest, on_event: EventSink
    ) -> Storyboard:
        answer = await self._run(job_id, request, on_event, "storyboard")
        if answer.storyboard is None:
            raise PipelineFailed(None, "the pipeline answered a storyboard run without one")
        return answer.storyboard

    async def _run(
        self, job_id: str, request: StoryRequest, on_event: EventSink, phase: Phase
    ) -> Message:
        await self.start()
        self._send(Message(kind="run", job_id=job_id, request=request, phase=phase))
        while True:
            message = await self._receive()
            if message.kind == "event" and message.event is not None:
                await on_event(message.event)
            elif message.kind == "result":
                return message
            elif message.kind == "error":
                raise PipelineFailed(message.user_message, message.detail)
            elif message.kind == "stopped":
                raise PipelineStopped(job_id)

    async def stop(self, grace_s: float) -> JobResult | None:
        """Stop the running job at its next checkpoint, or kill the child after `grace_s`.
        Returns the job's result when it finished (its film made) before it could stop."""
        if not self.alive:
            return None
        try:
            self._send(Message(kind="stop"))
            async with asyncio.timeout(grace_s):
                while True:
                    message = await self._receive()
                    if message.kind == "result":
                        return message.result
                    if message.kind in ("stopped", "error"):
                        return None
        except (TimeoutError, PipelineFailed, OSError):
            log.warning("pipeline process did not reach a checkpoint in %.0fs; killing it", grace_s)
            await self.close()
        return None

    async def close(self) -> None:
        """Kill the child and everything it started (its process group), if still there."""
        process, conn, temp = self._process, self._conn, self._temp
        self._process = self._conn = self._temp = None
        if conn is not None:
            conn.close()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
        if process is None or process.pid is None:
            return
        # The group outlives a dead child while its ffmpeg runs; a child killed before it made
        # its own group has none, and the lookup fails harmlessly.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.is_alive():
            process.kill()
        await asyncio.to_thread(process.join, 10)

    def _send(self, message: Message) -> None:
        if self._conn is None:
            raise PipelineFailed(None, "the pipeline process is not running")
        self._conn.send_bytes(message.model_dump_json().encode())

    async def _receive(self) -> Message:
        """The child's next message, without blocking the event loop."""
        conn = self._conn
        if conn is None:
            raise PipelineFailed(None, "the pipeline process is not running")
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        loop.add_reader(conn.fileno(), lambda: readable.done() or readable.set_result(None))
        try:
            await readable
        finally:
            loop.remove_reader(conn.fileno())
        try:
            return Message.model_validate_json(conn.recv_bytes())
        except (EOFError, OSError) as exc:
            process = self._process
            if process is not None:
                await asyncio.to_thread(process.join, 5)
            code = process.exitcode if process else None
            await self.close()
            raise PipelineDied(None, f"the pipeline process died (exit code {code})") from exc


def serve(settings: Settings, conn: Connection, temp: Path) -> None:
    """The child's main loop: build the backends once, then run jobs as they come.

    `temp` takes the temporary files made outside a job (a voice's working folder), so that
    the worker can remove them even after a kill; a job's own go to its scratch folder."""
    from shotgraph.pipeline.orchestrator import Orchestrator

    _own_process_group()
    tempfile.tempdir = str(temp)
    configure_logging(settings)
    try:
        orchestrator = Orchestrator(settings)
        orchestrator.backends.load_models()
    except ShotGraphError as error:  # missing weights, say: the worker cannot start
        _send(conn, Message(kind="error", user_message=str(error), detail=repr(error)))
        return
    fallbacks = orchestrator.backends.choice.notes
    _send(conn, Message(kind="ready", models=model_report(fallbacks)))
    while True:
        try:
            message = Message.model_validate_json(conn.recv_bytes())
        except (EOFError, OSError):
            return  # the worker is gone
        # A stop that came after its job ended, or between jobs, has nothing left to stop.
        if message.kind == "run" and message.request is not None:
            _send(
                conn, _run_job(orchestrator, conn, message.job_id, message.request, message.phase)
            )


def _run_job(
    orchestrator: Orchestrator,
    conn: Connection,
    job_id: str,
    request: StoryRequest,
    phase: Phase,
) -> Message:
    def emit(event: StageEvent) -> None:
        _send(conn, Message(kind="event", event=event))

    scratch = JobFolder(work_root(orchestrator.settings), job_id).scratch()
    try:
        # While a job runs, the only message the parent sends is a stop: a message waiting on
        # the pipe is the flag every checkpoint reads (from any thread), left there until acted on.
        with _temporary_files_in(scratch):
            if phase == "storyboard":
                board = asyncio.run(
                    orchestrator.storyboard(request, emit, job_id=job_id, should_stop=conn.poll)
                )
                return Message(kind="result", job_id=job_id, storyboard=board)
            result = asyncio.run(
                orchestrator.run(request, emit, job_id=job_id, should_stop=conn.poll)
            )
    except StopRequested:
        conn.recv_bytes()  # the stop, taken now that the job has acted on it
        return Message(kind="stopped", job_id=job_id)
    except ShotGraphError as error:
        return Message(kind="error", job_id=job_id, user_message=str(error), detail=repr(error))
    except Exception:
        detail = traceback.format_exc()
        log.error("job %s failed:\n%s", job_id, detail)
        return Message(kind="error", job_id=job_id, detail=detail)
    return Message(kind="result", job_id=job_id, result=result)


@contextlib.contextmanager
def _temporary_files_in(folder: Path) -> Iterator[None]:
    """Temporary folders made meanwhile (the encoder's, the mixer's) go to the job's scratch
    folder, which the worker removes when the job ends, however it ends."""
    outside = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = outside


def remove_dead_temp_folders() -> list[Path]:
    """Remove the temporary folders of pipeline processes whose worker is gone (killed, say),
    on this machine; returns what it removed. Each folder names its worker's process id."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*"):
        worker_pid = folder.name.removeprefix(TEMP_PREFIX).partition("-")[0]
        if worker_pid.isdigit() and not _alive(int(worker_pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _send(conn: Connection, message: Message) -> None:
    conn.send_bytes(message.model_dump_json().encode())


def _own_process_group() -> None:
    """Lead a process group of our own, so that a kill takes ffmpeg and espeak with us; and
    die with the worker (Linux), since its kill of the group no longer reaches us."""
    os.setpgid(0, 0)
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:  # it died before the line above
            os._exit(1)
