"""Batch progress on stderr: a redrawn bar on a terminal, plain periodic lines otherwise.

The bar shows files done/total, rate, ETA and failures so far::

    ████████████▌         57% 114/200  41.3 files/s  ETA 0:00:02  2 failed

When the stream is not a terminal (CI logs, ``2> log``) a plain line is written every
``interval`` seconds and at the end, so logs stay readable. Messages (failed files) are
printed above the bar. No dependency, no thread: the caller calls :meth:`Progress.advance`.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class Progress:
    """Progress of ``total`` files on ``stream``; ``mode`` is "auto", "bar", "lines" or "off"."""

    def __init__(self, total: int, stream: TextIO, *, mode: str = "auto",
                 interval: float = 10.0, label: str = "convert",
                 clock: Callable[[], float] = time.monotonic) -> None:
        if mode == "auto":
            mode = "bar" if getattr(stream, "isatty", lambda: False)() else "lines"
        self.total, self.stream, self.mode = total, stream, mode
        self.interval, self.label = interval, label
        self.now = clock
        self.start = self.now()
        self.done = self.failed = 0
        self._last_draw = 0.0
        self._last_line = self.start
        self._bar_shown = False
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        self._blocks = encoding.startswith("utf")

    # ------------------------------------------------------------------ numbers

    def _rate(self) -> float:
        elapsed = self.now() - self.start
        return self.done / elapsed if elapsed > 0 else 0.0

    def _eta(self) -> str:
        rate = self._rate()
        return _clock((self.total - self.done) / rate) if rate > 0 else "?"

    def status(self) -> str:
        """``114/200 (57%), 41.3 files/s, ETA 0:00:02, 2 failed``."""
        percent = 100 * self.done // self.total if self.total else 100
        return (f"{self.done}/{self.total} ({percent}%), {self._rate():.1f} files/s, "
                f"ETA {self._eta()}, {self.failed} failed")

    # ------------------------------------------------------------------ drawing

    def _bar(self) -> str:
        width = shutil.get_terminal_size((80, 20)).columns
        percent = self.done / self.total if self.total else 1.0
        tail = (f" {int(100 * percent):3d}% {self.done}/{self.total}  {self._rate():.1f} files/s"
                f"  ETA {self._eta()}  {self.failed} failed")
        size = max(10, min(40, width - len(tail) - 2))
        filled = percent * size
        if self._blocks:
            partial = " ▏▎▍▌▋▊▉"[int((filled - int(filled)) * 8)] if int(filled) < size else ""
            bar = ("█" * int(filled) + partial).ljust(size)
        else:
            bar = ("#" * int(filled)).ljust(size, ".")
        return (bar + tail)[: width - 1]

    def _draw(self, force: bool = False) -> None:
        now = self.now()
        if self.mode == "bar" and (force or now - self._last_draw >= 0.1):
            self.stream.write("\r" + self._bar() + "\x1b[K")
            self.stream.flush()
            self._last_draw, self._bar_shown = now, True
        elif self.mode == "lines" and (force or now - self._last_line >= self.interval):
            self.stream.write(f"nghiquyet {self.label}: {self.status()}\n")
            self.stream.flush()
            self._last_line = now

    def _clear(self) -> None:
        if self.mode == "bar" and self._bar_shown:
            self.stream.write("\r\x1b[K")
            self._bar_shown = False

    # ------------------------------------------------------------------ API

    def begin(self) -> None:
        """Show the empty bar (terminals only)."""
        if self.mode == "bar":
            self._draw(force=True)

    def advance(self, failed: bool = False) -> None:
        """One more file done."""
        self.done += 1
        self.failed += failed
        self._draw()

    def message(self, text: str) -> None:
        """Print a line (a failed file) above the bar."""
        if self.mode == "off":
            return
        self._clear()
        self.stream.write(text + "\n")
        if self.mode == "bar":
            self._draw(force=True)
        self.stream.flush()

    def finish(self) -> None:
        """Final state: the full bar and a newline, or a last plain line."""
        if self.mode == "bar":
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
        elif self.mode == "lines" and self.done:
            self._draw(force=True)
