"""Gunicorn's configuration (`make serve`, or `gunicorn -c gunicorn.conf.py`).

Everything a deployment changes is read from the environment, like the Django
settings (README.md, "Running it in production"):

* `WEB_CONCURRENCY`: worker processes (default 2 × CPU cores + 1, at most 8);
* `BIND` (e.g. `unix:/run/site.sock` or `0.0.0.0:8000`), else `HOST` and `PORT`
  (default 127.0.0.1:8000: a reverse proxy in front of the site);
* `GUNICORN_THREADS`: threads per worker (default 1: plain sync workers);
* `GUNICORN_TIMEOUT`: seconds a request may take before its worker is replaced
  (default 30), `GUNICORN_GRACEFUL_TIMEOUT` seconds to finish requests on
  shutdown (default 30), `GUNICORN_KEEPALIVE` seconds an idle keep-alive
  connection stays open (default 5);
* `GUNICORN_MAX_REQUESTS`: a worker is replaced after this many requests
  (default 50,000, plus up to a quarter more at random), so slow leaks never
  grow unbounded; 0 never replaces them.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "website.wsgi:application"
bind = [
    os.environ.get("BIND", "").strip()
    or f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8000)}"
]
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycling guards against slow leaks; cached pages are served at hundreds a second, so
# a low limit restarts Django and Wagtail every few seconds (bench/README.md measured 4x
# less throughput at 1,000). Jitter keeps the workers from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 50_000)
max_requests_jitter = max(max_requests // 4, 0)
# Heartbeat files in memory, not on a disk that may stall (Gunicorn's advice for Docker).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# One line per request, and errors, to the terminal (or the service's journal).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
