"""A local fake of Mailchimp's Marketing API v3, served over real HTTP on 127.0.0.1.

Why a real server: the newsletter sync talks to Mailchimp through the official
``mailchimp_marketing`` client, whose quirks (problem+json errors arriving as raw
strings, body-less responses returned instead of raised, network errors with
``status_code=None``) only show up when real HTTP responses go through ``requests``.
Mocking the client would hide exactly the behaviour the sync must cope with.

The semantics follow ``docs/mailchimp-api.md`` (the API facts with their upstream
sources); comments cite its sections as "docs/mailchimp-api.md §n". Standard
library only; the optional
:meth:`FakeMailchimp.client` helper imports the SDK lazily.

Usage::

    with FakeMailchimp() as fake:
        client = fake.client()  # or configure mailchimp_marketing.Client yourself
        client.lists.set_list_member("aud1", subscriber_hash(email), {...})
        assert fake.member(email)["status"] == "subscribed"
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import itertools
import json
import marshal
import re
import secrets
import sys
import tarfile
import threading
import time
import traceback
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from tests.fakes import mailchimp_segments

ERROR_TYPE = "https://mailchimp.com/developer/marketing/docs/errors/"
PROBLEM_JSON = "application/problem+json; charset=utf-8"
JSON = "application/json; charset=utf-8"

#: Domains whose addresses Mailchimp rejects as "looks fake or invalid"
#: (docs/mailchimp-api.md §1, e.g. ``fooboo@example.com``). The real rule is
#: undocumented; the fake uses this set plus :data:`FAKE_ADDRESSES` and a basic
#: syntax check. Per instance, see
#: ``FakeMailchimp.fake_domains``/``fake_addresses``.
FAKE_DOMAINS = frozenset({"example.com", "example.org", "example.net", "test.com"})
#: Individual addresses at real providers that Mailchimp rejected in public reports
#: (docs/mailchimp-api.md §1).
FAKE_ADDRESSES = frozenset({"alex@gmail.com", "test@gmail.com"})
_EMAIL_SYNTAX = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

READ_STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived")
WRITE_STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending", "transactional")
PATCH_STATUSES = ("subscribed", "unsubscribed", "cleaned", "pending")
CAMPAIGN_TYPES = ("regular", "plaintext", "absplit", "rss", "variate")
CATEGORY_TYPES = ("checkboxes", "dropdown", "radio", "hidden")
BATCH_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_PENDING_BATCHES = 500
MAX_BATCH_SUBSCRIBE = 500
MAX_COUNT = 1000

#: Bookkeeping stored on member dicts but never returned by the API.
_PRIVATE_MEMBER_KEYS = ("_compliance", "_unsubscribed_by", "_status_before_archive")

ADMIN_UNSUBSCRIBE_REASON = "N/A (Unsubscribed by an admin)"
USER_UNSUBSCRIBE_REASON = "I no longer want to receive these emails"

# Fault bodies used by fail_next(); 429 text is the glossary's (docs/mailchimp-api.md §6).
_FAULT_TEXT = {
    403: ("Forbidden", "You don't have permission to access this resource."),
    429: ("Too Many Requests", "You have exceeded the limit of 10 simultaneous connections."),
    500: (
        "Internal Server Error",
        "An unexpected internal error has occurred. Please contact Support for more information.",
    ),
    503: ("Service Unavailable", "The service is temporarily unavailable. Please try again."),
}


def subscriber_hash(email: str) -> str:
    """Mailchimp's member id: md5 of the lower-cased address (docs/mailchimp-api.md §1)."""
    return hashlib.md5(email.lower().encode("utf-8")).hexdigest()


class ApiError(Exception):
    """An error the fake answers with as an ``application/problem+json`` body."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The problem document, as Mailchimp shapes it (docs/mailchimp-api.md §0)."""
        doc: dict[str, Any] = {
            "type": ERROR_TYPE,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": str(uuid.uuid4()),
        }
        if self.errors is not None:
            doc["errors"] = self.errors
        return doc


def _not_found() -> ApiError:
    return ApiError(404, "Resource Not Found", "The requested resource could not be found.")


def _invalid(errors: list[dict[str, str]]) -> ApiError:
    """The schema-validation form of 400 Invalid Resource (docs/mailchimp-api.md §1)."""
    detail = (
        "The resource submitted could not be validated. "
        "For field-specific details, see the 'errors' array."
    )
    return ApiError(400, "Invalid Resource", detail, errors=errors)


def _member_exists(email: str) -> ApiError:
    detail = f"{email} is already a list member. Use PUT to insert or update list members."
    return ApiError(400, "Member Exists", detail)


def _forgotten(email: str) -> ApiError:
    detail = (
        f"{email} was permanently deleted and cannot be re-imported. "
        "The contact must re-subscribe to get back on the list."
    )
    return ApiError(400, "Forgotten Email Not Subscribed", detail)


def _compliance(email: str) -> ApiError:
    detail = (
        f"{email} is in a compliance state due to unsubscribe, bounce, or compliance review "
        "and cannot be subscribed."
    )
    return ApiError(400, "Member In Compliance State", detail)


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, "Bad Request", detail)


def _clone(value: Any) -> Any:
    """Deep-copy state; marshal is ~10x faster than deepcopy, which matters for 50k syncs."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:  # e.g. a test seeded a datetime
        return copy.deepcopy(value)


def _json_type(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        msg = f"Schema describes object, {_json_type(body)} found instead"
        raise _invalid([{"field": "", "message": msg}])
    return body


def _check_enum(value: Any, allowed: Iterable[str], field_name: str) -> None:
    if value is not None and value not in allowed:
        raise _invalid([{"field": field_name, "message": "Value is not one of enum values"}])


def _email_field(body: dict[str, Any]) -> str | None:
    """The optional ``email_address`` of a body, rejecting non-strings as the schema does."""
    email = body.get("email_address")
    if email is not None and not isinstance(email, str):
        msg = f"Schema describes string, {_json_type(email)} found instead"
        raise _invalid([{"field": "email_address", "message": msg}])
    return email or None


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).replace(microsecond=0).isoformat()


def _naive(value: str) -> datetime | None:
    """Parse a stored timestamp into naive UTC, for comparisons and sorting."""
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    return dt.astimezone(UTC).replace(tzinfo=None) if dt.tzinfo else dt


def _query_time(value: str, name: str) -> datetime:
    """Parse a filter timestamp the way Mailchimp does: the UTC offset is ignored
    (docs/mailchimp-api.md §3)."""
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        msg = "Data did not match the date-time format"
        raise _invalid([{"field": name, "message": msg}]) from None


def _int_param(query: dict[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        raise _invalid([{"field": name, "message": "Value must be an integer"}]) from None


def _page(items: list[Any], query: dict[str, str]) -> list[Any]:
    """Apply count/offset; Mailchimp's default page size is 10, maximum 1000
    (docs/mailchimp-api.md §3)."""
    count = _int_param(query, "count", 10)
    offset = _int_param(query, "offset", 0)
    if count > MAX_COUNT or count < 0:
        msg = f"count must be between 0 and {MAX_COUNT}"
        raise _invalid([{"field": "count", "message": msg}])
    return items[max(offset, 0) : max(offset, 0) + count]


def _field_tree(paths: str) -> dict[str, Any]:
    """Turn ``"members.email_address,total_items"`` into a nested dict of wanted keys."""
    tree: dict[str, Any] = {}
    for path in filter(None, (p.strip() for p in paths.split(","))):
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if child is True:
                break
            node = child
        else:
            node[parts[-1]] = True
    return tree


def _include(value: Any, tree: Any) -> Any:
    if tree is True:
        return value
    if isinstance(value, list):
        return [_include(v, tree) for v in value]
    if isinstance(value, dict):
        return {k: _include(v, tree[k]) for k, v in value.items() if k in tree}
    return value


def _exclude(value: Any, tree: Any) -> Any:
    if isinstance(value, list):
        return [_exclude(v, tree) for v in value]
    if isinstance(value, dict):
        return {
            k: (_exclude(v, tree[k]) if k in tree else v)
            for k, v in value.items()
            if tree.get(k) is not True
        }
    return value


def select_fields(data: Any, query: dict[str, str]) -> Any:
    """Apply ``fields``/``exclude_fields`` (comma-separated dotted paths,
    docs/mailchimp-api.md §3)."""
    if query.get("fields"):
        data = _include(data, _field_tree(query["fields"]))
    if query.get("exclude_fields"):
        data = _exclude(data, _field_tree(query["exclude_fields"]))
    return data


class LoggedRequest(NamedTuple):
    """One HTTP request the fake received; ``path`` is relative to ``/3.0`` and unquoted."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass
class Response:
    """What a route produced; ``body=None`` means an empty body.

    ``text`` is serialized on construction, which dispatch() does under the lock: ``body``
    may share nested objects with the live state (rendering skips copies for speed).
    """

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None

    def __post_init__(self) -> None:
        if self.text is None and self.body is not None:
            self.text = json.dumps(self.body)


@dataclass
class FakeList:
    """An audience. ``members`` is keyed by subscriber hash and holds the stored dicts.

    Stored member dicts contain the public representation plus private ``_``-prefixed
    bookkeeping (``_compliance``, ``_unsubscribed_by``, ``_status_before_archive``)
    that is stripped from API responses.
    """

    id: str
    name: str
    merge_fields: list[dict[str, Any]]
    marketing_permissions: list[dict[str, str]] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    interest_categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    interests: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    forgotten: set[str] = field(default_factory=set)
    tags: dict[str, int] = field(default_factory=dict)

    @property
    def merge_tags(self) -> list[str]:
        return [f["tag"] for f in self.merge_fields]

    def subscribed_emails(self) -> list[str]:
        return [m["email_address"] for m in self.members.values() if m["status"] == "subscribed"]


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    fake: FakeMailchimp

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or a stop() mid-request is expected; stay quiet then.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep test output clean."""

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _handle(self) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if split.path.startswith("/_batch-results/"):
            self._send(*fake._batch_download(split.path))
            return
        if not (split.path == "/3.0" or split.path.startswith("/3.0/")):
            self._send_response(Response(404, _not_found().body()), PROBLEM_JSON)
            return
        path = unquote(split.path[len("/3.0") :]).rstrip("/") or "/"
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        body: Any = None
        parse_error = False
        text = raw.decode("utf-8", errors="replace").strip()
        if text:
            try:
                body = json.loads(text)  # the SDK sends the literal "null" for no body
            except ValueError:
                body, parse_error = text, True
        fake._log(LoggedRequest(self.command, path, query, body))
        if not fake._enter():
            # over the connection limit (docs/mailchimp-api.md §6)
            self._send_fault(429, with_body=True)
            return
        try:
            self._handle_api(path, query, body, parse_error)
        finally:
            fake._leave()

    def _send_fault(self, status: int, with_body: bool) -> None:
        if with_body:
            phrase = HTTPStatus(status)
            title, detail = _FAULT_TEXT.get(status, (phrase.phrase, phrase.description))
            error = ApiError(status, title, detail)
            self._send_response(Response(status, error.body()), PROBLEM_JSON)
        else:
            self._send(status, b"", {})  # no body, no Content-Type (docs/mailchimp-api.md §6)

    def _handle_api(self, path: str, query: dict[str, str], body: Any, parse_error: bool) -> None:
        fake = self.server.fake
        if fake.delay:
            time.sleep(fake.delay)
        fault = fake._take_fault(self.command, path)
        if fault is not None:
            self._send_fault(*fault)
            return
        auth_error = fake._check_auth(self.headers.get("Authorization"))
        if auth_error is not None:
            self._send_response(Response(auth_error.status, auth_error.body()), PROBLEM_JSON)
            return
        if parse_error:
            err = ApiError(
                400, "JSON Parse Error", "We encountered an unspecified JSON parsing error."
            )
            self._send_response(Response(400, err.body()), PROBLEM_JSON)
            return
        response = fake.dispatch(self.command, path, query, body)
        content_type = PROBLEM_JSON if response.status >= 400 else JSON
        self._send_response(response, content_type)

    def _send_response(self, response: Response, content_type: str) -> None:
        headers = dict(response.headers)
        if response.text is None:
            # 204s are empty but still say application/json (docs/mailchimp-api.md §0).
            headers.setdefault("Content-Type", "application/json")
            self._send(response.status, b"", headers)
        else:
            headers.setdefault("Content-Type", content_type)
            self._send(response.status, response.text.encode("utf-8"), headers)

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)


Handler = Callable[..., dict[str, Any] | None]


class FakeMailchimp:
    """In-memory Mailchimp Marketing API v3 on ``127.0.0.1``, for tests.

    State lives in plain attributes so tests can inspect and seed it directly:
    ``lists``, ``campaigns``, ``batches``, ``sent_campaigns``, ``test_emails``,
    ``confirmation_emails``, ``requests``. All API handling holds one re-entrant lock.
    """

    DEFAULT_LIST_ID = "aud1"

    def __init__(self, api_key: str = "fakekey-us1", port: int = 0) -> None:
        self.api_key = api_key
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._ids = itertools.count(1000)
        self._frozen_now: datetime | None = None
        self._faults: list[tuple[int, bool]] = []
        #: [method, path regex, status, body, times left, passes left] from fail_matching().
        self._matching_faults: list[list[Any]] = []

        self.lists: dict[str, FakeList] = {}
        self.campaigns: dict[str, dict[str, Any]] = {}
        #: Snapshots taken at send time: {"id", "campaign", "html", "plain_text", "recipients"}.
        self.sent_campaigns: list[dict[str, Any]] = []
        #: {"campaign_id", "test_emails", "send_type"} per accepted test send.
        self.test_emails: list[dict[str, Any]] = []
        #: (list_id, email) each time the API puts someone in ``pending``
        #: (docs/mailchimp-api.md §1, §8.8).
        self.confirmation_emails: list[tuple[str, str]] = []
        self.batches: dict[str, dict[str, Any]] = {}
        self._batch_ops: dict[str, list[dict[str, Any]]] = {}
        self._batch_results: dict[str, bytes] = {}
        self.requests: list[LoggedRequest] = []
        #: Tracebacks of bugs in the fake itself (answered as 500); should stay empty.
        self.server_errors: list[str] = []

        #: Mailchimp's limit of simultaneous connections
        #: (docs/mailchimp-api.md §6); extra requests get a 429
        #: while others are in flight (use ``delay`` to hold them). None disables it.
        self.max_connections: int | None = 10
        self._in_flight = 0
        #: Seconds to sleep before answering each request, to provoke client timeouts.
        self.delay: float = 0.0
        #: Leave POSTed batches pending until process_batches() (to test polling/limits).
        self.hold_batches = False
        #: Results per JSON file inside a batch tarball.
        self.batch_result_chunk = 500
        self.fake_domains: set[str] = set(FAKE_DOMAINS)
        self.fake_addresses: set[str] = set(FAKE_ADDRESSES)
        #: Addresses answered with the "signed up to a lot of lists" Invalid Resource.
        self.throttled_emails: set[str] = set()
        #: Do Mailchimp's GET check of webhook URLs on create (off: URLs need not be live).
        self.verify_webhook_urls = False

        self._routes = self._build_routes()
        self.create_list(self.DEFAULT_LIST_ID, name="Battery Researchers")

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeMailchimp:
        """Listen on ``self.port`` (0 = OS-chosen first time; the same port after a restart)."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.fake = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket, so clients get a connection error. State is kept."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> FakeMailchimp:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self.port:
            raise RuntimeError("FakeMailchimp has not been started yet")
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """API root for ``client.api_client.host``; contains no "server"
        (docs/mailchimp-api.md §7)."""
        return f"{self.base_url}/3.0"

    def client(self, timeout: float = 5) -> Any:
        """A real ``mailchimp_marketing.Client`` pointed at this fake (SDK imported lazily)."""
        import mailchimp_marketing

        client = mailchimp_marketing.Client()
        client.set_config({"api_key": self.api_key, "server": "us1", "timeout": timeout})
        client.api_client.host = self.url
        return client

    # ------------------------------------------------------------------ clock

    def now(self) -> datetime:
        """The fake's current UTC time, whole seconds (as Mailchimp's timestamps)."""
        if self._frozen_now is not None:
            return self._frozen_now
        return datetime.now(UTC).replace(microsecond=0)

    def freeze_time(self, at: datetime | None = None) -> None:
        """Stop the clock (at ``at``, default now) so last_changed values are predictable."""
        at = at or self.now()
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        self._frozen_now = at.astimezone(UTC).replace(microsecond=0)

    def advance(self, seconds: float) -> None:
        """Move the (frozen) clock forward; freezes it first if needed."""
        self.freeze_time(self.now() + timedelta(seconds=seconds))

    def unfreeze_time(self) -> None:
        self._frozen_now = None

    # ------------------------------------------------------------------ faults and log

    def fail_next(self, n: int = 1, status: int = 429, body: bool = True) -> None:
        """Answer the next ``n`` API requests with ``status``.

        ``body=False`` sends no body and no Content-Type, as Mailchimp does for 429/403
        at high volume (docs/mailchimp-api.md §6); the SDK then *returns* a ``requests.Response``.
        Faulted requests are logged but not applied.
        """
        HTTPStatus(status)  # fail here, in the test, on a status http.server can't send
        with self._lock:
            self._faults.extend([(status, body)] * n)

    def fail_matching(
        self,
        method: str,
        path: str,
        status: int = 503,
        body: bool = True,
        times: int = 1,
        after: int = 0,
    ) -> None:
        """Answer ``times`` requests whose method is ``method`` and whose path (after
        ``/3.0``) fully matches the regex ``path`` with ``status``, once ``after`` such
        requests went through; others go on as usual. E.g. the second campaign send
        fails with ``fail_matching("POST", r"/campaigns/[^/]+/actions/send", after=1)``.
        Faulted requests are logged but not applied."""
        HTTPStatus(status)
        with self._lock:
            self._matching_faults.append(
                [method.upper(), re.compile(path), status, body, times, after]
            )

    def _enter(self) -> bool:
        """Count an in-flight request; False if it exceeds ``max_connections``."""
        with self._lock:
            if self.max_connections is not None and self._in_flight >= self.max_connections:
                return False
            self._in_flight += 1
            return True

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _take_fault(self, method: str = "", path: str = "") -> tuple[int, bool] | None:
        with self._lock:
            if self._faults:
                return self._faults.pop(0)
            for rule in self._matching_faults:
                if rule[4] > 0 and rule[0] == method and rule[1].fullmatch(path):
                    if rule[5] > 0:
                        rule[5] -= 1
                        continue
                    rule[4] -= 1
                    return rule[2], rule[3]
            return None

    def _log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)

    @property
    def call_count(self) -> int:
        """HTTP API calls received since the last reset_log() (batch downloads excluded)."""
        return len(self.requests)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def _check_auth(self, header: str | None) -> ApiError | None:
        if not header:
            return ApiError(401, "API Key Missing", "Your request did not include an API key.")
        scheme, _, credentials = header.partition(" ")
        key = None
        if scheme.lower() == "basic":
            try:
                key = base64.b64decode(credentials).decode("utf-8").partition(":")[2]
            except ValueError:
                key = None
        elif scheme.lower() == "bearer":
            key = credentials
        if key != self.api_key:
            detail = (
                "Your API key may be invalid, or you've attempted to access the wrong datacenter."
            )
            return ApiError(401, "API Key Invalid", detail)
        return None

    # ------------------------------------------------------------------ seeding helpers

    def create_list(
        self,
        list_id: str | None = None,
        name: str = "Fake audience",
        merge_fields: Iterable[str | dict[str, Any]] = ("FNAME", "LNAME"),
        marketing_permissions: Iterable[str] = (),
    ) -> FakeList:
        """Create an audience. Merge fields are tags or dicts like ``{"tag": "ORG",
        "required": True}``; marketing permissions are their texts (ids are generated)."""
        list_id = list_id or secrets.token_hex(5)
        fields = []
        for merge_id, spec in enumerate(merge_fields, start=1):
            spec = {"tag": spec} if isinstance(spec, str) else dict(spec)
            fields.append(
                {
                    "merge_id": merge_id,
                    "tag": spec["tag"].upper(),
                    "name": spec.get("name", spec["tag"].title()),
                    "type": spec.get("type", "text"),
                    "required": bool(spec.get("required", False)),
                    "default_value": spec.get("default_value", ""),
                }
            )
        perms = [
            {"marketing_permission_id": secrets.token_hex(5), "text": text}
            for text in marketing_permissions
        ]
        with self._lock:
            self.lists[list_id] = FakeList(list_id, name, fields, perms)
            return self.lists[list_id]

    def create_interest_category(
        self, title: str, type: str = "checkboxes", list_id: str | None = None
    ) -> str:
        """Add an interest category ("group title") and return its id."""
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            cid = secrets.token_hex(5)
            lst.interest_categories[cid] = {
                "list_id": lst.id,
                "id": cid,
                "title": title,
                "display_order": len(lst.interest_categories),
                "type": type,
            }
            return cid

    def create_interest(self, category_id: str, name: str, list_id: str | None = None) -> str:
        """Add an interest (group) to a category and return its id."""
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            iid = secrets.token_hex(5)
            order = sum(1 for i in lst.interests.values() if i["category_id"] == category_id)
            lst.interests[iid] = {
                "category_id": category_id,
                "list_id": lst.id,
                "id": iid,
                "name": name,
                "display_order": order,
            }
            return iid

    def add_member(
        self,
        email: str,
        status: str = "subscribed",
        merge_fields: dict[str, Any] | None = None,
        tags: Iterable[str] = (),
        list_id: str | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Seed a member directly (no API call, no validation); returns the stored dict."""
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            h = subscriber_hash(email)
            lst.forgotten.discard(h)
            member = self._new_member(lst, email)
            self._apply_fields(lst, member, {"merge_fields": merge_fields or {}, **fields})
            self._set_status(lst, member, status, by="admin")
            for tag in tags:
                self._add_tag(lst, member, tag)
            lst.members[h] = member
            return member

    def member(self, email: str, list_id: str | None = None) -> dict[str, Any] | None:
        """The stored member dict for ``email`` (any case), or None."""
        return self.lists[list_id or self.DEFAULT_LIST_ID].members.get(subscriber_hash(email))

    def rendered_member(self, email: str, list_id: str | None = None) -> dict[str, Any] | None:
        """The member as GET would return it (private fields stripped, merge tags filled)."""
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            m = lst.members.get(subscriber_hash(email))
            return None if m is None else _clone(self._render_member(lst, m))

    def set_member_status(
        self,
        email: str,
        status: str,
        by: str = "admin",
        reason: str | None = None,
        list_id: str | None = None,
    ) -> dict[str, Any]:
        """Change a member as if inside Mailchimp (UI, hosted forms, bounces); no API rules.

        ``by="user"`` with ``unsubscribed`` and any ``cleaned`` put the member in the
        compliance state; ``subscribed`` (e.g. a confirmed re-opt-in) clears it.
        """
        _check_enum(status, READ_STATUSES, "status")
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            member = lst.members[subscriber_hash(email)]
            self._set_status(lst, member, status, by=by, reason=reason)
            member["last_changed"] = _iso(self.now())
            return member

    def unsubscribe_in_mailchimp(
        self, email: str, by: str = "user", reason: str | None = None, list_id: str | None = None
    ) -> dict[str, Any]:
        """Simulate an unsubscribe link click (``by="user"``) or an admin unsubscribe."""
        return self.set_member_status(email, "unsubscribed", by=by, reason=reason, list_id=list_id)

    def clean_in_mailchimp(self, email: str, list_id: str | None = None) -> dict[str, Any]:
        """Simulate a hard bounce: status ``cleaned``, compliance state."""
        return self.set_member_status(email, "cleaned", by="bounce", list_id=list_id)

    def change_email_in_mailchimp(
        self, old: str, new: str, list_id: str | None = None
    ) -> dict[str, Any]:
        """Simulate a profile address change (the upemail event): the member moves hash."""
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            member = lst.members.pop(subscriber_hash(old))
            self._move(member, new)
            member["last_changed"] = _iso(self.now())
            lst.members[member["id"]] = member
            return member

    def delete_permanently_in_mailchimp(self, email: str, list_id: str | None = None) -> None:
        """Simulate a GDPR delete done in the UI: the address can never be re-imported."""
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            h = subscriber_hash(email)
            lst.members.pop(h, None)
            lst.forgotten.add(h)

    def archive_in_mailchimp(self, email: str, list_id: str | None = None) -> dict[str, Any]:
        """Simulate "Archive contact" in the UI (the API's DELETE, without its checks)."""
        return self.set_member_status(email, "archived", list_id=list_id)

    def webhook_fields(
        self,
        kind: str,
        email: str,
        fired_at: datetime | None = None,
        list_id: str | None = None,
        **data: str,
    ) -> list[tuple[str, str]]:
        """The form fields Mailchimp posts for event ``kind`` about ``email``
        (docs/mailchimp-api.md §4).

        Built from the stored member: ``data[merges][...]`` holds its merge fields,
        and its groups are *names* joined by ", " in ``merges[INTERESTS]`` and in
        ``merges[GROUPINGS][n][groups]`` (one grouping per interest category), with
        no escaping of commas inside names, as Mailchimp sends them. ``data`` adds or
        overrides ``data[...]`` fields (e.g. ``action="delete"``, ``reason="hard"``).
        """
        lst = self.lists[list_id or self.DEFAULT_LIST_ID]
        with self._lock:
            m = _clone(lst.members.get(subscriber_hash(email)) or self._new_member(lst, email))
        at = (fired_at or self.now()).astimezone(UTC).replace(tzinfo=None)
        fields: dict[str, str] = {"list_id": lst.id, "email": m["email_address"]}
        if kind != "cleaned":
            fields.update(
                id=m["unique_email_id"],
                email_type=m["email_type"],
                ip_opt=m["ip_opt"] or "198.51.100.7",
                web_id=str(m["web_id"]),
            )
        if kind == "subscribe":
            fields["ip_signup"] = m["ip_signup"] or "198.51.100.7"
        if kind == "unsubscribe":
            fields.update(action="unsub", reason="manual", campaign_id="")
        if kind == "cleaned":
            fields.update(campaign_id="", reason="hard")
        fields.update(data)
        pairs = [("type", kind), ("fired_at", at.strftime("%Y-%m-%d %H:%M:%S"))]
        pairs += [(f"data[{key}]", str(value)) for key, value in fields.items()]
        if kind == "cleaned":
            return pairs
        merges = {"EMAIL": m["email_address"], **self._render_member(lst, m)["merge_fields"]}
        pairs += [(f"data[merges][{tag}]", str(value)) for tag, value in merges.items()]
        chosen = {iid for iid, on in m["interests"].items() if on}
        everything: list[str] = []
        groupings: list[tuple[str, str, str]] = []
        for cid, category in lst.interest_categories.items():
            interests = sorted(
                (i for i in lst.interests.values() if i["category_id"] == cid),
                key=lambda i: i["display_order"],
            )
            names = [i["name"] for i in interests if i["id"] in chosen]
            everything += names
            groupings.append((cid, category["title"], ", ".join(names)))
        pairs.append(("data[merges][INTERESTS]", ", ".join(everything)))
        for n, (cid, title, groups) in enumerate(groupings):
            prefix = f"data[merges][GROUPINGS][{n}]"
            pairs += [
                (f"{prefix}[id]", str(n + 1)),
                (f"{prefix}[unique_id]", cid),
                (f"{prefix}[name]", title),
                (f"{prefix}[groups]", groups),
            ]
        return pairs

    def webhook_body(self, kind: str, email: str, **kwargs: Any) -> str:
        """:meth:`webhook_fields` form-encoded, as Mailchimp's POST body."""
        return urlencode(self.webhook_fields(kind, email, **kwargs))

    def process_batches(self) -> None:
        """Finish every pending batch (needed only with ``hold_batches = True``)."""
        with self._lock:
            for bid in [b for b, rec in self.batches.items() if rec["status"] != "finished"]:
                self._process_batch(bid)

    # ------------------------------------------------------------------ dispatch

    def _build_routes(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        member = "/lists/{list_id}/members/{member}"
        category = "/lists/{list_id}/interest-categories/{category_id}"
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/ping", self._ping),
            ("GET", "/lists", self._get_lists),
            ("GET", "/lists/{list_id}", self._get_list),
            ("POST", "/lists/{list_id}", self._batch_subscribe),
            ("GET", "/lists/{list_id}/members", self._list_members),
            ("POST", "/lists/{list_id}/members", self._add_member),
            ("GET", member, self._get_member),
            ("PUT", member, self._put_member),
            ("PATCH", member, self._patch_member),
            ("DELETE", member, self._archive_member),
            ("POST", member + "/actions/delete-permanent", self._delete_permanent),
            ("GET", member + "/tags", self._get_tags),
            ("POST", member + "/tags", self._post_tags),
            ("GET", "/lists/{list_id}/interest-categories", self._list_categories),
            ("POST", "/lists/{list_id}/interest-categories", self._add_category),
            ("GET", category, self._get_category),
            ("GET", category + "/interests", self._list_interests),
            ("POST", category + "/interests", self._add_interest),
            ("GET", "/lists/{list_id}/webhooks", self._list_webhooks),
            ("POST", "/lists/{list_id}/webhooks", self._add_webhook),
            ("GET", "/lists/{list_id}/webhooks/{webhook_id}", self._get_webhook),
            ("DELETE", "/lists/{list_id}/webhooks/{webhook_id}", self._delete_webhook),
            ("GET", "/batches", self._list_batches),
            ("POST", "/batches", self._start_batch),
            ("GET", "/batches/{batch_id}", self._get_batch),
            ("DELETE", "/batches/{batch_id}", self._delete_batch),
            ("GET", "/campaigns", self._list_campaigns),
            ("POST", "/campaigns", self._create_campaign),
            ("GET", "/campaigns/{campaign_id}", self._get_campaign),
            ("PATCH", "/campaigns/{campaign_id}", self._update_campaign),
            ("DELETE", "/campaigns/{campaign_id}", self._delete_campaign),
            ("GET", "/campaigns/{campaign_id}/content", self._get_content),
            ("PUT", "/campaigns/{campaign_id}/content", self._set_content),
            ("GET", "/campaigns/{campaign_id}/send-checklist", self._send_checklist),
            ("POST", "/campaigns/{campaign_id}/actions/test", self._test_campaign),
            ("POST", "/campaigns/{campaign_id}/actions/send", self._send_campaign),
            ("POST", "/campaigns/{campaign_id}/actions/schedule", self._schedule_campaign),
            ("POST", "/campaigns/{campaign_id}/actions/unschedule", self._unschedule_campaign),
        ]
        return [
            (method, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"), fn)
            for method, path, fn in table
        ]

    def dispatch(self, method: str, path: str, query: dict[str, str], body: Any) -> Response:
        """Run one API call against the state (used by HTTP and by batch operations)."""
        with self._lock:
            allowed = []
            for route_method, pattern, handler in self._routes:
                match = pattern.match(path)
                if not match:
                    continue
                if route_method != method:
                    allowed.append(route_method)
                    continue
                try:
                    result = handler(query, body, **match.groupdict())
                except ApiError as err:
                    return Response(err.status, err.body(), err.headers)
                except Exception:
                    self.server_errors.append(traceback.format_exc())
                    title, detail = _FAULT_TEXT[500]
                    return Response(500, ApiError(500, title, detail).body())
                if result is None:
                    return Response(204)
                return Response(200, select_fields(result, query))
            if allowed:
                err = ApiError(
                    405,
                    "Method Not Allowed",
                    "The requested method and resource are not compatible. "
                    "See the Allow header for this resource's available methods.",
                    headers={"Allow": ", ".join(allowed)},
                )
                return Response(405, err.body(), err.headers)
            return Response(404, _not_found().body())

    # ------------------------------------------------------------------ lists

    def _ping(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        return {"health_status": "Everything's Chimpy!"}

    def _list_or_404(self, list_id: str) -> FakeList:
        try:
            return self.lists[list_id]
        except KeyError:
            raise _not_found() from None

    def _render_list(self, lst: FakeList) -> dict[str, Any]:
        statuses = [m["status"] for m in lst.members.values()]
        return {
            "id": lst.id,
            "name": lst.name,
            "stats": {
                "member_count": statuses.count("subscribed"),
                "unsubscribe_count": statuses.count("unsubscribed"),
                "cleaned_count": statuses.count("cleaned"),
            },
        }

    def _get_lists(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        lists = [self._render_list(lst) for lst in self.lists.values()]
        return {"lists": _page(lists, query), "total_items": len(lists)}

    def _get_list(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        return self._render_list(self._list_or_404(list_id))

    # ------------------------------------------------------------------ members: internals

    def _new_member(self, lst: FakeList, email: str) -> dict[str, Any]:
        h = subscriber_hash(email)
        return {
            "id": h,
            "email_address": email,
            "unique_email_id": secrets.token_hex(5),
            "contact_id": secrets.token_hex(16),
            "full_name": "",
            "web_id": next(self._ids),
            "email_type": "html",
            "status": "pending",
            "unsubscribe_reason": "",
            "consents_to_one_to_one_messaging": True,
            "merge_fields": {tag: "" for tag in lst.merge_tags},
            "interests": {},
            "stats": {"avg_open_rate": 0, "avg_click_rate": 0},
            "ip_signup": "",
            "timestamp_signup": "",
            "ip_opt": "",
            "timestamp_opt": "",
            "member_rating": 2,
            "last_changed": _iso(self.now()),
            "language": "",
            "vip": False,
            "email_client": "",
            "location": {
                "latitude": 0,
                "longitude": 0,
                "gmtoff": 0,
                "dstoff": 0,
                "country_code": "",
                "timezone": "",
                "region": "",
            },
            "marketing_permissions": [
                {**perm, "enabled": False} for perm in lst.marketing_permissions
            ],
            "source": "API - Generic",
            "tags": [],
            "list_id": lst.id,
            "_compliance": False,
            "_unsubscribed_by": None,
            "_status_before_archive": None,
        }

    def _render_member(self, lst: FakeList, m: dict[str, Any]) -> dict[str, Any]:
        """The API representation; shares nested objects with ``m`` (see Response)."""
        out = dict(m)
        for key in _PRIVATE_MEMBER_KEYS:
            out.pop(key, None)
        out["merge_fields"] = {tag: m["merge_fields"].get(tag, "") for tag in lst.merge_tags}
        out["interests"] = {iid: bool(m["interests"].get(iid, False)) for iid in lst.interests}
        out["tags"] = [{"id": t["id"], "name": t["name"]} for t in m["tags"]]
        out["tags_count"] = len(m["tags"])
        if m["status"] != "unsubscribed":
            out.pop("unsubscribe_reason", None)
        return out

    def _check_real_address(self, email: str) -> None:
        lowered = email.lower()
        domain = lowered.rpartition("@")[2]
        if (
            not _EMAIL_SYNTAX.match(email)
            or domain in self.fake_domains
            or lowered in self.fake_addresses
        ):
            detail = f"{email} looks fake or invalid, please enter a real email address."
            raise ApiError(400, "Invalid Resource", detail)
        if lowered in {e.lower() for e in self.throttled_emails}:
            detail = (
                f"{email} has signed up to a lot of lists very recently; "
                "we're not allowing more signups for now"
            )
            raise ApiError(400, "Invalid Resource", detail)

    def _apply_fields(self, lst: FakeList, m: dict[str, Any], body: dict[str, Any]) -> None:
        """Copy writable member fields from a request body into ``m``."""
        merge_fields = body.get("merge_fields")
        if merge_fields is not None:
            if not isinstance(merge_fields, dict):
                msg = f"Schema describes object, {_json_type(merge_fields)} found instead"
                raise _invalid([{"field": "merge_fields", "message": msg}])
            known = {tag.upper(): tag for tag in lst.merge_tags}
            for key, value in merge_fields.items():
                tag = known.get(str(key).upper())
                if tag is not None:  # unknown tags are dropped silently
                    m["merge_fields"][tag] = value
            fname = m["merge_fields"].get("FNAME", "")
            lname = m["merge_fields"].get("LNAME", "")
            m["full_name"] = f"{fname} {lname}".strip()
        interests = body.get("interests")
        if interests is not None:
            if not isinstance(interests, dict):
                msg = f"Schema describes object, {_json_type(interests)} found instead"
                raise _invalid([{"field": "interests", "message": msg}])
            for iid, value in interests.items():
                if iid not in lst.interests:
                    raise ApiError(400, "Invalid Resource", f"Invalid interest ID: '{iid}'.")
                if not isinstance(value, bool):
                    msg = f"Schema describes boolean, {_json_type(value)} found instead"
                    raise _invalid([{"field": f"interests.{iid}", "message": msg}])
                m["interests"][iid] = value
        for key in ("language", "ip_signup", "timestamp_signup", "ip_opt", "timestamp_opt"):
            if key in body:
                m[key] = str(body[key] or "")
        if "email_type" in body:
            _check_enum(body["email_type"], ("html", "text"), "email_type")
            m["email_type"] = body["email_type"]
        if "vip" in body:
            m["vip"] = bool(body["vip"])
        if isinstance(body.get("location"), dict):
            for key in ("latitude", "longitude"):
                if key in body["location"]:
                    m["location"][key] = body["location"][key]
        for perm in body.get("marketing_permissions") or []:
            pid = perm.get("marketing_permission_id") if isinstance(perm, dict) else None
            current = [p for p in m["marketing_permissions"] if p["marketing_permission_id"] == pid]
            if not current:
                msg = f"Invalid marketing permission ID: '{pid}'"
                raise _invalid([{"field": "marketing_permissions", "message": msg}])
            current[0]["enabled"] = bool(perm.get("enabled"))

    def _validate_merge_fields(
        self, lst: FakeList, m: dict[str, Any], query: dict[str, str]
    ) -> None:
        if _truthy(query.get("skip_merge_validation", "false")):
            return
        required = [f["tag"] for f in lst.merge_fields if f["required"]]
        missing = [tag for tag in required if m["merge_fields"].get(tag) in ("", None)]
        if missing:
            errors = [{"field": tag, "message": "Please enter a value"} for tag in missing]
            raise ApiError(400, "Invalid Resource", "Your merge fields were invalid.", errors)

    def _check_compliance(self, m: dict[str, Any], new_status: str) -> None:
        """Self-unsubscribed and cleaned members cannot be set to subscribed
        (docs/mailchimp-api.md §1)."""
        if new_status == "subscribed" and m["_compliance"] and m["status"] != "subscribed":
            raise _compliance(m["email_address"])

    def _set_status(
        self,
        lst: FakeList,
        m: dict[str, Any],
        status: str,
        by: str = "api",
        reason: str | None = None,
    ) -> None:
        """Apply a status transition and its bookkeeping (no API-level checks)."""
        old = m["status"]
        if status == "subscribed":
            m["_compliance"] = False
            m["_unsubscribed_by"] = None
            if old != "subscribed" and not m["timestamp_opt"]:
                m["timestamp_opt"] = _iso(self.now())
        elif status == "unsubscribed" and old != "unsubscribed":
            m["_unsubscribed_by"] = by
            m["_compliance"] = m["_compliance"] or by == "user"
            default = USER_UNSUBSCRIBE_REASON if by == "user" else ADMIN_UNSUBSCRIBE_REASON
            m["unsubscribe_reason"] = reason or default
        elif status == "cleaned":
            m["_compliance"] = True
        elif status == "archived" and old != "archived":
            m["_status_before_archive"] = old
        if status == "pending" and by == "api":
            self.confirmation_emails.append((lst.id, m["email_address"]))
        m["status"] = status

    def _move(self, m: dict[str, Any], new_email: str) -> None:
        m["email_address"] = new_email
        m["id"] = subscriber_hash(new_email)

    def _commit(
        self, lst: FakeList, old_hash: str | None, old: dict[str, Any] | None, m: dict[str, Any]
    ) -> None:
        """Store ``m``; bump last_changed only if the member actually changed."""
        if old is None or {**m, "last_changed": old["last_changed"]} != old:
            m["last_changed"] = _iso(self.now())
        if old_hash is not None and old_hash != m["id"]:
            lst.members.pop(old_hash, None)
        lst.members[m["id"]] = m

    def _segment_hash(self, segment: str) -> str:
        """Path segments take a subscriber hash or the address itself (docs/mailchimp-api.md §1)."""
        return subscriber_hash(segment) if "@" in segment else segment.lower()

    def _member_or_404(self, lst: FakeList, segment: str) -> dict[str, Any]:
        m = lst.members.get(self._segment_hash(segment))
        if m is None:
            raise _not_found()
        return m

    def _add_tag(self, lst: FakeList, m: dict[str, Any], name: str) -> None:
        if any(t["name"] == name for t in m["tags"]):
            return
        tag_id = lst.tags.setdefault(name, next(self._ids))
        m["tags"].append({"id": tag_id, "name": name, "date_added": _iso(self.now())})

    # ------------------------------------------------------------------ members: routes

    def _list_members(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        members = list(lst.members.values())
        status = query.get("status")
        if status:
            _check_enum(status, READ_STATUSES, "status")
            members = [m for m in members if m["status"] == status]
        else:
            # Archived ("deleted") contacts are listed only when asked for by status.
            members = [m for m in members if m["status"] != "archived"]
        if query.get("email_type"):
            members = [m for m in members if m["email_type"] == query["email_type"]]
        if _truthy(query.get("vip_only", "false")):
            members = [m for m in members if m["vip"]]
        if query.get("unique_email_id"):
            members = [m for m in members if m["unique_email_id"] == query["unique_email_id"]]
        filters = (
            ("since_last_changed", "last_changed", lambda v, t: v > t),
            ("before_last_changed", "last_changed", lambda v, t: v < t),
            ("since_timestamp_opt", "timestamp_opt", lambda v, t: v > t),
            ("before_timestamp_opt", "timestamp_opt", lambda v, t: v < t),
        )
        for param, key, keep in filters:
            if query.get(param):
                limit = _query_time(query[param], param)
                members = [
                    m for m in members if _naive(m[key]) is not None and keep(_naive(m[key]), limit)
                ]
        if query.get("unsubscribed_since"):
            if status != "unsubscribed":
                msg = "unsubscribed_since can only be used with status=unsubscribed"
                raise _invalid([{"field": "unsubscribed_since", "message": msg}])
            limit = _query_time(query["unsubscribed_since"], "unsubscribed_since")
            members = [m for m in members if _naive(m["last_changed"]) > limit]
        if query.get("sort_field"):
            sort_field = query["sort_field"]
            _check_enum(
                sort_field, ("timestamp_opt", "timestamp_signup", "last_changed"), "sort_field"
            )
            sort_dir = query.get("sort_dir", "ASC").upper()
            _check_enum(sort_dir, ("ASC", "DESC"), "sort_dir")
            members.sort(
                key=lambda m: _naive(m[sort_field]) or datetime.min, reverse=sort_dir == "DESC"
            )
        return {
            "members": [self._render_member(lst, m) for m in _page(members, query)],
            "list_id": lst.id,
            "total_items": len(members),
        }

    def _add_member(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        body = _require_object(body)
        email, status = body.get("email_address"), body.get("status")
        errors = []
        if not isinstance(email, str) or not email:
            errors.append({"field": "email_address", "message": "This value should not be blank."})
        if status is None:
            errors.append(
                {"field": "status", "message": "Schema describes enum, NULL found instead"}
            )
        if errors:
            raise _invalid(errors)
        _check_enum(status, WRITE_STATUSES, "status")
        h = subscriber_hash(email)
        if h in lst.forgotten:
            raise _forgotten(email)
        if h in lst.members:  # any status, archived included (docs/mailchimp-api.md §1)
            raise _member_exists(email)
        self._check_real_address(email)
        m = self._new_member(lst, email)
        self._apply_fields(lst, m, body)
        self._validate_merge_fields(lst, m, query)
        tags = body.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise _invalid([{"field": "tags", "message": "Schema describes array of strings"}])
        self._set_status(lst, m, status)
        for tag in tags:
            self._add_tag(lst, m, tag)
        lst.members[h] = m
        return self._render_member(lst, m)

    def _get_member(
        self, query: dict[str, str], body: Any, list_id: str, member: str
    ) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        return self._render_member(lst, self._member_or_404(lst, member))

    def _put_member(
        self, query: dict[str, str], body: Any, list_id: str, member: str
    ) -> dict[str, Any]:
        """Upsert: ``status`` applies to existing members, ``status_if_new`` to new
        (docs/mailchimp-api.md §1)."""
        lst = self._list_or_404(list_id)
        body = _require_object(body)
        target = self._segment_hash(member)
        email = _email_field(body)
        status, status_if_new = body.get("status"), body.get("status_if_new")
        _check_enum(status, WRITE_STATUSES, "status")
        _check_enum(status_if_new, WRITE_STATUSES, "status_if_new")
        existing = lst.members.get(target)
        new_hash = subscriber_hash(email) if email else target
        if email and new_hash != target and new_hash in lst.members:
            raise _member_exists(email)  # hash mismatch with an existing address
        if new_hash in lst.forgotten or (existing is None and target in lst.forgotten):
            raise _forgotten(email or member)
        if existing is None:
            if not email:
                msg = "This value should not be blank."
                raise _invalid([{"field": "email_address", "message": msg}])
            initial = status_if_new or status
            if initial is None:
                msg = "Schema describes enum, NULL found instead"
                raise _invalid([{"field": "status_if_new", "message": msg}])
            self._check_real_address(email)
            m = self._new_member(lst, email)
            # PUT takes no tags (docs/mailchimp-api.md §1): ignored
            self._apply_fields(lst, m, body)
            self._validate_merge_fields(lst, m, query)
            self._set_status(lst, m, initial)
            lst.members[m["id"]] = m
            return self._render_member(lst, m)
        m = _clone(existing)
        if email and new_hash != target:
            self._check_real_address(email)
            self._move(m, email)
        elif email:
            m["email_address"] = email
        self._apply_fields(lst, m, body)
        self._validate_merge_fields(lst, m, query)
        if status is not None:
            self._check_compliance(m, status)
            self._set_status(lst, m, status)
        elif m["status"] == "archived":  # PUT restores archived contacts
            previous = m["_status_before_archive"] or "subscribed"
            restored = previous if m["_compliance"] else (status_if_new or previous)
            self._set_status(lst, m, restored)
        self._commit(lst, target, existing, m)
        return self._render_member(lst, m)

    def _patch_member(
        self, query: dict[str, str], body: Any, list_id: str, member: str
    ) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        body = _require_object(body)
        existing = self._member_or_404(lst, member)
        target = existing["id"]
        status, email = body.get("status"), _email_field(body)
        _check_enum(status, PATCH_STATUSES, "status")
        m = _clone(existing)
        if email and subscriber_hash(email) != target:
            other = lst.members.get(subscriber_hash(email))
            if other is not None:
                detail = f'"{email}" is already in this list with a status of "{other["status"]}".'
                raise ApiError(400, "Invalid Resource", detail)
            if subscriber_hash(email) in lst.forgotten:
                raise _forgotten(email)
            self._check_real_address(email)
            self._move(m, email)
        elif email:
            m["email_address"] = email
        self._apply_fields(lst, m, body)
        self._validate_merge_fields(lst, m, query)
        if status is not None:
            self._check_compliance(m, status)
            self._set_status(lst, m, status)
        self._commit(lst, target, existing, m)
        return self._render_member(lst, m)

    def _archive_member(self, query: dict[str, str], body: Any, list_id: str, member: str) -> None:
        lst = self._list_or_404(list_id)
        existing = self._member_or_404(lst, member)
        if existing["status"] in ("cleaned", "pending", "archived"):
            raise ApiError(
                405,
                "Method Not Allowed",
                "This list member cannot be removed. "
                "Can not archive a contact that is bounced, pending or archived",
                headers={"Allow": "GET, PUT"},
            )
        m = _clone(existing)
        self._set_status(lst, m, "archived")
        self._commit(lst, existing["id"], existing, m)

    def _delete_permanent(
        self, query: dict[str, str], body: Any, list_id: str, member: str
    ) -> None:
        lst = self._list_or_404(list_id)
        m = self._member_or_404(lst, member)
        del lst.members[m["id"]]
        lst.forgotten.add(m["id"])

    def _get_tags(
        self, query: dict[str, str], body: Any, list_id: str, member: str
    ) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        tags = _clone(self._member_or_404(lst, member)["tags"])
        return {"tags": _page(tags, query), "total_items": len(tags)}

    def _post_tags(self, query: dict[str, str], body: Any, list_id: str, member: str) -> None:
        lst = self._list_or_404(list_id)
        existing = self._member_or_404(lst, member)
        body = _require_object(body)
        tags = body.get("tags")
        if not isinstance(tags, list):
            msg = f"Schema describes array, {_json_type(tags)} found instead"
            raise _invalid([{"field": "tags", "message": msg}])
        m = _clone(existing)
        for i, tag in enumerate(tags):
            if not isinstance(tag, dict) or not tag.get("name"):
                raise _invalid([{"field": f"tags.item:{i}.name", "message": "Required"}])
            _check_enum(tag.get("status"), ("active", "inactive"), f"tags.item:{i}.status")
            if tag.get("status") == "inactive":
                m["tags"] = [t for t in m["tags"] if t["name"] != tag["name"]]
            else:
                self._add_tag(lst, m, tag["name"])
        self._commit(lst, existing["id"], existing, m)

    def _batch_subscribe(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        """POST /lists/{id}. Compliance-state members asked to become ``subscribed``
        keep their status silently, the hazard docs/mailchimp-api.md §2 warns about."""
        lst = self._list_or_404(list_id)
        body = _require_object(body)
        members = body.get("members")
        if not isinstance(members, list) or len(members) > MAX_BATCH_SUBSCRIBE:
            msg = f"members must be an array of at most {MAX_BATCH_SUBSCRIBE} items"
            raise _invalid([{"field": "members", "message": msg}])
        update_existing = bool(body.get("update_existing"))
        skip_duplicates = _truthy(query.get("skip_duplicate_check", "false"))
        created: list[dict[str, Any]] = []
        updated: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        seen: set[str] = set()
        for item in members:
            email = item.get("email_address") if isinstance(item, dict) else None
            email = email if isinstance(email, str) else ""
            h = subscriber_hash(email)
            if skip_duplicates and h in seen:
                continue
            seen.add(h)
            try:
                item = _require_object(item)
                if not email:
                    msg = "This value should not be blank."
                    raise _invalid([{"field": "email_address", "message": msg}])
                status = item.get("status")
                _check_enum(status, WRITE_STATUSES, "status")
                if h in lst.forgotten:
                    raise _forgotten(email)
                existing = lst.members.get(h)
                if existing is not None and not update_existing:
                    errors.append(
                        {
                            "email_address": email,
                            "error": f"{email} is already a list member, do you want to update? "
                            "please provide update_existing:true in the request body",
                            "error_code": "ERROR_CONTACT_EXISTS",
                            "field": "",
                            "field_message": "",
                        }
                    )
                    continue
                if existing is None:
                    if status is None:
                        msg = "Schema describes enum, NULL found instead"
                        raise _invalid([{"field": "status", "message": msg}])
                    self._check_real_address(email)
                    m = self._new_member(lst, email)
                    self._apply_fields(lst, m, item)
                    self._validate_merge_fields(lst, m, query)
                    self._set_status(lst, m, status)
                    lst.members[h] = m
                    created.append(self._render_member(lst, m))
                    continue
                m = _clone(existing)
                self._apply_fields(lst, m, item)
                self._validate_merge_fields(lst, m, query)
                if status is not None and not (status == "subscribed" and m["_compliance"]):
                    self._set_status(lst, m, status)
                self._commit(lst, h, existing, m)
                updated.append(self._render_member(lst, m))
            except ApiError as err:
                first = (err.errors or [{}])[0]
                errors.append(
                    {
                        "email_address": email,
                        "error": err.detail,
                        "error_code": "ERROR_GENERIC",
                        "field": first.get("field", ""),
                        "field_message": first.get("message", ""),
                    }
                )
        return {
            "new_members": created,
            "updated_members": updated,
            "errors": errors,
            "total_created": len(created),
            "total_updated": len(updated),
            "error_count": len(errors),
        }

    # ------------------------------------------------------------------ interests

    def _render_interest(self, lst: FakeList, interest: dict[str, Any]) -> dict[str, Any]:
        count = sum(
            1
            for m in lst.members.values()
            if m["status"] == "subscribed" and m["interests"].get(interest["id"])
        )
        return {**interest, "subscriber_count": str(count)}

    def _category_or_404(self, lst: FakeList, category_id: str) -> dict[str, Any]:
        try:
            return lst.interest_categories[category_id]
        except KeyError:
            raise _not_found() from None

    def _list_categories(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        categories = [dict(c) for c in lst.interest_categories.values()]
        return {
            "list_id": lst.id,
            "categories": _page(categories, query),
            "total_items": len(categories),
        }

    def _add_category(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        body = _require_object(body)
        title, kind = body.get("title"), body.get("type")
        if not title or not kind:
            missing = [f for f in ("title", "type") if not body.get(f)]
            raise _invalid(
                [{"field": f, "message": "This value should not be blank."} for f in missing]
            )
        _check_enum(kind, CATEGORY_TYPES, "type")
        if any(c["title"] == title for c in lst.interest_categories.values()):
            detail = f'Cannot add "{title}" because it already exists on the list.'
            raise ApiError(400, "Invalid Resource", detail)
        cid = self.create_interest_category(title, kind, list_id=lst.id)
        return dict(lst.interest_categories[cid])

    def _get_category(
        self, query: dict[str, str], body: Any, list_id: str, category_id: str
    ) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        return dict(self._category_or_404(lst, category_id))

    def _list_interests(
        self, query: dict[str, str], body: Any, list_id: str, category_id: str
    ) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        self._category_or_404(lst, category_id)
        interests = [
            self._render_interest(lst, i)
            for i in lst.interests.values()
            if i["category_id"] == category_id
        ]
        return {
            "interests": _page(interests, query),
            "list_id": lst.id,
            "category_id": category_id,
            "total_items": len(interests),
        }

    def _add_interest(
        self, query: dict[str, str], body: Any, list_id: str, category_id: str
    ) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        self._category_or_404(lst, category_id)
        body = _require_object(body)
        name = body.get("name")
        if not name:
            raise _invalid([{"field": "name", "message": "This value should not be blank."}])
        if any(
            i["name"] == name and i["category_id"] == category_id for i in lst.interests.values()
        ):
            detail = f'Cannot add "{name}" because it already exists on the list.'
            raise ApiError(400, "Invalid Resource", detail)
        iid = self.create_interest(category_id, name, list_id=lst.id)
        return self._render_interest(lst, lst.interests[iid])

    # ------------------------------------------------------------------ webhooks

    def _list_webhooks(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        hooks = _clone(list(lst.webhooks.values()))
        return {"webhooks": hooks, "list_id": lst.id, "total_items": len(hooks)}

    def _add_webhook(self, query: dict[str, str], body: Any, list_id: str) -> dict[str, Any]:
        """Create a webhook (docs/mailchimp-api.md §4). URLs differing only in query
        string count as duplicates."""
        lst = self._list_or_404(list_id)
        body = _require_object(body)
        url = body.get("url")
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise _invalid([{"field": "url", "message": "This value should be a valid URL."}])

        def base(u: str) -> tuple[str, str, str]:
            parts = urlsplit(u)
            return parts.scheme, parts.netloc.lower(), parts.path

        if any(base(h["url"]) == base(url) for h in lst.webhooks.values()):
            detail = "A webhook with this URL already exists for this list."
            raise ApiError(400, "Invalid Resource", detail)
        if self.verify_webhook_urls:
            self._verify_webhook_url(url)
        events = dict.fromkeys(
            ("subscribe", "unsubscribe", "profile", "cleaned", "upemail", "campaign"), False
        )
        sources = dict.fromkeys(("user", "admin", "api"), False)
        events.update(body.get("events") or {})
        sources.update(body.get("sources") or {})
        hook = {
            "id": secrets.token_hex(5),
            "url": url,
            "events": events,
            "sources": sources,
            "list_id": lst.id,
        }
        lst.webhooks[hook["id"]] = hook
        return _clone(hook)

    def _verify_webhook_url(self, url: str) -> None:
        """Mailchimp's validator GETs the URL and wants a 2xx (docs/mailchimp-api.md §4)."""
        request = urllib.request.Request(
            url, headers={"User-Agent": "MailChimp.com WebHook Validator"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                code = response.status
        except urllib.error.HTTPError as err:
            code = err.code
        except OSError:
            code = 0
        if not 200 <= code < 300:
            detail = (
                "We couldn't verify the URL is working. Please double check and try again. "
                f"HTTP Code: {code}"
            )
            raise ApiError(400, "Invalid Resource", detail)

    def _get_webhook(
        self, query: dict[str, str], body: Any, list_id: str, webhook_id: str
    ) -> dict[str, Any]:
        lst = self._list_or_404(list_id)
        if webhook_id not in lst.webhooks:
            raise _not_found()
        return _clone(lst.webhooks[webhook_id])

    def _delete_webhook(
        self, query: dict[str, str], body: Any, list_id: str, webhook_id: str
    ) -> None:
        lst = self._list_or_404(list_id)
        if lst.webhooks.pop(webhook_id, None) is None:
            raise _not_found()

    # ------------------------------------------------------------------ batches

    def _start_batch(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        """POST /batches (docs/mailchimp-api.md §2): answers ``pending``; processed at
        once unless held."""
        body = _require_object(body)
        operations = body.get("operations")
        if not isinstance(operations, list):
            msg = f"Schema describes array, {_json_type(operations)} found instead"
            raise _invalid([{"field": "operations", "message": msg}])
        errors = []
        for i, op in enumerate(operations):
            if not isinstance(op, dict):
                errors.append(
                    {"field": f"operations.item:{i}", "message": "Schema describes object"}
                )
                continue
            if op.get("method") not in BATCH_METHODS:
                msg = "Value is not one of enum values"
                errors.append({"field": f"operations.item:{i}.method", "message": msg})
            if not isinstance(op.get("path"), str):
                msg = "This value should not be blank."
                errors.append({"field": f"operations.item:{i}.path", "message": msg})
            if "body" in op and not isinstance(op["body"], str):
                msg = f"Schema describes string, {_json_type(op['body'])} found instead"
                errors.append({"field": f"operations.item:{i}.body", "message": msg})
        if errors:
            raise _invalid(errors)
        pending = sum(1 for b in self.batches.values() if b["status"] != "finished")
        if pending >= MAX_PENDING_BATCHES:
            raise ApiError(
                429,
                "Too Many Requests",
                f"You have more than {MAX_PENDING_BATCHES} pending batches. "
                "Please wait until some of them have completed before submitting more.",
            )
        bid = secrets.token_hex(5)
        self.batches[bid] = {
            "id": bid,
            "status": "pending",
            "total_operations": len(operations),
            "finished_operations": 0,
            "errored_operations": 0,
            "submitted_at": _iso(self.now()),
            "completed_at": "",
            "response_body_url": "",
        }
        self._batch_ops[bid] = _clone(operations)
        submitted = dict(self.batches[bid])
        if not self.hold_batches:
            self._process_batch(bid)
        return submitted

    def _process_batch(self, bid: str) -> None:
        """Apply each operation through dispatch() and build the results tarball."""
        record = self.batches[bid]
        record["status"] = "started"
        results = []
        for op in self._batch_ops.pop(bid, []):
            path, _, inline_query = op["path"].partition("?")
            params = dict(parse_qsl(inline_query, keep_blank_values=True))
            params.update(
                {
                    str(k): ",".join(map(str, v)) if isinstance(v, list) else str(v)
                    for k, v in (op.get("params") or {}).items()
                }
            )
            raw = op.get("body") or ""
            try:
                op_body = json.loads(raw) if raw.strip() else None
            except ValueError:
                err = ApiError(
                    400, "JSON Parse Error", "We encountered an unspecified JSON parsing error."
                )
                response = Response(400, err.body())
            else:
                response = self.dispatch(op["method"], unquote(path).rstrip("/"), params, op_body)
            results.append(
                {
                    "status_code": response.status,
                    "operation_id": op.get("operation_id"),
                    "response": response.text or "",
                }
            )
        self._batch_results[bid] = self._tarball(bid, results)
        record.update(
            status="finished",
            finished_operations=len(results),
            errored_operations=sum(1 for r in results if r["status_code"] >= 400),
            completed_at=_iso(self.now()),
            response_body_url=f"{self.base_url}/_batch-results/{bid}.tar.gz",
        )

    def _tarball(self, bid: str, results: list[dict[str, Any]]) -> bytes:
        """A gzipped tar of JSON arrays of {status_code, operation_id, response}
        (docs/mailchimp-api.md §2)."""
        buffer = io.BytesIO()
        chunk = max(1, self.batch_result_chunk)
        with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
            for n, start in enumerate(range(0, max(len(results), 1), chunk)):
                data = json.dumps(results[start : start + chunk]).encode("utf-8")
                info = tarfile.TarInfo(f"{bid}-{n}.json")
                info.size = len(data)
                info.mtime = int(time.time())
                tar.addfile(info, io.BytesIO(data))
        return buffer.getvalue()

    def _batch_download(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        """Serve response_body_url (like S3: no auth, not counted as an API call)."""
        bid = path.rsplit("/", 1)[-1].removesuffix(".tar.gz")
        with self._lock:
            data = self._batch_results.get(bid)
        if data is None:
            return 404, b"", {}
        return 200, data, {"Content-Type": "application/x-gzip"}

    def _list_batches(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        batches = [dict(b) for b in self.batches.values()]
        return {"batches": _page(batches, query), "total_items": len(batches)}

    def _get_batch(self, query: dict[str, str], body: Any, batch_id: str) -> dict[str, Any]:
        if batch_id not in self.batches:
            raise _not_found()
        return dict(self.batches[batch_id])

    def _delete_batch(self, query: dict[str, str], body: Any, batch_id: str) -> None:
        if self.batches.pop(batch_id, None) is None:
            raise _not_found()
        self._batch_ops.pop(batch_id, None)
        self._batch_results.pop(batch_id, None)

    # ------------------------------------------------------------------ campaigns

    def _campaign_or_404(self, campaign_id: str) -> dict[str, Any]:
        try:
            return self.campaigns[campaign_id]
        except KeyError:
            raise _not_found() from None

    def _campaign_recipients(self, c: dict[str, Any]) -> list[str]:
        """The addresses the campaign's list and segment reach now
        (tests/fakes/mailchimp_segments.py)."""
        lst = self.lists.get(c["recipients"].get("list_id") or "")
        if lst is None:
            return []
        members = list(lst.members.values())
        chosen = mailchimp_segments.recipients(members, c["recipients"].get("segment_opts"))
        return [m["email_address"] for m in chosen]

    def _render_campaign(self, c: dict[str, Any]) -> dict[str, Any]:
        out = {k: _clone(v) for k, v in c.items() if not k.startswith("_")}
        lst = self.lists.get(out["recipients"].get("list_id") or "")
        out["recipients"]["list_name"] = lst.name if lst else ""
        out["recipients"]["recipient_count"] = len(self._campaign_recipients(c))
        return out

    def _merge_campaign(self, c: dict[str, Any], body: dict[str, Any]) -> None:
        """Apply a create/update body; a segment Mailchimp would refuse is refused
        before anything changes (docs/mailchimp-api.md §9)."""
        recipients = body.get("recipients")
        if isinstance(recipients, dict) and "segment_opts" in recipients:
            lst = self.lists.get(
                recipients.get("list_id") or c.get("recipients", {}).get("list_id") or ""
            )
            found = mailchimp_segments.problems(
                recipients["segment_opts"], set(lst.interests) if lst else set()
            )
            if found:
                raise _invalid(found)
        for section in ("recipients", "settings", "tracking", "social_card"):
            value = body.get(section)
            if isinstance(value, dict):
                c.setdefault(section, {}).update(_clone(value))

    def _list_campaigns(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        campaigns = [self._render_campaign(c) for c in self.campaigns.values()]
        if query.get("status"):
            campaigns = [c for c in campaigns if c["status"] == query["status"]]
        return {"campaigns": _page(campaigns, query), "total_items": len(campaigns)}

    def _create_campaign(self, query: dict[str, str], body: Any) -> dict[str, Any]:
        body = _require_object(body)
        if body.get("type") is None:
            raise _invalid(
                [{"field": "type", "message": "Schema describes enum, NULL found instead"}]
            )
        _check_enum(body["type"], CAMPAIGN_TYPES, "type")
        cid = secrets.token_hex(5)
        c: dict[str, Any] = {
            "id": cid,
            "web_id": next(self._ids),
            "type": body["type"],
            "create_time": _iso(self.now()),
            "archive_url": f"https://eepurl.com/fake-{cid}",
            "status": "save",
            "emails_sent": 0,
            "send_time": "",
            "content_type": "template",
            "recipients": {
                "list_id": "",
                "segment_text": "",
                "list_name": "",
                "recipient_count": 0,
            },
            "settings": {
                "subject_line": "",
                "preview_text": "",
                "title": "",
                "from_name": "",
                "reply_to": "",
                "to_name": "",
                "auto_footer": False,
                "inline_css": False,
            },
            "tracking": {"opens": True, "html_clicks": True, "text_clicks": False},
            "_content": {"html": "", "plain_text": ""},
        }
        self._merge_campaign(c, body)
        self.campaigns[cid] = c
        return self._render_campaign(c)

    def _get_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> dict[str, Any]:
        return self._render_campaign(self._campaign_or_404(campaign_id))

    def _update_campaign(
        self, query: dict[str, str], body: Any, campaign_id: str
    ) -> dict[str, Any]:
        c = self._campaign_or_404(campaign_id)
        self._merge_campaign(c, _require_object(body))
        return self._render_campaign(c)

    def _delete_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> None:
        self._campaign_or_404(campaign_id)
        del self.campaigns[campaign_id]

    def _render_content(self, c: dict[str, Any]) -> dict[str, Any]:
        html, plain = c["_content"]["html"], c["_content"]["plain_text"]
        return {"plain_text": plain, "html": html, "archive_html": html}

    def _get_content(self, query: dict[str, str], body: Any, campaign_id: str) -> dict[str, Any]:
        return self._render_content(self._campaign_or_404(campaign_id))

    def _set_content(self, query: dict[str, str], body: Any, campaign_id: str) -> dict[str, Any]:
        """PUT content
        (docs/mailchimp-api.md §5): one of html, plain_text, url, template, archive."""
        c = self._campaign_or_404(campaign_id)
        body = _require_object(body)
        html = body.get("html")
        if isinstance(body.get("template"), dict):
            sections = body["template"].get("sections") or {}
            html = "".join(str(v) for v in sections.values()) or "<html></html>"
            c["content_type"] = "template"
        elif body.get("url"):
            html = f"<html><!-- imported from {body['url']} --></html>"
            c["content_type"] = "url"
        elif html is not None:
            c["content_type"] = "html"
        if html is not None:
            c["_content"]["html"] = html
            c["_content"]["plain_text"] = body.get("plain_text") or re.sub(r"<[^>]+>", "", html)
        elif body.get("plain_text") is not None:
            c["_content"]["plain_text"] = body["plain_text"]
        return self._render_content(c)

    def _checklist_items(self, c: dict[str, Any]) -> list[dict[str, Any]]:
        """Readiness checks; only the empty-segment wording is Mailchimp's own
        (docs/mailchimp-api.md §5)."""
        settings = c["settings"]
        lst = self.lists.get(c["recipients"].get("list_id") or "")
        items = []

        def check(ok: bool, heading: str, good: str, bad: str) -> None:
            items.append(
                {
                    "type": "success" if ok else "error",
                    "id": len(items),
                    "heading": heading,
                    "details": good if ok else bad,
                }
            )

        if lst is None:
            check(False, "List", "", "You need to select a list to send to.")
        else:
            count = len(self._campaign_recipients(c))
            check(
                count > 0,
                "List",
                f'Sending to {count} recipients in "{lst.name}".',
                f'Your segment of list "{lst.name}" is empty.',
            )
        check(bool(settings.get("subject_line")), "Subject line", "OK", "Add a subject line.")
        check(bool(settings.get("from_name")), "From name", "OK", "Add a from name.")
        reply_to = settings.get("reply_to") or ""
        check("@" in reply_to, "From email", "OK", "Add a from email address.")
        content = c["_content"]
        has_content = bool(content["html"] or content["plain_text"])
        check(has_content, "Content", "OK", "Add content to your campaign.")
        return items

    def _send_checklist(self, query: dict[str, str], body: Any, campaign_id: str) -> dict[str, Any]:
        items = self._checklist_items(self._campaign_or_404(campaign_id))
        return {"is_ready": all(i["type"] != "error" for i in items), "items": items}

    def _not_ready(self, c: dict[str, Any], include_list: bool = True) -> bool:
        return any(
            i["type"] == "error" and (include_list or i["heading"] != "List")
            for i in self._checklist_items(c)
        )

    def _test_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> None:
        c = self._campaign_or_404(campaign_id)
        body = _require_object(body)
        emails, send_type = body.get("test_emails"), body.get("send_type")
        if not isinstance(emails, list) or not emails:
            raise _invalid([{"field": "test_emails", "message": "This value should not be blank."}])
        if send_type is None:
            raise _invalid(
                [{"field": "send_type", "message": "Schema describes enum, NULL found instead"}]
            )
        _check_enum(send_type, ("html", "plaintext"), "send_type")
        if self._not_ready(c, include_list=False):
            raise _bad_request("Your Campaign is not ready to send.")
        self.test_emails.append(
            {"campaign_id": campaign_id, "test_emails": list(emails), "send_type": send_type}
        )

    def _send_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> None:
        c = self._campaign_or_404(campaign_id)
        if c["status"] in ("sent", "sending"):
            raise _bad_request("This campaign has already been sent.")
        if self._not_ready(c):
            raise _bad_request("Your Campaign is not ready to send.")
        recipients = self._campaign_recipients(c)
        c.update(status="sent", send_time=_iso(self.now()), emails_sent=len(recipients))
        self.sent_campaigns.append(
            {
                "id": campaign_id,
                "campaign": self._render_campaign(c),
                "html": c["_content"]["html"],
                "plain_text": c["_content"]["plain_text"],
                "recipients": recipients,
            }
        )

    def _schedule_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> None:
        """Schedule on a future quarter hour
        (docs/mailchimp-api.md §5); every refusal has the same detail."""
        c = self._campaign_or_404(campaign_id)
        body = _require_object(body)
        refused = _bad_request("This campaign cannot be scheduled: .")
        raw = body.get("schedule_time")
        if not isinstance(raw, str):
            raise _invalid(
                [{"field": "schedule_time", "message": "This value should not be blank."}]
            )
        try:
            when = datetime.fromisoformat(raw)
        except ValueError:
            raise refused from None
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        on_quarter = when.minute % 15 == 0 and when.second == 0 and when.microsecond == 0
        if not on_quarter or when <= self.now() or c["status"] in ("sent", "sending"):
            raise refused
        if self._not_ready(c):
            raise refused
        c.update(status="schedule", send_time=_iso(when))

    def _unschedule_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> None:
        c = self._campaign_or_404(campaign_id)
        if c["status"] == "schedule":
            c.update(status="save", send_time="")
