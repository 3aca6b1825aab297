"""common.progress: the one progress bar of every long command."""

from __future__ import annotations

import io

from django.core.management.base import OutputWrapper

from common.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_it_redraws_in_place_and_starts_a_line_per_stage():
    stream = Terminal()
    bar = ProgressBar(stream)
    bar.INTERVAL = 0
    bar("Validating", 1, 2)
    bar("Validating", 2, 2)
    bar("Writing", 2, 2)
    bar.close()
    assert stream.getvalue() == (
        "\rValidating  1/2 [===============>              ]  50%"
        "\rValidating  2/2 [==============================] 100%\n"
        "\rWriting     2/2 [==============================] 100%\n"
    )


def test_off_a_terminal_it_writes_plain_lines_first_and_last_of_a_stage():
    stream = io.StringIO()
    bar = ProgressBar(stream)  # line_interval 5 s: the middle calls are skipped
    for done in range(0, 101):
        bar("Indexing", done, 100)
    bar.close()
    assert "\r" not in stream.getvalue()
    assert stream.getvalue().splitlines() == [
        "Indexing      0/100 [>                             ]   0%",
        "Indexing    100/100 [==============================] 100%",
    ]


def test_off_a_terminal_line_interval_zero_writes_every_step_with_its_detail():
    stream = io.StringIO()
    bar = ProgressBar(stream, line_interval=0)
    bar("Sending", 3, 7, "(sent 3)")
    bar("Sending", 7, 7, "(sent 7)")
    assert stream.getvalue().splitlines() == [
        "Sending     3/7 [============>                 ]  42% (sent 3)",
        "Sending     7/7 [==============================] 100% (sent 7)",
    ]


def test_silent_without_a_stream_or_off_a_terminal_without_lines():
    ProgressBar(None)("Writing", 1, 1)  # nothing to write to, nothing raised
    stream = io.StringIO()
    bar = ProgressBar(stream, lines=False)
    bar("Writing", 1, 1)
    bar.close()
    assert stream.getvalue() == ""


def test_a_commands_output_wrapper_gets_no_newline_or_colour_added():
    raw = Terminal()
    bar = ProgressBar(OutputWrapper(raw))
    bar.stage("Indexing")(0, 0)
    bar.close()
    assert raw.getvalue() == "\rIndexing    0/0 [==============================] 100%\n"
