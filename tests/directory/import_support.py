"""What the researcher CSV import tests share: a valid row, a CSV file of rows,
counts of what an import writes, and an upload to the admin view."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from taggit.models import Tag

from directory.importing import COLUMNS
from directory.models import Institution, ResearcherLink, ResearcherPage

ORCID = "0000-0002-1825-0097"
ORCID_2 = "0000-0001-5109-3700"
BAD_ORCID = "0000-0002-1825-0098"  # check digit off by one


def person(**values: str) -> dict[str, str]:
    """A valid row; keyword arguments override its cells."""
    row = {
        "given_name": "Ana",
        "family_name": "Souza",
        "email": "ana.souza@uni.example.org",
        "institution": "Universidade Ficticia do Norte",
        "country": "BR",
        "job_title": "Pesquisadora",
        "career_stage": "Early-career researcher",
        "topics": "Anode materials",
        "keywords": "silício",
        "languages": "pt",
        "orcid": "",
        "website": "",
        "bio": "",
        "open_to": "",
    }
    row.update(values)
    return row


def make_csv(*rows: dict[str, str], columns=COLUMNS, bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def counts() -> tuple[int, int, int, int]:
    return (
        ResearcherPage.objects.count(),
        Institution.objects.count(),
        Tag.objects.count(),
        ResearcherLink.objects.count(),
    )


def upload(client, data: bytes, **extra):
    return client.post(
        reverse("directory_import_researchers"),
        {"file": SimpleUploadedFile("people.csv", data, content_type="text/csv"), **extra},
    )
