"""Nothing in the repository points outside it, and every citation of docs/ resolves.

Code comments cite the API facts they rely on as `docs/<file>.md §n`; a renumbered
or deleted section would leave them pointing at nothing, and a path on one
engineer's machine means nothing to the next reader.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = {".py", ".md", ".html", ".txt", ".toml", ".js", ".css", ".cfg", ".yml", ".yaml", ""}
SKIP = {".git", ".venv", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache", "media"}
#: Spelled in pieces so this file does not match itself.
OUTSIDE = ("/work" + "/", "shared" + "/reference", "ref" + " §")
CITATION = re.compile(r"docs/([\w.-]+\.md) §(\d+)")


def text_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & SKIP or not path.is_file() or path.suffix not in TEXT:
            continue
        if path.suffix == "" and path.name not in {"Makefile"}:
            continue
        found.append(path)
    return found


def test_nothing_points_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {marker!r}"
        for path in text_files()
        for marker in OUTSIDE
        if marker in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert offenders == []


def test_every_docs_section_citation_resolves() -> None:
    cited: dict[tuple[str, str], list[str]] = {}
    for path in text_files():
        for doc, section in CITATION.findall(path.read_text(encoding="utf-8", errors="replace")):
            cited.setdefault((doc, section), []).append(str(path.relative_to(ROOT)))
    assert cited, "expected the Mailchimp code to cite docs/mailchimp-api.md"
    missing = []
    for (doc, section), where in sorted(cited.items()):
        target = ROOT / "docs" / doc
        headings = target.read_text(encoding="utf-8") if target.exists() else ""
        if not re.search(rf"^#+ §{section} ", headings, re.MULTILINE):
            missing.append(f"docs/{doc} §{section}, cited in {sorted(set(where))}")
    assert missing == []


def test_the_delivery_task_keeps_its_dotted_path() -> None:
    """django-tasks' database backend stores a task by dotted path, so queued rows
    in a production database would break if the task's module moved."""
    from newsletter.mailchimp.tasks import deliver_pending_changes

    assert deliver_pending_changes.module_path == (
        "newsletter.mailchimp.tasks.deliver_pending_changes"
    )
