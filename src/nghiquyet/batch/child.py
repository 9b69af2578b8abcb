"""Batch worker process: ``python -m nghiquyet.batch.child MAX_MEMORY [SUPERVISOR_PID]``.

Reads :class:`~nghiquyet.batch.work.Job` frames on stdin and answers each with an
:class:`~nghiquyet.batch.work.Outcome` frame on stdout. A frame is an 8-byte big-endian length
followed by a pickle. The process is started with :mod:`subprocess` (not :mod:`multiprocessing`)
so that it can also be started from a daemonic Dask worker, and it is owned by exactly one
supervisor (:class:`~nghiquyet.batch.engines.Child`), which kills it on a time-out and replaces
it when it dies. Its address space is capped (``RLIMIT_AS``) so that a memory blow-up ends this
process and nothing else.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys
from typing import IO, Any

_HEADER = struct.Struct(">Q")


class ChannelClosed(EOFError):
    """The other end of the pipe went away (mid-frame or between frames)."""


def read_exact(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise ChannelClosed("pipe closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def send_frame(stream: IO[bytes], obj: object) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:  # an unbuffered stream may take part of it
        written = stream.write(view)
        view = view[written if written is not None else len(view):]
    stream.flush()


def recv_frame(stream: IO[bytes]) -> Any:
    (size,) = _HEADER.unpack(read_exact(stream, _HEADER.size))
    return pickle.loads(read_exact(stream, size))


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (best effort, Linux only), so
    that killing a batch never leaves workers behind."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    max_memory = int(args[0]) if args else 0
    # The supervisor's pid comes on the command line: by the time this runs (after importing
    # nghiquyet.batch), the supervisor may already have died and this process been adopted.
    parent = int(args[1]) if len(args) > 1 else os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        return 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
    if max_memory > 0:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    channel_in = os.fdopen(os.dup(0), "rb")
    # Import the parser now, not inside the first job's time. Its tens of thousands of objects
    # (pydantic models, compiled patterns) live as long as the process: collecting garbage
    # while they are made finds none (it took a tenth of the start-up), and once frozen the
    # collector never walks them again (a full collection took ~10 ms, several times a run).
    gc.disable()
    import nghiquyet.api  # noqa: F401
    from nghiquyet.batch.work import pin_tool_version, run_job

    version = pin_tool_version()
    gc.freeze()
    gc.enable()
    send_frame(channel_out, ("ready", os.getpid(), version))
    if not os.environ.get("NGHIQUYET_BATCH_DEBUG"):
        # After a clean start, library chatter (pdfminer warnings …) would garble the progress
        # bar; failures are reported through outcomes, not stderr.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    while True:
        try:
            job = recv_frame(channel_in)
        except ChannelClosed:
            return 0
        outcome = run_job(job)
        try:
            send_frame(channel_out, outcome)
        except BrokenPipeError:
            return 0
        if outcome.restart:
            return 0


if __name__ == "__main__":
    sys.exit(main())
