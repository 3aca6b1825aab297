"""The one progress bar of every long management command.

`Validating   4,000/10,000 [============>                 ]  40%`

On a terminal the bar is redrawn in place (`\\r`) at most ten times a second, so
drawing never slows the work down, and a new stage starts a new line. Anywhere else
(cron mail, CI logs, a pipe) `\\r` would pile up into one unreadable line, so the same
text is written as plain lines instead: the first and last of each stage and at most
one every `line_interval` seconds between them; or nothing at all with `lines=False`.
Written by hand (a few dozen lines) rather than adding a dependency for it.

Used as `bar(stage, done, total)`, or through `bar.stage("Indexing")` by code that
reports `(done, total)`; `close()` ends the last line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

from django.core.management.base import OutputWrapper


class Stream(Protocol):
    def write(self, text: str, /) -> Any: ...
    def flush(self) -> Any: ...


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed file
        return False


class ProgressBar:
    WIDTH = 30
    #: Seconds between redraws in place.
    INTERVAL = 0.1
    #: Label column width; longer stage names simply push the numbers right.
    LABEL_WIDTH = 11

    def __init__(
        self,
        stream: Stream | OutputWrapper | None,
        *,
        in_place: bool | None = None,
        lines: bool = True,
        line_interval: float = 5.0,
    ) -> None:
        """`stream` None: silent. `in_place` None: redraw in place only on a terminal.

        `lines=False` writes nothing when not drawing in place; `line_interval` is the
        least time between two plain lines of one stage (0: a line per call).
        """
        self.stream = stream
        if in_place is None:
            in_place = stream is not None and is_terminal(stream)
        if stream is None:
            self.mode = "off"
        elif in_place:
            self.mode = "bar"
        else:
            self.mode = "lines" if lines else "off"
        self.line_interval = line_interval
        self.current: str | None = None
        self.last_draw = 0.0
        self.last_text = ""

    def __call__(self, stage: str, done: int, total: int, detail: str = "") -> None:
        if self.mode == "off":
            return
        now = time.monotonic()
        new_stage = stage != self.current
        finished = done >= total
        interval = self.INTERVAL if self.mode == "bar" else self.line_interval
        if not new_stage and not finished and now - self.last_draw < interval:
            return
        text = format_line(stage, done, total, detail, self.WIDTH, self.LABEL_WIDTH)
        if text == self.last_text:
            return
        if self.mode == "bar":
            if new_stage and self.current is not None:
                self._write("\n")
                self.last_text = ""
            self._write("\r" + text.ljust(len(self.last_text)))
        else:
            self._write(text + "\n")
        self.current, self.last_draw, self.last_text = stage, now, text

    def stage(self, name: str) -> Callable[[int, int], None]:
        """A `progress(done, total)` callback that draws under the stage `name`."""
        return lambda done, total: self(name, done, total)

    def close(self) -> None:
        """End the bar's line, so that whatever is written next starts on its own."""
        if self.mode == "bar" and self.current is not None:
            self._write("\n")
        self.current, self.last_text = None, ""

    def _write(self, text: str) -> None:
        assert self.stream is not None
        if isinstance(self.stream, OutputWrapper):
            # Without Django's automatic newline (which would defeat `\r`) or colouring.
            self.stream.write(text, style_func=str, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


def format_line(
    stage: str, done: int, total: int, detail: str = "", width: int = 30, label_width: int = 11
) -> str:
    """`Writing     1/1 [==============================] 100%`, then `detail` if any."""
    fraction = min(done / total, 1.0) if total else 1.0
    filled = int(width * fraction)
    bar = ("=" * filled + (">" if filled < width else "")).ljust(width)
    digits = len(f"{total:,}")
    text = f"{stage:<{label_width}} {done:>{digits},}/{total:,} [{bar}] {int(fraction * 100):3d}%"
    return f"{text} {detail}" if detail else text
