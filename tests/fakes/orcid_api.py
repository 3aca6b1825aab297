"""A local fake of ORCID's public API v3.0, served over real HTTP on 127.0.0.1.

Serves `/v3.0/{iD}/works` and `/v3.0/{iD}/employments` in the JSON shapes the real
API returns (`application/vnd.orcid+json`), and its real error bodies: 404 for an
unknown iD, 409 for a deactivated record. Standard library only.

    with FakeOrcid() as fake:
        fake.add_record("0000-0002-1825-0097", works=[work("Title", doi="10.1/x")])
        settings.ORCID_API_URL = fake.url
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEACTIVATED_BODY = {
    "response-code": 409,
    "developer-message": "409 Conflict: The ORCID record is deactivated and cannot be edited.",
    "user-message": "The ORCID record is deactivated.",
    "error-code": 9044,
    "more-info": "https://members.orcid.org/api/resources/troubleshooting",
}


def not_found_body(orcid: str) -> dict[str, Any]:
    return {
        "response-code": 404,
        "developer-message": f"404 Not Found: The resource was not found. Full validation "
        f"error: ORCID iD {orcid} not found",
        "user-message": "The resource was not found.",
        "error-code": 9016,
        "more-info": "https://members.orcid.org/api/resources/troubleshooting",
    }


def work(
    title: str,
    *,
    doi: str = "",
    year: int | None = 2023,
    journal: str = "",
    kind: str = "journal-article",
    put_code: int = 1,
    orcid: str = "0000-0002-1825-0097",
) -> dict[str, Any]:
    """One `group` of the works summary, as v3.0 returns it."""
    external = (
        [
            {
                "external-id-type": "doi",
                "external-id-value": doi,
                "external-id-normalized": {"value": doi.lower(), "transient": True},
                "external-id-url": {"value": f"https://doi.org/{doi}"},
                "external-id-relationship": "self",
            }
        ]
        if doi
        else []
    )
    summary = {
        "created-date": {"value": 1600000000000},
        "last-modified-date": {"value": 1600000000000},
        "source": {"source-name": {"value": "Crossref"}},
        "put-code": put_code,
        "path": "/".join(("", orcid, "work", str(put_code))),  # as v3.0 spells it
        "title": {"title": {"value": title}, "subtitle": None, "translated-title": None},
        "external-ids": {"external-id": external},
        "url": None,
        "type": kind,
        "publication-date": {
            "year": {"value": str(year)} if year else None,
            "month": None,
            "day": None,
        },
        "journal-title": {"value": journal} if journal else None,
        "visibility": "public",
        "display-index": "1",
    }
    return {
        "last-modified-date": {"value": 1600000000000},
        "external-ids": {"external-id": external},
        "work-summary": [summary],
    }


def employment(organisation: str, role: str = "", country: str = "GB", ended: bool = False) -> dict:
    return {
        "last-modified-date": {"value": 1600000000000},
        "external-ids": {"external-id": []},
        "summaries": [
            {
                "employment-summary": {
                    "put-code": 1,
                    "department-name": None,
                    "role-title": role or None,
                    "start-date": {"year": {"value": "2020"}, "month": None, "day": None},
                    "end-date": {"year": {"value": "2022"}} if ended else None,
                    "organization": {
                        "name": organisation,
                        "address": {"city": "Oxford", "region": None, "country": country},
                    },
                    "visibility": "public",
                }
            }
        ],
    }


class FakeOrcid:
    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.deactivated: set[str] = set()
        self.fail_with: int | None = None
        self.requests: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                fake.requests.append(self.path)
                status, body = fake.answer(self.path)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/vnd.orcid+json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add_record(self, orcid: str, works=(), employments=()) -> None:
        self.records[orcid] = {"works": list(works), "employments": list(employments)}

    def answer(self, path: str) -> tuple[int, dict]:
        if self.fail_with:
            return self.fail_with, {"response-code": self.fail_with, "user-message": "Error"}
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "v3.0" or parts[2] not in ("works", "employments"):
            return 404, not_found_body("")
        orcid, section = parts[1], parts[2]
        if orcid in self.deactivated:
            return 409, DEACTIVATED_BODY
        record = self.records.get(orcid)
        if record is None:
            return 404, not_found_body(orcid)
        if section == "works":
            return 200, {
                "last-modified-date": {"value": 1600000000000},
                "group": record["works"],
                "path": f"/{orcid}/works",
            }
        return 200, {
            "last-modified-date": None,
            "affiliation-group": record["employments"],
            "path": f"/{orcid}/employments",
        }

    def __enter__(self) -> FakeOrcid:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
