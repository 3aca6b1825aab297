# ruff: noqa: E402  (the path is mended before the imports, see below)
"""Throughput over HTTP: the production server under load, against a bare Django ceiling.

`bench/pages.py` times one request at a time inside the process; this starts what a
deployment runs (Gunicorn with gunicorn.conf.py, 2 sync workers, the production
settings with a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1 and no HTTPS redirect)
and drives it with a load generator: wrk (with bench/wrk.lua) when it is on the PATH,
else a small threaded keep-alive client from the standard library. For each URL it
prints requests per second, p50, p99 and errors, and the share of the ceiling: a
bare Django view (bench/ceiling.py) served by the same Gunicorn settings in the same
run. With `--cache both` (the default) every URL is measured with the shared page
cache off (no REDIS_URL) and on (REDIS_URL).

    .venv/bin/python bench/http.py                      # 10,000 researchers, SQLite
    .venv/bin/python bench/http.py --researchers 2000 --duration 10
    .venv/bin/python bench/http.py --database-url postgres://postgres@127.0.0.1:5432/bench_http

The database (default SQLite at /tmp/bench-http.sqlite3) is migrated and filled with
fictional researchers up to `--researchers` (kept between runs: the generated stream
is a prefix, so a smaller database is extended). Results are printed, not asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on the path, where this `http.py`
# would shadow the standard library's `http` (which Django imports too).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
WRK_SCRIPT = BENCH_DIR / "wrk.lua"
DEFAULT_DATABASE_URL = "sqlite:////tmp/bench-http.sqlite3"
#: A Redis database of its own, so other users of the server are left alone.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
STATIC_ROOT = "/tmp/bench-http-static"
#: The goals of the issue, in requests per second (zero errors everywhere).
GOALS = {"profile": 600, "directory search, repeated": 150, "directory search, never seen": 60}
SEED = 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--researchers", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per URL")
    parser.add_argument(
        "--warmup", type=int, default=3, help="seconds of unmeasured load before each URL"
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=2, help="load generator threads")
    parser.add_argument("--workers", type=int, default=2, help="Gunicorn workers")
    parser.add_argument("--cache", choices=["off", "on", "both"], default="both")
    parser.add_argument(
        "--max-requests",
        type=int,
        help="GUNICORN_MAX_REQUESTS for the servers (default gunicorn.conf.py's, 50,000; 0: never)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="default: DATABASE_URL, else SQLite at /tmp/bench-http.sqlite3",
    )
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if min(args.researchers, args.duration, args.connections, args.threads) < 1:
        parser.error("--researchers, --duration, --connections and --threads must be positive")
    if args.warmup < 0 or (args.max_requests is not None and args.max_requests < 0):
        parser.error("--warmup and --max-requests cannot be negative")
    args.threads = min(args.threads, args.connections)  # wrk refuses more threads
    return args


# -- Data ---------------------------------------------------------------------------


def prepare(size: int) -> None:
    """In a child process under the production settings: migrate, fill, describe."""
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    from bench.search import fill_directory
    from directory.choices import CareerStage
    from directory.fictional.vocabulary import KEYWORDS, TOPIC_SLUGS
    from directory.models import ResearcherPage

    logging.disable(logging.WARNING)
    call_command("migrate", verbosity=0)
    if not (Path(STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    fill_directory(size, SEED)
    profile = ResearcherPage.objects.live().order_by("pk").first()
    description = {
        "size": ResearcherPage.objects.count(),
        "profile": profile.url,
        "topic": "direct-lithium-extraction",
        "keywords": sorted(quote_plus(k) for k in KEYWORDS),
        "topics": list(TOPIC_SLUGS),
        "countries": ["GB", "AR", "BO", "BR", "CL", "CO", "MX", "PE"],
        "stages": list(CareerStage.values),
    }
    print("RESULT " + json.dumps(description), flush=True)


def result_line(output: str) -> dict:
    """The JSON of the last `RESULT {...}` line of a child's or wrk's output."""
    lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise ValueError("no RESULT line in the output")
    return json.loads(lines[-1][len("RESULT ") :])


# -- Servers -------------------------------------------------------------------------


def production_env(args: argparse.Namespace, port: int, cache: bool) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "PAGE_CACHE_SECONDS", "DATABASE_URL", "BIND")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback, no proxy in front
        DATABASE_URL=args.database_url,
        STATIC_ROOT=STATIC_ROOT,
        WEB_CONCURRENCY=str(args.workers),
        HOST="127.0.0.1",
        PORT=str(port),
        PYTHONPATH=str(PROJECT_DIR),
    )
    if cache:
        env["REDIS_URL"] = args.redis_url
    if args.max_requests is not None:
        env["GUNICORN_MAX_REQUESTS"] = str(args.max_requests)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], app: str | None, log: Path) -> Iterator[int]:
    """Gunicorn with gunicorn.conf.py (and `app` instead of the site, for the ceiling)."""
    port = int(env["PORT"])
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command + ([app] if app else []), cwd=PROJECT_DIR, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped on start (see {log})")
            try:
                get(port, "/healthz" if app is None else "/", timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer within 60 s (see {log})") from None
                time.sleep(0.3)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- Load ----------------------------------------------------------------------------


def fresh_paths(data: dict, salt: int) -> Iterator[str]:
    """Directory searches never asked before: the same mixed-radix walk as bench/wrk.lua."""
    topics, countries = data["topics"] + [""], data["countries"] + [""]
    stages = data["stages"] + [""]
    for n in itertools.count(salt):
        parts = []
        for name, values in (
            ("q", data["keywords"]),
            ("topic", topics),
            ("country", countries),
            ("career_stage", stages),
        ):
            value = values[n % len(values)]
            n //= len(values)
            if value:
                parts.append(f"{name}={value}")
        yield "/directory/?" + "&".join(parts)


def measure(load, args: argparse.Namespace, port: int, path: str | None, data: dict) -> dict:
    """`--warmup` seconds of load first (cold workers compile templates, fill caches)."""
    if args.warmup:
        load(argparse.Namespace(**{**vars(args), "duration": args.warmup}), port, path, data)
    return load(args, port, path, data)


def run_wrk(args, port: int, path: str | None, data: dict) -> dict:
    env = {
        **os.environ,
        "BENCH_MODE": "fresh" if path is None else "fixed",
        "BENCH_PATH": path or "/",
        "BENCH_SALT": str(random.randrange(10**6)),
        "BENCH_THREADS": str(args.threads),
        "BENCH_KEYWORDS": "|".join(data.get("keywords", [])),
        "BENCH_TOPICS": "|".join(data.get("topics", [])),
        "BENCH_COUNTRIES": "|".join(data.get("countries", [])),
        "BENCH_STAGES": "|".join(data.get("stages", [])),
    }
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += ["--timeout", "30s", "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}"]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    """Requests per second, p50/p99 in ms and errors from bench/wrk.lua's RESULT line.

    wrk counts answers of 400 and above as status errors; redirects are caught before
    the run (`preflight`), so every counted request is a 200.
    """
    raw = result_line(output)
    errors = sum(raw[key] for key in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6) if raw["duration_us"] else 0.0,
        "p50": raw["p50_us"] / 1000,
        "p99": raw["p99_us"] / 1000,
        "errors": errors,
    }


def run_python(args, port: int, path: str | None, data: dict) -> dict:
    """The fallback load generator: keep-alive connections on threads, standard library."""
    paths = fresh_paths(data, random.randrange(10**6)) if path is None else itertools.repeat(path)
    lock = threading.Lock()
    timings: list[float] = []
    errors = 0
    stop = time.monotonic() + args.duration

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            with lock:
                target = next(paths)
            started = time.perf_counter()
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.append(elapsed)
                errors += not ok

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(args.connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    timings.sort()
    return {
        "requests": len(timings),
        "rps": len(timings) / elapsed,
        "p50": percentile(timings, 0.50),
        "p99": percentile(timings, 0.99),
        "errors": errors,
    }


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def preflight(port: int, path: str) -> str:
    """Every measured URL must answer 200 itself (no redirect, no error); says whether
    the page cache answered the second request, and why not when a cookie stops it."""
    status, _, _ = get(port, path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}, not 200")
    status, headers, _ = get(port, path)
    cookies = headers.get("Set-Cookie")
    hit = headers.get("X-Page-Cache", "-")
    return f"X-Page-Cache {hit}" + (f", sets cookie {cookies.split('=')[0]}" if cookies else "")


# -- The run -------------------------------------------------------------------------


def targets(data: dict) -> list[tuple[str, str | None]]:
    return [
        ("profile", data["profile"]),
        ("/directory/", "/directory/"),
        ("directory search, repeated", f"/directory/?q=lithium&topic={data['topic']}"),
        ("directory search, never seen", None),
        ("JSON search", "/api/directory/search?q=lithium"),
    ]


def report(rows: list[dict], ceiling: float) -> str:
    lines = [
        f"{'':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ceiling':>8}  goal",
    ]
    for row in rows:
        goal = GOALS.get(row["label"])
        mark = f"≥ {goal} {'met' if row['rps'] >= goal else 'NOT met'}" if goal else ""
        share = f"{row['rps'] / ceiling:.0%}" if ceiling else "-"
        lines.append(
            f"{row['label']:<32} {row['rps']:>8.1f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
            f"{row['errors']:>7} {share:>8}  {mark}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.prepare:
        prepare(args.researchers)
        return
    use_wrk = args.loader == "wrk" or (args.loader == "auto" and shutil.which("wrk"))
    if args.loader == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk is not on the PATH (apt-get install wrk), or use --loader python")
    load = run_wrk if use_wrk else run_python
    log = Path("/tmp/bench-http-gunicorn.log")
    print(
        f"== {args.researchers:,} researchers on {args.database_url}; {args.workers} workers; "
        f"{'wrk' if use_wrk else 'python client'} -c{args.connections} -t{args.threads} "
        f"-d{args.duration}s (+{args.warmup}s warm-up); max requests per worker "
        f"{'default' if args.max_requests is None else args.max_requests}; server log {log}",
        flush=True,
    )
    env = production_env(args, 0, cache=False)
    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, __file__, "--prepare", "--researchers", str(args.researchers)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    if child.returncode != 0:
        sys.exit("preparing the database failed")
    data = result_line(child.stdout)
    print(f"data: {data['size']:,} researchers ready in {time.monotonic() - started:.0f} s")
    caches = {"off": [False], "on": [True], "both": [False, True]}[args.cache]
    summary = {"researchers": data["size"], "load_before": os.getloadavg()[0], "runs": {}}
    with gunicorn(production_env(args, free_port(), False), "bench.ceiling:application", log) as p:
        ceiling = measure(load, args, p, "/", data)
    ceiling["label"] = "ceiling (bare Django view)"
    for cache in caches:
        name = "page cache on (REDIS_URL)" if cache else "page cache off"
        rows = [ceiling]
        with gunicorn(production_env(args, free_port(), cache), None, log) as port:
            for label, path in targets(data):
                note = preflight(port, path) if path else ""
                row = measure(load, args, port, path, data)
                row.update(label=label, note=note, load=os.getloadavg()[0])
                rows.append(row)
        print(f"\n-- {name}, load average {os.getloadavg()[0]:.1f}")
        print(report(rows, ceiling["rps"]))
        for row in rows[1:]:
            if row.get("note"):
                print(f"   {row['label']}: {row['note']}")
        summary["runs"][name] = rows
    summary["load_after"] = os.getloadavg()[0]
    print("\nRESULT " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR))
    main()
