"""Benchmark requests through the whole Django stack: the JSON search and the
directory landing page, p50/p95 at a configurable number of researchers.

`bench/search.py` times the engine alone; this times what a visitor waits for
(URL routing, middleware, the engine, templates or JSON), in process through
Django's test client, on the database engine, with no page cache. The typical
searches run with the cache cleared before every request; the landing page (HTML
and JSON) both so and with the cache left alone, where the facet counts of a
search without text are kept until the index changes (search/engines/facet_cache.py).

    .venv/bin/python bench/pages.py --researchers 2000 --databases sqlite
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/bench_pages \\
        .venv/bin/python bench/pages.py --researchers 100000 --databases postgresql

The scratch database is reset first (its name must contain "bench"); `--reuse`
keeps the profiles already there (the generated stream is a prefix, so a smaller
database is extended). Results are printed, not asserted: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, and bench/http.py would then
# shadow the standard library's http: put the project there instead.
sys.path[0] = str(PROJECT_DIR)

from bench.search import SEED, fill_directory, percentile, reset_scratch_database  # noqa: E402

DATABASES = {
    "sqlite": os.environ.get("BENCH_SQLITE_URL", "sqlite:////tmp/bench-pages.sqlite3"),
    "postgresql": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_pages"
    ),
}

#: JSON searches: typed words, finished and unfinished (search as you type), with facets.
SEARCHES = [
    "/api/directory/search?q=lithium&country=CL",
    "/api/directory/search?q=recyc",
    "/api/directory/search?q=catho&country=GB",
    "/api/directory/search?q=P%C3%A9rez&language=en",
    "/api/directory/search?q=sodium-ion&open_to=collaboration",
    "/api/directory/search?q=baterias+litio&country=BO",
    "/api/directory/search?q=Silva&career_stage=mid-career",
    "/api/directory/search?q=brine",
]
#: The directory landing page: as it opens, and in Spanish.
LANDING = ["/directory/", "/es/directory/"]
#: The same search as JSON: every profile counted, no text.
LANDING_JSON = ["/api/directory/search", "/api/directory/search?lang=es"]


def time_requests(client, urls: list[str], rounds: int, *, cold: bool = True) -> dict:
    """p50/p95 of `urls` over `rounds`; `cold` clears the cache before every request
    (as after a deploy), otherwise it holds what the requests before kept (the
    facet counts of searches without text, renditions), as in a running server."""
    from django.core.cache import cache

    for url in urls:  # warm imports, templates and plans
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(rounds):
        for url in urls:
            if cold:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
    return {
        "requests": len(timings),
        "p50": percentile(timings, 0.50),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
    }


def worker(size: int, rounds: int, reuse: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "website.settings.test"
    if not reuse:
        reset_scratch_database(os.environ["DATABASE_URL"])
    import logging

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from directory.models import ResearcherPage

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    fill_directory(size, SEED)
    client = Client()
    result = {
        "vendor": connection.vendor,
        "size": ResearcherPage.objects.count(),
        "load": os.getloadavg()[0],
        "json search": time_requests(client, SEARCHES, rounds),
        "directory landing page": time_requests(client, LANDING, rounds * 2),
        "directory landing page, counts kept": time_requests(
            client, LANDING, rounds * 2, cold=False
        ),
        "json landing": time_requests(client, LANDING_JSON, rounds * 2),
        "json landing, counts kept": time_requests(client, LANDING_JSON, rounds * 2, cold=False),
    }
    print("RESULT " + json.dumps(result), flush=True)


def report(result: dict) -> str:
    lines = [f"{result['vendor']:<10} {result['size']:>8,} researchers"]
    for label, r in result.items():
        if not isinstance(r, dict):
            continue
        lines.append(
            f"{'':<10} {label}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
            f"max {r['max']:.1f} ms ({r['requests']} requests)"
        )
    lines.append(f"{'':<10} machine: load average {result['load']:.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--researchers", type=int, default=10_000)
    parser.add_argument("--databases", nargs="+", choices=list(DATABASES), default=["sqlite"])
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the requests")
    parser.add_argument("--reuse", action="store_true", help="keep the profiles already there")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.researchers, args.rounds, args.reuse)
        return
    for vendor in args.databases:
        env = {**os.environ, "DATABASE_URL": DATABASES[vendor]}
        command = [sys.executable, __file__, "--worker", "--rounds", str(args.rounds)]
        command += ["--researchers", str(args.researchers)] + (["--reuse"] if args.reuse else [])
        print(f"== {vendor}: {DATABASES[vendor]}", flush=True)
        process = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)
        for line in process.stdout.splitlines():
            if line.startswith("RESULT "):
                print(report(json.loads(line[len("RESULT ") :])), flush=True)
            else:
                print(line, flush=True)
        if process.returncode != 0:
            sys.exit(f"{vendor} benchmark failed")


if __name__ == "__main__":
    main()
