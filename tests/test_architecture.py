"""Dependencies point one way (issue 8, point 10).

`website/` wires the apps together and no app imports it (issue 10 moved news out
of it into `editorial/`); `directory/` knows no mailing list; helpers that several
apps share live in `common/`; shipped code never imports `bench/` or `tests/`. Read
from the source with `ast`, so an import inside a function counts as much as one at
the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("common", "directory", "editorial", "newsletter", "search", "website")

#: (importing package, imported package) pairs that must not exist.
FORBIDDEN = {
    ("directory", "newsletter"),
    ("search", "newsletter"),
    *((app, "website") for app in ("common", "directory", "editorial", "newsletter", "search")),
    *((app, "bench") for app in SHIPPED),
    *((app, "tests") for app in SHIPPED),
    ("common", "directory"),
    ("common", "newsletter"),
    ("common", "search"),
    ("common", "editorial"),
}

#: Known exceptions to FORBIDDEN, each with its reason. (module, imported module)
ALLOWED = {
    # Demo data switches the site-wide demo notice on (and off), a setting of the
    # whole site that lives with the other site settings in website/.
    ("directory/demo/loading.py", "website.models"),
}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name `path` imports (relative imports stay in the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def violations() -> list[str]:
    found = []
    for package in SHIPPED:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            for name in sorted(imported_modules(path)):
                target = name.split(".")[0]
                if (package, target) in FORBIDDEN and (module, name) not in ALLOWED:
                    found.append(f"{module} imports {name}")
    return found


def test_apps_import_only_what_the_architecture_allows():
    assert violations() == []


def test_every_allowed_exception_still_exists():
    """An allow-list line whose import is gone must go too, or it would hide a new one."""
    for module, name in ALLOWED:
        assert name in imported_modules(ROOT / module), f"{module} no longer imports {name}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from newsletter import limits", {"newsletter"}),
        ("def f():\n    import website.models", {"website.models"}),
        ("from . import models", set()),
    ],
)
def test_imports_are_read_at_any_depth(tmp_path, source, expected):
    path = tmp_path / "module.py"
    path.write_text(source)
    assert imported_modules(path) == expected
