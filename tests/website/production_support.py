"""Python run in a fresh interpreter with the production settings.

Settings are read once per process, so a test of what `website.settings.production`
makes of the environment imports it anew in a child process. The child gets this
process's environment without any `DJANGO_*` or `SECURE_*` variable, so neither the
test settings nor a developer's own security settings leak in, then the production
minimum (a secret key, allowed hosts) and `env`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_in_production(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` with the production settings; `env` adds or replaces variables."""
    child = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_"))
    }
    child.update(
        DJANGO_SETTINGS_MODULE="website.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="testserver",
    )
    child.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=child,
        capture_output=True,
        text=True,
        timeout=120,
    )
