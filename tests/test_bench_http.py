"""bench/http.py reads its options and the load generator's output correctly.

No server is started: the benchmark itself is run by hand (bench/README.md).
"""

import pytest

from bench import http as bench_http

WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:41234
  2 threads and 8 connections
RESULT {"requests": 3000, "duration_us": 15000000, "p50_us": 12500, "p99_us": 80250, \
"connect": 0, "read": 1, "write": 0, "status": 2, "timeout": 3}
"""

DATA = {
    "keywords": ["lithium", "black+mass", "c%C3%A1todo"],
    "topics": ["direct-lithium-extraction", "second-life"],
    "countries": ["GB", "CL"],
    "stages": ["phd", "senior"],
    "topic": "direct-lithium-extraction",
    "profile": "/directory/ana-perez/",
}


def test_defaults_are_the_issue_s_run():
    args = bench_http.parse_args([])

    assert args.researchers == 10_000
    assert args.workers == 2
    assert args.cache == "both"
    assert args.max_requests is None
    assert not args.prepare


def test_options_are_read_and_threads_never_outnumber_connections():
    args = bench_http.parse_args(
        ["--researchers", "2000", "--duration", "5", "--connections", "1", "--threads", "4"]
        + ["--cache", "on", "--max-requests", "0", "--loader", "python"]
    )

    assert (args.researchers, args.duration, args.connections, args.threads) == (2000, 5, 1, 1)
    assert (args.cache, args.max_requests, args.loader) == ("on", 0, "python")


@pytest.mark.parametrize(
    "argv",
    [["--researchers", "0"], ["--duration", "-1"], ["--warmup", "-1"], ["--cache", "maybe"]],
)
def test_nonsense_options_are_refused(argv):
    with pytest.raises(SystemExit):
        bench_http.parse_args(argv)


def test_wrk_result_gives_rate_latencies_in_ms_and_every_kind_of_error():
    result = bench_http.parse_wrk(WRK_OUTPUT)

    assert result["requests"] == 3000
    assert result["rps"] == pytest.approx(200.0)
    assert (result["p50"], result["p99"]) == (12.5, 80.25)
    assert result["errors"] == 6


def test_output_without_a_result_line_is_an_error():
    with pytest.raises(ValueError):
        bench_http.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_the_last_result_line_wins():
    output = 'RESULT {"size": 1}\nnoise\nRESULT {"size": 2}\n'

    assert bench_http.result_line(output) == {"size": 2}


def test_never_seen_searches_are_distinct_directory_searches():
    paths = bench_http.fresh_paths(DATA, salt=0)
    combinations = 3 * 3 * 3 * 3  # each list plus "no filter"

    batch = [next(paths) for _ in range(combinations)]

    assert len(set(batch)) == combinations
    assert all(path.startswith("/directory/?q=") for path in batch)
    assert "/directory/?q=black+mass&topic=second-life&country=CL&career_stage=senior" in batch


def test_the_measured_urls_include_the_issue_s_five():
    labels = dict(bench_http.targets(DATA))

    assert labels["profile"] == "/directory/ana-perez/"
    assert labels["directory search, never seen"] is None
    assert labels["directory search, repeated"].endswith("topic=direct-lithium-extraction")
    assert labels["JSON search"] == "/api/directory/search?q=lithium"


def test_report_shares_of_the_ceiling_and_goals():
    rows = [
        {"label": "profile", "rps": 650.0, "p50": 5.0, "p99": 20.0, "errors": 0},
        {"label": "directory search, never seen", "rps": 30.0, "p50": 9, "p99": 90, "errors": 0},
    ]

    text = bench_http.report(rows, ceiling=1300.0)

    assert "50%" in text
    assert "≥ 600 met" in text
    assert "≥ 60 NOT met" in text
