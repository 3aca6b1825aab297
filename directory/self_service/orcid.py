"""Reading a researcher's public ORCID record (API v3.0): works and employments.

Works become candidate publications, de-duplicated against what the profile lists
by DOI (case-insensitive, URL or bare) and, for works without a DOI, by their
normalised title. Every failure (record missing, deactivated, private, the API
down) is an `OrcidError` with a message for the researcher; nothing is changed.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from directory.validators import DOI_RE, normalise_doi

ACCEPT = "application/vnd.orcid+json"


class OrcidError(Exception):
    """Why the record could not be read, in words for the researcher."""


@dataclass(frozen=True)
class Work:
    title: str
    year: int | None
    venue: str
    doi: str
    kind: str
    put_code: int | None = None

    @property
    def key(self) -> str:
        return publication_key(self.doi, self.title)


@dataclass(frozen=True)
class Employment:
    organisation: str
    role: str
    country: str


def normalise_title(title: str) -> str:
    """Case, accents, punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def publication_key(doi: str, title: str) -> str:
    """What makes two publications the same: the DOI, else the normalised title."""
    doi = normalise_doi(doi or "").lower()
    return f"doi:{doi}" if doi else f"title:{normalise_title(title)}"


class Throttle:
    """At most `rate` calls a second, across threads (ORCID's public rate limits)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._next > now:
                time.sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


class OrcidClient:
    def __init__(
        self,
        base_url: str | None = None,
        timeout: float | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.base_url = (base_url or settings.ORCID_API_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.ORCID_TIMEOUT
        self.throttle = throttle or Throttle(settings.ORCID_RATE)
        self.session = requests.Session()

    def _get(self, orcid: str, section: str) -> dict[str, Any]:
        self.throttle.wait()
        url = f"{self.base_url}/v3.0/{orcid}/{section}"
        try:
            response = self.session.get(url, headers={"Accept": ACCEPT}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise OrcidError(
                _("ORCID could not be reached just now; nothing was changed. Try again later.")
            ) from exc
        if response.status_code == 404:
            raise OrcidError(
                _("ORCID has no record %(orcid)s; nothing was changed. Check the iD.")
                % {"orcid": orcid}
            )
        if response.status_code == 409:
            detail = _error_text(response)
            raise OrcidError(
                _("ORCID record %(orcid)s is deactivated (%(detail)s); nothing was changed.")
                % {"orcid": orcid, "detail": detail}
            )
        if response.status_code != 200:
            raise OrcidError(
                _(
                    "ORCID answered with an error (%(status)s); nothing was changed. "
                    "Try again later."
                )
                % {"status": response.status_code}
            )
        try:
            return response.json()
        except ValueError as exc:
            raise OrcidError(
                _("ORCID answered with something unreadable; nothing was changed.")
            ) from exc

    def works(self, orcid: str) -> list[Work]:
        data = self._get(orcid, "works")
        groups = data.get("group") or []
        if not groups:
            raise OrcidError(
                _(
                    "ORCID record %(orcid)s shows no public works (they may be private); "
                    "nothing was changed."
                )
                % {"orcid": orcid}
            )
        works: list[Work] = []
        for group in groups:
            summaries = group.get("work-summary") or []
            if summaries:
                works.append(_work(summaries[0]))  # the preferred version comes first
        return works

    def employments(self, orcid: str) -> list[Employment]:
        data = self._get(orcid, "employments")
        found: list[Employment] = []
        for group in data.get("affiliation-group") or []:
            for summary in group.get("summaries") or []:
                item = summary.get("employment-summary") or {}
                if item.get("end-date"):
                    continue
                organisation = item.get("organization") or {}
                found.append(
                    Employment(
                        organisation=organisation.get("name") or "",
                        role=item.get("role-title") or "",
                        country=(organisation.get("address") or {}).get("country") or "",
                    )
                )
        return found


def _value(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _work(summary: dict[str, Any]) -> Work:
    doi = ""
    for external in _value(summary, "external-ids", "external-id") or []:
        if (external.get("external-id-type") or "").lower() == "doi":
            candidate = normalise_doi(external.get("external-id-value") or "")
            if DOI_RE.match(candidate):
                doi = candidate
                if external.get("external-id-relationship") == "self":
                    break
    year = _value(summary, "publication-date", "year", "value")
    return Work(
        title=(_value(summary, "title", "title", "value") or "").strip()[:500],
        year=int(year) if year and str(year).isdigit() else None,
        venue=(_value(summary, "journal-title", "value") or "").strip()[:255],
        doi=doi,
        kind=(summary.get("type") or "")[:40],
        put_code=summary.get("put-code"),
    )


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    return str(body.get("user-message") or body.get("developer-message") or "")[:300]


def new_works(works: list[Work], existing: list[Any]) -> list[Work]:
    """The works not among `existing` publications (by DOI, else title), each once."""
    seen = {publication_key(p.doi, p.title) for p in existing}
    seen |= {f"title:{normalise_title(p.title)}" for p in existing}
    fresh: list[Work] = []
    for work in works:
        if not work.title:
            continue
        if work.key in seen:
            continue
        seen.add(work.key)
        fresh.append(work)
    return fresh
