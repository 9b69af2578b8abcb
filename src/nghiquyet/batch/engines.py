"""Batch engines: a sequence of :class:`Job` → an iterator of :class:`Outcome` (completion order).

Both engines run every job in a supervised worker process (:class:`Child`, see
:mod:`nghiquyet.batch.child`) that the supervisor kills when the job exceeds its time limit
(NQ601) and replaces when it dies (NQ602). Nothing a single input does can stop the batch.

- :class:`LocalEngine` (``--engine local``): ``jobs`` children on this machine, multiplexed by
  one loop in the calling thread. Nothing to install or start. The children write the outputs
  themselves and send back only the report data (``writes_outputs``).
- :class:`DaskEngine` (``--engine dask``): each Dask task hands its job to a supervised child of
  the Dask worker running it, so a hang or a crash costs that child, never the Dask worker.
  Outcomes, output bytes included, come back to the client, which writes the outputs (with the
  same function): results are byte-identical to the local engine's.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: when one worker dies the whole pool is
broken (``BrokenProcessPool``) and it cannot kill a worker that hangs. Why not
:mod:`multiprocessing`: Dask workers are daemonic processes, which may not start children.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nghiquyet.batch import BatchError
from nghiquyet.batch.child import ChannelClosed, recv_frame, send_frame
from nghiquyet.batch.work import Job, Outcome, failure, tool_version

DEFAULT_MAX_MEMORY = 4 * 1024**3
"""Default address-space limit of one worker process (``--max-memory``), in bytes."""

STARTUP_TIMEOUT = 120.0
"""Seconds a new worker process may take to import the parser and say it is ready."""

MAX_START_FAILURES = 3
"""Worker processes that may fail to start in a row before the batch gives up (exit 3)."""


class EngineError(BatchError):
    """The engine itself cannot work (workers do not start, no cluster): the batch stops
    (``nghiquyet convert`` exits with 3)."""


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _exit_detail(returncode: int | None) -> str:
    if returncode is None:
        return "no exit status"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def _child_env() -> dict[str, str]:
    """The parent's environment, with the folder holding this package first on PYTHONPATH so
    that the child imports the same code even when it was not installed (a source checkout)."""
    import nghiquyet

    env = dict(os.environ)
    here = str(Path(nghiquyet.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return env


class Child:
    """One supervised worker process (see :mod:`nghiquyet.batch.child`)."""

    def __init__(self, max_memory: int = DEFAULT_MAX_MEMORY,
                 pass_fds: Sequence[int] = ()) -> None:
        self.max_memory = max_memory
        self.pass_fds = tuple(pass_fds)
        """File descriptors the process inherits (the lock on the output folder)."""
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready = False
        self.version = ""

    # ------------------------------------------------------------------ process control

    def start(self) -> None:
        """Start the process; it sends a "ready" frame once it has imported the parser."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nghiquyet.batch.child", str(self.max_memory),
             str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env(), close_fds=True,
            pass_fds=self.pass_fds,
            # Unbuffered: a buffered reader could swallow the next frame along with this one,
            # and select() would then wait for bytes already read.
            bufsize=0)
        self.ready = False

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def stdout(self) -> IO[bytes]:
        assert self.proc is not None and self.proc.stdout is not None
        return self.proc.stdout

    def kill(self) -> str:
        """Kill the process (if still running); return how it ended."""
        proc, self.proc, self.ready = self.proc, None, False
        if proc is None:
            return "not started"
        if proc.poll() is None:
            proc.kill()
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        return _exit_detail(proc.wait())

    def died(self) -> str:
        """Reap a process that closed its pipe; return how it ended."""
        proc = self.proc
        if proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        return self.kill()

    # ------------------------------------------------------------------ messages

    def send(self, job: Job) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        send_frame(self.proc.stdin, job)

    def receive(self) -> Any:
        """The next frame (blocks until complete). Raises ChannelClosed if the process died."""
        return recv_frame(self.stdout)

    def on_ready(self, frame: Any) -> None:
        if not (isinstance(frame, tuple) and frame and frame[0] == "ready"):
            raise EngineError(f"worker process sent {frame!r} instead of 'ready'")
        self.ready, self.version = True, str(frame[2])

    # ------------------------------------------------------------------ blocking use (Dask)

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self.stdout, selectors.EVENT_READ)
        try:
            if not sel.select(timeout):
                raise EngineError(f"worker process not ready after {timeout:g} s "
                                  f"({self.kill()})")
            try:
                self.on_ready(self.receive())
            except ChannelClosed:
                raise EngineError(f"worker process failed to start ({self.died()}); is "
                                  "--max-memory too small?") from None
        finally:
            sel.close()

    def run(self, job: Job, timeout: float) -> Outcome:
        """Run one job in this child, (re)starting it as needed; time-outs kill it."""
        if not self.alive or not self.ready:
            self.kill()
            self.start()
            self.wait_ready()
        start = time.perf_counter()
        try:
            self.send(job)
        except (BrokenPipeError, OSError):  # died while idle: not this job's fault
            self.kill()
            self.start()
            self.wait_ready()
            start = time.perf_counter()
            self.send(job)
        sel = selectors.DefaultSelector()
        sel.register(self.stdout, selectors.EVENT_READ)
        try:
            if not sel.select(timeout):
                self.kill()
                return failure(job, "NQ601", timeout, seconds=f"{timeout:g}")
        finally:
            sel.close()
        try:
            outcome: Outcome = self.receive()
        except ChannelClosed:
            detail = self.died()
            return failure(job, "NQ602", time.perf_counter() - start, detail=detail)
        if outcome.restart:
            self.died()
        return outcome


# --------------------------------------------------------------------------- local engine


PREFETCH = 2
"""Jobs handed to a local worker at once: the one it runs and the next, so that it never
waits while the client reads its previous outcome and sends it more work."""


@dataclass(eq=False)
class _Slot:
    """A local worker process and the jobs sent to it, oldest (the running one) first."""

    child: Child
    queue: deque[Job] = field(default_factory=deque)
    starting: bool = False
    deadline: float = 0.0
    """When the running job (or the start-up) times out (``time.monotonic``)."""
    started: float = 0.0
    """When the running job started (``time.perf_counter``), for its report line."""


class LocalEngine:
    """``jobs`` supervised worker processes on this machine.

    ``lock`` is a file descriptor holding the lock on the output folder: the workers inherit
    it, so the folder stays locked until the last process that can write into it is gone.
    """

    name = "local"
    writes_outputs = True
    """The workers share this machine's file system: they write the outputs themselves."""

    def __init__(self, jobs: int | None = None, *, timeout: float = 120.0,
                 max_memory: int = DEFAULT_MAX_MEMORY, lock: int | None = None) -> None:
        self.jobs = jobs or default_jobs()
        self.timeout = timeout
        self.max_memory = max_memory
        self.pass_fds = () if lock is None else (lock,)
        self.notes: list[str] = []

    def run(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        """Run every job, in the order given; yield outcomes as they complete."""
        pending = deque(jobs)
        slots = [_Slot(Child(self.max_memory, self.pass_fds))
                 for _ in range(min(self.jobs, len(pending)))]
        sel = selectors.DefaultSelector()
        start_failures = 0

        def retire(slot: _Slot, how: str) -> str:
            """Kill or reap the slot's process; its queued jobs (not the running one, which
            the caller has taken) go back to the front of the pending queue."""
            if slot.child.proc is not None:
                sel.unregister(slot.child.stdout)
            detail = slot.child.kill() if how == "kill" else slot.child.died()
            pending.extendleft(reversed(slot.queue))
            slot.queue.clear()
            slot.starting = False
            return detail

        try:
            while pending or any(slot.queue or slot.starting for slot in slots):
                now = time.monotonic()
                for slot in slots:
                    self._feed(slot, pending, sel, now)
                active = [slot for slot in slots if slot.queue or slot.starting]
                if not active:
                    continue
                wait = max(0.0, min(slot.deadline for slot in active) - now)
                for key, _ in sel.select(wait):
                    slot = key.data
                    try:
                        frame = slot.child.receive()
                    except ChannelClosed:
                        if slot.starting:
                            detail = retire(slot, "reap")
                            start_failures += 1
                            if start_failures >= MAX_START_FAILURES:
                                raise EngineError(f"worker processes fail to start ({detail}); "
                                                  "is --max-memory too small?") from None
                        elif slot.queue:
                            job = slot.queue.popleft()
                            detail = retire(slot, "reap")
                            yield failure(job, "NQ602", time.perf_counter() - slot.started,
                                          detail=detail)
                        else:  # died while idle: nobody to blame
                            retire(slot, "reap")
                        continue
                    if slot.starting:
                        slot.child.on_ready(frame)
                        slot.starting, start_failures = False, 0
                        self._check_version(slot.child.version)
                        continue
                    slot.queue.popleft()
                    if frame.restart:
                        retire(slot, "reap")
                    elif slot.queue:  # it has already started the next one
                        slot.deadline = time.monotonic() + self.timeout
                        slot.started = time.perf_counter()
                    yield frame
                now = time.monotonic()
                for slot in slots:
                    if (slot.queue or slot.starting) and slot.deadline <= now:
                        if slot.starting:
                            raise EngineError(f"worker process not ready after "
                                              f"{STARTUP_TIMEOUT:g} s ({retire(slot, 'kill')})")
                        job = slot.queue.popleft()
                        retire(slot, "kill")
                        yield failure(job, "NQ601", self.timeout, seconds=f"{self.timeout:g}")
        finally:
            sel.close()
            for slot in slots:
                slot.child.kill()

    def _feed(self, slot: _Slot, pending: deque[Job], sel: selectors.BaseSelector,
              now: float) -> None:
        """Start the slot's process if needed, and send it jobs up to :data:`PREFETCH`."""
        if slot.starting or not pending:
            return
        if slot.child.proc is None or not slot.child.ready:  # not started yet, or retired
            if slot.child.proc is not None:
                sel.unregister(slot.child.stdout)
            slot.child.kill()
            slot.child.start()
            slot.starting, slot.deadline = True, now + STARTUP_TIMEOUT
            sel.register(slot.child.stdout, selectors.EVENT_READ, slot)
            return
        while pending and len(slot.queue) < PREFETCH:
            job = pending.popleft()
            try:
                slot.child.send(job)
            except OSError:  # the process died: not this job's fault
                pending.appendleft(job)
                # The select loop reads its EOF, blames the job it was running (if any) and
                # replaces it.
                return
            slot.queue.append(job)
            if len(slot.queue) == 1:
                slot.deadline, slot.started = now + self.timeout, time.perf_counter()

    def _check_version(self, version: str) -> None:
        if version != tool_version() and not self.notes:
            self.notes.append(f"worker runs nghiquyet {version}, this process {tool_version()}")


# --------------------------------------------------------------------------- Dask engine


_WORKER_CHILDREN: dict[int, Child] = {}
"""On a Dask worker: the supervised child of each worker thread (thread id → child)."""
_WORKER_LOCK = threading.Lock()


def run_on_worker(job: Job, timeout: float, max_memory: int) -> Outcome:
    """The Dask task: run ``job`` in this worker thread's supervised child process."""
    thread = threading.get_ident()
    with _WORKER_LOCK:
        child = _WORKER_CHILDREN.get(thread)
        if child is None or child.max_memory != max_memory:
            if child is not None:
                child.kill()
            child = _WORKER_CHILDREN[thread] = Child(max_memory)
    return child.run(job, timeout)


def stop_worker_children() -> int:
    """On a Dask worker: stop the idle children left by a batch; return how many."""
    with _WORKER_LOCK:
        children = list(_WORKER_CHILDREN.values())
        _WORKER_CHILDREN.clear()
    for child in children:
        child.kill()
    return len(children)


def worker_version() -> str:
    """What a Dask worker would record as tool version (checked before the batch starts)."""
    return tool_version()


class DaskEngine:
    """The same work on a Dask distributed cluster (``pip install nghiquyet[dask]``).

    ``scheduler`` is a scheduler address (``tcp://host:8786``), a ``distributed.Client``, or
    None to start a local cluster of ``jobs`` single-threaded worker processes.
    """

    name = "dask"
    writes_outputs = False
    """Workers may run on other machines: outputs come back to the client, which writes them."""

    def __init__(self, scheduler: Any = None, jobs: int | None = None, *, timeout: float = 120.0,
                 max_memory: int = DEFAULT_MAX_MEMORY) -> None:
        try:
            # Imported as Any: distributed ships no type information.
            self._dask: Any = importlib.import_module("distributed")
        except ImportError:
            raise EngineError("--engine dask needs dask.distributed: "
                              "pip install 'nghiquyet[dask]'") from None
        self.scheduler = scheduler
        self.jobs = jobs
        self.timeout = timeout
        self.max_memory = max_memory
        self.notes: list[str] = []

    def _connect(self) -> tuple[Any, Any, bool]:
        Client, LocalCluster = self._dask.Client, self._dask.LocalCluster  # noqa: N806
        if self.scheduler is None:
            cluster = LocalCluster(n_workers=self.jobs or default_jobs(), threads_per_worker=1,
                                   processes=True, dashboard_address=None)
            return Client(cluster), cluster, True
        if isinstance(self.scheduler, Client):
            return self.scheduler, None, False
        try:
            return Client(self.scheduler, timeout="30s"), None, True
        except (OSError, TimeoutError) as exc:
            raise EngineError(f"cannot reach the Dask scheduler at {self.scheduler}: {exc}") \
                from None

    def run(self, jobs: Sequence[Job]) -> Iterator[Outcome]:
        """Run every job on the cluster; yield outcomes as they complete."""
        if not jobs:
            return
        as_completed = self._dask.as_completed
        FutureCancelledError = self._dask.client.FutureCancelledError  # noqa: N806
        KilledWorker = self._dask.scheduler.KilledWorker  # noqa: N806

        client, cluster, owned = self._connect()
        try:
            try:
                versions = client.run(worker_version)
            except Exception as exc:
                raise EngineError(f"the Dask workers cannot run nghiquyet ({exc}); install "
                                  "the same nghiquyet on every worker") from None
            if not versions:
                raise EngineError("the Dask cluster has no worker")
            other = sorted({v for v in versions.values() if v != tool_version()})
            if other:
                self.notes.append(f"Dask workers run nghiquyet {', '.join(other)}, this process "
                                  f"{tool_version()}: outputs may differ from a local run")
            window = max(4, 2 * sum(client.nthreads().values()))
            prefix = f"nghiquyet-{uuid.uuid4().hex[:8]}"
            todo = iter(enumerate(jobs))
            inflight: dict[str, Job] = {}
            completed = as_completed()

            def submit_next() -> None:
                for index, job in todo:
                    future = client.submit(run_on_worker, job, self.timeout, self.max_memory,
                                           key=f"{prefix}-{index}", pure=False, retries=0)
                    inflight[future.key] = job
                    completed.add(future)
                    return

            for _ in range(window):
                submit_next()
            for future in completed:
                job = inflight.pop(future.key)
                started = time.perf_counter()
                try:
                    outcome: Outcome = future.result()
                except KilledWorker as exc:
                    outcome = failure(job, "NQ602", time.perf_counter() - started,
                                      detail=f"the Dask worker died: {exc}")
                except FutureCancelledError as exc:
                    outcome = failure(job, "NQ602", 0.0, detail=f"task cancelled: {exc}")
                except EngineError as exc:
                    raise EngineError(f"on a Dask worker: {exc}") from None
                except Exception as exc:  # an error in the task wrapper itself: a bug
                    outcome = failure(job, "NQ603", 0.0, detail=f"{type(exc).__name__}: {exc}")
                future.release()
                submit_next()
                yield outcome
        finally:
            if cluster is None:  # someone else's cluster: do not leave our processes on it
                with contextlib.suppress(Exception):  # best effort: workers may be gone
                    client.run(stop_worker_children)
            if owned:
                client.close()
            if cluster is not None:
                cluster.close()
