"""docs/security.md cites real tests: every promise's proof exists under tests/.

The document names tests as `file.py::function`, and further tests of the same file
as `::function`; a renamed or deleted test would otherwise leave a promise that
nothing proves.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"`(?:([\w/]+\.py)(?:::(\w+))?|::(\w+))`")


def cited_tests() -> list[tuple[str, str | None]]:
    """(test file, test function or None) for every test the document cites."""
    cited = []
    for line in (ROOT / "docs" / "security.md").read_text().splitlines():
        current = None  # the test file that a bare `::function` belongs to
        for match in CITATION.finditer(line):
            path, name, more = match.groups()
            if path and Path(path).name.startswith("test_"):
                current = path
                cited.append((path, name))
            elif path:
                current = None  # shipped code, e.g. `website/api.py`
            elif current:
                cited.append((current, more))
    return cited


def test_every_cited_test_exists():
    cited = cited_tests()
    assert len(cited) > 50
    missing = []
    for path, name in cited:
        file = ROOT / "tests" / path
        if not file.exists():
            missing.append(path)
        elif name and not re.search(rf"^(?:async )?def {name}\b", file.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert not missing, f"docs/security.md cites tests that do not exist: {missing}"
