"""Compile every app's translation catalogues (.po → .mo) with polib.

Why not `compilemessages`: it needs GNU gettext's msgfmt, which a fresh machine with
only Python does not have. polib (a dependency of wagtail-localize) writes the same
.mo files in pure Python. The compiled files are committed, so `make run` serves
translated pages without running this at all; `make messages` runs it after
`makemessages`, and tests/test_catalogues.py fails if a committed .mo is stale.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.core.management.base import BaseCommand

from website.catalogues import catalogue_files


class Command(BaseCommand):
    help = "Compile the translation catalogues of every app with polib (no gettext needed)."

    def handle(self, *args, **options) -> None:
        for po_path in catalogue_files():
            catalogue = polib.pofile(str(po_path))
            # makemessages writes a placeholder header marked fuzzy; ours is settled.
            catalogue.metadata_is_fuzzy = False
            catalogue.metadata["Project-Id-Version"] = "battery-community"
            catalogue.metadata["Language"] = po_path.parent.parent.name
            catalogue.save()
            mo_path = Path(po_path).with_suffix(".mo")
            catalogue.save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {mo_path}")
