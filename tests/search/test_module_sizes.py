"""House rule (issue 8, point 11): no module of the search app over about 500 lines.

A module that long holds several jobs; split it as the engines are split
(docs/search.md, docs/elasticsearch.md). Migrations are left out.
"""

from __future__ import annotations

from pathlib import Path

import search

MAX_LINES = 500


def test_no_search_module_is_over_500_lines():
    root = Path(search.__file__).parent
    too_long = {
        str(path.relative_to(root)): lines
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
