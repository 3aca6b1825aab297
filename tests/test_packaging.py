"""The project installed as a wheel works on its own: no import of bench/ or tests/.

A source checkout hides what a wheel lacks (templates, static files, catalogues) and
what shipped code borrows from folders that are not shipped. So this builds the
wheel, installs it without dependencies into a fresh virtual environment whose only
other packages are the current environment's third-party ones (added as a plain path,
so the checkout's editable-install hook never runs), and loads the demo data into an
empty database from a folder outside the checkout.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("website", "directory", "search", "newsletter")
#: What a checkout holds beside the source, at its top level only (apps have static/).
NOT_SOURCE = {".git", ".venv", "build", "media", "static", "sent-mail", "db.sqlite3"}


def not_source(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {
        name
        for name in names
        if name == "__pycache__" or name.endswith(".egg-info") or (top and name in NOT_SOURCE)
    }


def run(*args: str | os.PathLike, cwd: Path, env: dict | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"{args!r} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools builds in the source folder: build from a copy, so the checkout gets
    # no build/ or egg-info left behind.
    source = tmp_path_factory.mktemp("source") / "project"
    shutil.copytree(ROOT, source, ignore=not_source)
    run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
        "--wheel-dir", out, source, cwd=source,
    )  # fmt: skip
    (found,) = out.glob("battery_community-*.whl")
    return found


@pytest.fixture(scope="module")
def fresh_python(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(home)
    python = home / "bin" / "python"
    site_packages = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=home
        ).strip()
    )
    # Third-party packages come from the running environment, appended after the
    # fresh site-packages; a plain path line does not run that folder's .pth hooks.
    (site_packages / "zz_third_party.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
        "--no-index", wheel, cwd=home,
    )  # fmt: skip
    return python


def test_wheel_ships_the_apps_with_templates_and_static_files(wheel):
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert not [name for name in names if name.startswith(("bench/", "tests/"))]
    assert "website/templates/base.html" in names
    assert "directory/templates/directory/researcher_page.html" in names
    assert "search/static/search/directory.js" in names
    assert "directory/fictional/generator.py" in names


def test_installed_wheel_loads_demo_data_into_an_empty_database(fresh_python, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTHON", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="website.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        TASKS_BACKEND="immediate",
    )
    where = run(
        fresh_python,
        "-c",
        "import importlib.util, json\n"
        f"print(json.dumps({{n: importlib.util.find_spec(n).origin for n in {SHIPPED!r}}}))\n",
        cwd=tmp_path,
        env=env,
    )
    for name, origin in json.loads(where).items():
        assert not origin.startswith(str(ROOT)), f"{name} imported from the checkout: {origin}"
    bench = "import importlib.util; print(importlib.util.find_spec('bench'))"
    assert run(fresh_python, "-c", bench, cwd=tmp_path, env=env).strip() == "None"

    run(fresh_python, "-m", "django", "migrate", "--noinput", "-v", "0", cwd=tmp_path, env=env)
    run(
        fresh_python, "-m", "django", "load_demo_data", "--researchers", "12", cwd=tmp_path,
        env=env,
    )  # fmt: skip
    counted = run(
        fresh_python,
        "-c",
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from directory.models import ResearcherPage\n"
        "page = ResearcherPage.objects.live().first()\n"
        "response = Client(HTTP_HOST='127.0.0.1').get(page.url)\n"
        "print(ResearcherPage.objects.live().count(), response.status_code)\n",
        cwd=tmp_path,
        env=env,
    )
    assert counted.split() == ["12", "200"]
