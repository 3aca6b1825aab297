"""Benchmark directory search: p50/p95 latency at 10,000 and 100,000 researchers.

A "typical directory search" is what the directory page and the JSON API ask for:
free text plus two facets, answered with the page of hits *and* the counts of
every facet. For each database and size this script

1. resets a scratch database (its name must contain "bench") and migrates it,
2. writes fictional researchers with `directory.fictional.create_researchers` (the
   100,000 profiles extend the first 10,000: the generator's stream is a prefix),
3. rebuilds the search index (`engine.rebuild()`) and reports how long it took,
4. runs the typical searches round after round and reports p50 and p95, the
   number of SQL queries per search, and (PostgreSQL) the plan of one search.

Run both databases (PostgreSQL from BENCH_POSTGRES_URL, default below):

    .venv/bin/python bench/search.py                      # 10,000 and 100,000
    .venv/bin/python bench/search.py --sizes 10000 --databases sqlite

With ELASTICSEARCH_URL set, the same searches are then timed on Elasticsearch,
against this database's profiles indexed into a scratch alias; without it, the
report says that part was skipped and why.

Results are printed, not asserted: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, and bench/http.py would then
# shadow the standard library's http: put the project there instead. (Imported by
# the other benchmarks, the path is theirs already.)
if __name__ == "__main__":
    sys.path[0] = str(PROJECT_DIR)
DATABASES = {
    "sqlite": os.environ.get("BENCH_SQLITE_URL", "sqlite:////tmp/bench-search.sqlite3"),
    "postgresql": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/bench_search"
    ),
}
SEED = 2026

#: Free text plus two facets, the shape of a typical directory search. The text
#: mixes the three languages, names and the vocabulary of the generated profiles.
TYPICAL = [
    ("lithium", {"topic": ["direct-lithium-extraction"], "country": ["CL"]}),
    ("recycling", {"country": ["GB"], "language": ["es"]}),
    ("cátodo", {"career_stage": ["senior"], "country": ["AR"]}),
    (
        "sodium-ion",
        {"topic": ["sodium-ion-and-next-generation-chemistries"], "open_to": ["collaboration"]},
    ),
    ("Pérez", {"country": ["CL", "AR"], "language": ["en"]}),
    ("baterias litio", {"country": ["BO"], "open_to": ["visiting"]}),
    ("brine", {"career_stage": ["early-career"], "language": ["es"]}),
    ("solid-state electrolytes", {"country": ["GB"], "career_stage": ["doctoral"]}),
    ("reciclagem", {"country": ["BR"], "topic": ["recycling-and-circular-supply-chains"]}),
    ("second life", {"open_to": ["industry"], "country": ["MX"]}),
    ("Gonzalez", {"country": ["MX", "CO"], "open_to": ["mentoring"]}),
    ("cathode", {"topic": ["cam", "pcam"], "country": ["GB"]}),
    ("Silva", {"country": ["BR"], "career_stage": ["mid-career"]}),
    ("modelling", {"topic": ["battery-management-modelling-and-testing"], "language": ["en"]}),
    ("Sao Paulo", {"career_stage": ["senior", "mid-career"], "open_to": ["phd-supervision"]}),
    ("extracción directa", {"country": ["AR", "BO", "CL"], "language": ["es"]}),
    ("impedance spectroscopy", {"topic": ["characterisation"], "country": ["GB"]}),
    ("hard carbon anode", {"topic": ["anode-materials"], "open_to": ["collaboration"]}),
    ("ESG policy", {"country": ["CL", "PE"], "career_stage": ["senior"]}),
    ("manufacturing scale-up", {"country": ["GB"], "open_to": ["industry"]}),
]
#: Other shapes, reported separately for context.
OTHERS = {
    "browse (no text, no filters)": [("", {})],
    "text only": [("lithium", {}), ("recycling", {}), ("cátodo", {}), ("Pérez", {})],
    "page 20, sort by name": [("battery", {"country": ["GB"], "page": ["20"], "sort": ["name"]})],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# --------------------------------------------------------------------------------------
# Worker: one database, run in its own process (Django is configured once a process)
# --------------------------------------------------------------------------------------


def fill_directory(size: int, seed: int) -> None:
    """Published fictional researchers up to `size`, indexed once at the end.

    The generated stream is a prefix, so a smaller database is extended, never
    shrunk; a database that has `size` already is left alone. Django must be set up.
    """
    import itertools

    from directory.fictional import generate_researchers, write_researchers
    from directory.models import ResearcherPage
    from search import signals
    from search.engines.database import DatabaseEngine

    signals.schedule = lambda kind, pks: None  # indexed once, below
    written = ResearcherPage.objects.count()
    if written < size:
        stream = itertools.islice(generate_researchers(size, seed), written, size)
        write_researchers(stream, total=size - written, batch_size=1000)
        DatabaseEngine().rebuild()


def reset_scratch_database(url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in Path(name).name:
        sys.exit(f"Refusing to reset {name}: use a scratch database whose name contains 'bench'.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
    else:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            dbname="postgres",
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            autocommit=True,
        ) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def measure(engine, specs, rounds: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.query import parse_search_query

    queries = [parse_search_query({"q": [text], **filters}) for text, filters in specs]
    for query in queries:  # warm caches and plans
        engine.search(query)
    timings, query_counts, totals = [], set(), []
    for _ in range(rounds):
        for query in queries:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                results = engine.search(query)
                timings.append((time.perf_counter() - started) * 1000)
            query_counts.add(len(captured.captured_queries))
            totals.append(results.total)
    return {
        "searches": len(timings),
        "p50": percentile(timings, 0.50),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "queries": sorted(query_counts),
        "median_hits": statistics.median(totals),
    }


def measure_calls(calls, rounds: int) -> dict:
    """p50/p95 of other engine calls (similar researchers, autocomplete)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for call in calls:
        call()
    timings, query_counts = [], set()
    for _ in range(rounds):
        for call in calls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
            query_counts.add(len(captured.captured_queries))
    return {
        "searches": len(timings),
        "p50": percentile(timings, 0.50),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
        "queries": sorted(query_counts),
    }


def calibration_ms() -> float:
    """How fast this machine is right now: a fixed piece of database work, in ms."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM generate_series(1, 1000000)")
        else:
            cursor.execute(
                "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                "WHERE n < 1000000) SELECT count(*) FROM s"
            )
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def explain(query) -> str:
    from django.db import connection

    from search.engines.database import get_dialect
    from search.engines.database_sql import facet_statement, hits_statement
    from search.query import search_terms

    terms = search_terms(query.text)
    lines = []
    with connection.cursor() as cursor:
        for label, statement in (
            ("facets", facet_statement(get_dialect(), query, terms)),
            ("hits", hits_statement(get_dialect(), query, terms)),
        ):
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement.text, statement.params
            )
            lines.append(f"-- {label}")
            lines += [row[0] for row in cursor.fetchall()]
    return "\n".join(lines)


def worker(sizes: list[int], rounds: int, reuse: bool) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "website.settings.test"
    if not reuse:
        reset_scratch_database(os.environ["DATABASE_URL"])
    import itertools
    import logging

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from directory.fictional import generate_researchers, write_researchers
    from directory.models import ResearcherPage
    from search.engines.database import DatabaseEngine
    from search.query import parse_search_query

    logging.disable(logging.WARNING)  # task and page-creation chatter
    if reuse:  # keep the profiles, rebuild the search app's tables from its migrations
        call_command("migrate", "directory_search", "zero", verbosity=0)
    call_command("migrate", verbosity=0)
    # Profiles are indexed by the rebuild below, timed on its own.
    from search import signals

    signals.schedule = lambda kind, pks: None
    engine = DatabaseEngine()
    written = ResearcherPage.objects.count()
    for size in sorted(sizes):
        if written > size:
            continue
        started = time.perf_counter()
        stream = itertools.islice(generate_researchers(size, SEED), written, size)
        written += write_researchers(stream, total=size - written, batch_size=1000)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        indexed = engine.rebuild()
        rebuilt = time.perf_counter() - started
        ids = list(ResearcherPage.objects.order_by("pk").values_list("pk", flat=True))[
            :: size // 20
        ]
        prefixes = ["pér", "gonz", "silva", "recyc", "univ", "ana ma"]
        result = {
            "calibration_ms": round(calibration_ms()),
            "load": os.getloadavg()[0],
            "vendor": connection.vendor,
            "size": ResearcherPage.objects.count(),
            "indexed": indexed,
            "generate_s": round(generated, 1),
            "rebuild_s": round(rebuilt, 1),
            "typical": measure(engine, TYPICAL, rounds),
            "others": {
                label: measure(engine, specs, max(3, rounds // 2))
                for label, specs in OTHERS.items()
            },
            "calls": {
                "similar researchers": measure_calls(
                    [lambda pk=pk: engine.similar(pk) for pk in ids], max(2, rounds // 2)
                ),
                "autocomplete": measure_calls(
                    [lambda p=p: engine.autocomplete(p) for p in prefixes], max(2, rounds // 2)
                ),
            },
        }
        result["elasticsearch"] = elasticsearch_figures(rounds, ids, prefixes)
        if connection.vendor == "postgresql":
            text, filters = TYPICAL[0]
            result["explain"] = explain(parse_search_query({"q": [text], **filters}))
        print("RESULT " + json.dumps(result), flush=True)


def elasticsearch_figures(rounds: int, ids: list[int], prefixes: list[str]) -> dict:
    """The same calls on Elasticsearch when ELASTICSEARCH_URL names a server (its
    API key, user and CA certificate settings apply as on the site): this
    database's profiles are indexed into a scratch alias, BENCH_ELASTICSEARCH_INDEX
    (default "bench-researchers"), never the site's own."""
    url = os.environ.get("ELASTICSEARCH_URL", "")
    if not url:
        return {"skipped": "ELASTICSEARCH_URL is not set, so there is no server to measure"}
    from search.engines.elasticsearch import ElasticsearchEngine

    index = os.environ.get("BENCH_ELASTICSEARCH_INDEX", "bench-researchers")
    engine = ElasticsearchEngine(url=url, index=index, timeout=60)
    started = time.perf_counter()
    indexed = engine.rebuild()
    rebuilt = time.perf_counter() - started
    return {
        "index": index,
        "indexed": indexed,
        "rebuild_s": round(rebuilt, 1),
        "typical": measure(engine, TYPICAL, rounds),
        "others": {
            label: measure(engine, specs, max(3, rounds // 2)) for label, specs in OTHERS.items()
        },
        "calls": {
            "similar researchers": measure_calls(
                [lambda pk=pk: engine.similar(pk) for pk in ids], max(2, rounds // 2)
            ),
            "autocomplete": measure_calls(
                [lambda p=p: engine.autocomplete(p) for p in prefixes], max(2, rounds // 2)
            ),
        },
    }


# --------------------------------------------------------------------------------------
# Orchestrator
# --------------------------------------------------------------------------------------


def report(result: dict) -> str:
    typical = result["typical"]
    lines = [
        f"{result['vendor']:<10} {result['size']:>8,} researchers: "
        f"p50 {typical['p50']:.1f} ms, p95 {typical['p95']:.1f} ms, max {typical['max']:.1f} ms "
        f"over {typical['searches']} typical searches (free text + two facets, all facet "
        f"counts); SQL queries per search: {', '.join(map(str, typical['queries']))}; "
        f"median hits {typical['median_hits']:,.0f}",
        f"{'':<10} generated in {result['generate_s']} s, index rebuilt in {result['rebuild_s']} s",
    ]
    for label, other in {**result["others"], **result.get("calls", {})}.items():
        lines.append(
            f"{'':<10} {label}: p50 {other['p50']:.1f} ms, p95 {other['p95']:.1f} ms "
            f"({other['searches']} calls, {'/'.join(map(str, other['queries']))} queries each)"
        )
    lines.append(
        f"{'':<10} machine: load average {result['load']:.1f}; calibration (1M-row count) "
        f"{result['calibration_ms']} ms"
    )
    es = result.get("elasticsearch", {})
    if "skipped" in es:
        lines.append(f"elasticsearch: skipped ({es['skipped']})")
    elif es:
        typical = es["typical"]
        lines.append(
            f"elasticsearch {es['indexed']:>8,} researchers (index {es['index']}, rebuilt in "
            f"{es['rebuild_s']} s): p50 {typical['p50']:.1f} ms, p95 {typical['p95']:.1f} ms, "
            f"max {typical['max']:.1f} ms over {typical['searches']} typical searches"
        )
        for label, other in {**es["others"], **es["calls"]}.items():
            lines.append(
                f"{'':<10} {label}: p50 {other['p50']:.1f} ms, p95 {other['p95']:.1f} ms "
                f"({other['searches']} calls)"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--databases", nargs="+", choices=list(DATABASES), default=list(DATABASES))
    parser.add_argument("--rounds", type=int, default=10, help="rounds over the typical searches")
    parser.add_argument("--explain", action="store_true", help="print PostgreSQL plans")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the profiles already in the scratch databases (the generated stream is "
        "a prefix, so a smaller database is extended); rebuild only the search tables",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        worker(args.sizes, args.rounds, args.reuse)
        return

    for vendor in args.databases:
        env = {**os.environ, "DATABASE_URL": DATABASES[vendor]}
        command = [sys.executable, __file__, "--worker", "--rounds", str(args.rounds)]
        command += ["--reuse"] if args.reuse else []
        command += ["--sizes"]
        command += [str(size) for size in args.sizes]
        print(f"== {vendor}: {DATABASES[vendor]}", flush=True)
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("RESULT "):
                result = json.loads(line[len("RESULT ") :])
                print(report(result), flush=True)
                if args.explain and "explain" in result:
                    print(result["explain"], flush=True)
            else:
                print(line, end="", flush=True)
        if process.wait() != 0:
            sys.exit(f"{vendor} benchmark failed")


if __name__ == "__main__":
    main()
