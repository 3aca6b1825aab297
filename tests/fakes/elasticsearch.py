"""A scriptable, recording Elasticsearch at the HTTP layer, for tests without a server.

The real `elasticsearch.Elasticsearch` client is used unchanged, down to
serialisation, headers, error mapping and the product check; only the node
(elastic-transport's connection to one server) is replaced::

    fake = FakeElasticsearch()
    fake.on("POST", "/researchers/_search", {"hits": {...}})
    fake.on("HEAD", "/_alias/researchers-rebuilding", status=404)
    fake.on("PUT", "/_bulk", bulk_ok)               # a callable builds the answer
    fake.on("*", "*", ConnectionError("refused"))     # an exception is raised
    engine = ElasticsearchEngine(client=fake.client())
    ...
    request = fake.last("POST", "/researchers/_search")
    assert request.body["post_filter"] == ...

Paths are matched with shell-style globs (``/researchers-*``; ``*`` also matches
``/``); the most recently registered matching route wins, so a test can override
a default, and a callable may return `PASS` to hand the request on to older
routes. A request that no route matches raises AssertionError listing the routes,
so a missing script fails loudly rather than returning something made up.

`FakeCluster` adds a small in-memory model of indices, aliases and documents
(index creation and deletion, atomic `_aliases` actions, `require_alias`, the
`create` op's 409): enough to test an alias swap by its effects, not only by
the requests it sends.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from elastic_transport import (
    ApiResponseMeta,
    BaseNode,
    ConnectionError,
    ConnectionTimeout,
    HttpHeaders,
)
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch

__all__ = [
    "PASS",
    "ConnectionError",
    "ConnectionTimeout",
    "FakeCluster",
    "FakeElasticsearch",
    "FakeResponse",
    "RecordedRequest",
    "bulk_ok",
    "bulk_responder",
    "search_response",
]

PASS = object()  # returned by a responder: "not mine, ask the older routes"

RESPONSE_HEADERS = {
    "X-Elastic-Product": "Elasticsearch",
    "Content-Type": "application/vnd.elasticsearch+json; compatible-with=8",
}


@dataclass
class RecordedRequest:
    """One request as the server would have seen it."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    raw: bytes | None
    body: Any  # parsed JSON; a list of parsed lines for NDJSON (bulk); None if empty

    def bulk_operations(self) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
        """(op_type, metadata, source or None) for each action of a _bulk request."""
        lines = list(self.body or [])
        operations = []
        while lines:
            header = lines.pop(0)
            op, meta = next(iter(header.items()))
            source = None if op == "delete" else lines.pop(0)
            operations.append((op, meta, source))
        return operations


@dataclass
class FakeResponse:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Responder = Any  # dict/list body, FakeResponse, Exception, or callable(request) -> one of those


@dataclass
class Route:
    method: str
    path: str
    responder: Responder
    status: int
    times: int | None  # None: forever

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.path)


class FakeElasticsearch:
    """The script (routes) and the record (requests) of one fake cluster."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.routes: list[Route] = []

    # Scripting ---------------------------------------------------------------

    def on(
        self,
        method: str,
        path: str,
        response: Responder = None,
        *,
        status: int = 200,
        times: int | None = None,
    ) -> FakeElasticsearch:
        """Answer `method path` (globs allowed, "*" for any method) with `response`.

        `response` is a JSON body, a `FakeResponse`, an exception instance (raised,
        e.g. `ConnectionError("refused")`), or a callable taking the
        `RecordedRequest` and returning any of those. `times` limits how often the
        route answers before it is used up.
        """
        self.routes.append(Route(method.upper(), path, response, status, times))
        return self

    def fail(self, error: Exception | None = None, method: str = "*", path: str = "*") -> None:
        """Every matching request raises `error` (a refused connection by default)."""
        self.on(method, path, error or ConnectionError("Connection refused (fake)"))

    def client(self, **kwargs: Any) -> Elasticsearch:
        """A real client whose only node is this fake.

        No retries by default, so one call is one recorded request; pass
        `max_retries` to test retrying.
        """
        node_class = type("BoundFakeNode", (FakeNode,), {"fake": self})
        kwargs.setdefault("max_retries", 0)
        return Elasticsearch("http://localhost:9200", node_class=node_class, **kwargs)

    # Inspecting --------------------------------------------------------------

    def find(self, method: str = "*", path: str = "*") -> list[RecordedRequest]:
        method = method.upper()
        return [
            r
            for r in self.requests
            if method in ("*", r.method) and fnmatch.fnmatchcase(r.path, path)
        ]

    def last(self, method: str = "*", path: str = "*") -> RecordedRequest:
        found = self.find(method, path)
        assert found, f"no {method} {path} request among {self.summary()}"
        return found[-1]

    def summary(self) -> list[str]:
        """`METHOD /path` of every request so far, in order: handy in assertions."""
        return [f"{r.method} {r.path}" for r in self.requests]

    # Serving -----------------------------------------------------------------

    def handle(self, method: str, target: str, body: bytes | None, headers: Any) -> FakeResponse:
        split = urlsplit(target)
        header_dict = {k.lower(): v for k, v in dict(headers or {}).items()}
        request = RecordedRequest(
            method=method,
            path=split.path,
            params=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=header_dict,
            raw=body,
            body=_parse_body(body, header_dict.get("content-type", "")),
        )
        self.requests.append(request)
        for route in reversed(self.routes):
            if route.times == 0 or not route.matches(method, request.path):
                continue
            response = _respond(route.responder, route.status, request)
            if response is PASS:
                continue
            if route.times is not None:
                route.times -= 1
            return response
        routes = [f"{r.method} {r.path}" for r in self.routes]
        raise AssertionError(f"fake Elasticsearch has no route for {method} {target}: {routes}")


class FakeNode(BaseNode):
    """elastic-transport node answering from the `FakeElasticsearch` it is bound to."""

    _CLIENT_META_HTTP_CLIENT = ("fk", "1.0")
    fake: ClassVar[FakeElasticsearch]

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: Any = None,
    ) -> NodeApiResponse:
        response = self.fake.handle(method, target, body, headers)
        payload = b"" if response.body is None else json.dumps(response.body).encode()
        meta = ApiResponseMeta(
            status=response.status,
            http_version="1.1",
            headers=HttpHeaders({**RESPONSE_HEADERS, **response.headers}),
            duration=0.0,
            node=self.config,
        )
        return NodeApiResponse(meta, payload)


def _parse_body(body: bytes | None, content_type: str) -> Any:
    if not body:
        return None
    text = body.decode("utf-8")
    if "ndjson" in content_type:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def _respond(responder: Responder, status: int, request: RecordedRequest) -> Any:
    if callable(responder) and not isinstance(responder, type):
        responder = responder(request)
    if responder is PASS:
        return PASS
    if isinstance(responder, BaseException):
        raise responder
    if isinstance(responder, type) and issubclass(responder, BaseException):
        raise responder("fake failure")
    if isinstance(responder, FakeResponse):
        return responder
    if request.method != "HEAD" and responder is None and status < 300:
        responder = {"acknowledged": True}
    return FakeResponse(status=status, body=responder)


# Canned answers ---------------------------------------------------------------

ItemOutcome = Callable[[str, dict[str, Any], dict[str, Any] | None], tuple[int, dict[str, Any]]]


def _ok_outcome(op: str, meta: dict[str, Any], source: Any) -> tuple[int, dict[str, Any]]:
    result = {"delete": "deleted", "create": "created"}.get(op, "updated")
    return (201 if op == "create" else 200), {"result": result}


def bulk_responder(outcome: ItemOutcome = _ok_outcome) -> Callable[[RecordedRequest], dict]:
    """A _bulk answer built from the request: `outcome(op, meta, source)` gives each
    item's (status, extra fields), e.g. (409, {"error": {"type": ...}})."""

    def respond(request: RecordedRequest) -> dict[str, Any]:
        items, errors = [], False
        for op, meta, source in request.bulk_operations():
            status, extra = outcome(op, meta, source)
            errors = errors or status >= 300
            items.append(
                {
                    op: {"_index": meta.get("_index"), "_id": meta.get("_id"), "status": status}
                    | extra
                }
            )
        return {"took": 1, "errors": errors, "items": items}

    return respond


bulk_ok = bulk_responder()


def search_response(
    hits: list[dict[str, Any]] | None = None,
    total: int | None = None,
    aggregations: dict[str, Any] | None = None,
    suggest: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A _search response body in Elasticsearch 8's shape."""
    hits = hits or []
    body: dict[str, Any] = {
        "took": 1,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits) if total is None else total, "relation": "eq"},
            "max_score": 1.0 if hits else None,
            "hits": hits,
        },
    }
    if aggregations is not None:
        body["aggregations"] = aggregations
    if suggest is not None:
        body["suggest"] = suggest
    return body


def error_body(status: int, error_type: str, reason: str) -> dict[str, Any]:
    return {"error": {"type": error_type, "reason": reason}, "status": status}


class FakeCluster:
    """Indices, aliases and documents in memory, served through a `FakeElasticsearch`.

    Handles index create/delete/settings/refresh, `_aliases`, alias lookups and
    `_bulk` (index, create, delete; `require_alias`); searches stay scripted.
    """

    def __init__(self, fake: FakeElasticsearch):
        self.fake = fake
        self.indices: dict[str, dict[str, Any]] = {}  # name -> create body
        self.aliases: dict[str, set[str]] = {}  # alias -> indices
        self.docs: dict[str, dict[str, dict[str, Any]]] = {}  # index -> id -> source
        self.bulk_outcome: ItemOutcome | None = None  # overrides an item's fate
        fake.on("*", "*", self.handle)

    # State helpers for tests ------------------------------------------------------

    def create(self, name: str, aliases: Iterable[str] = ()) -> None:
        self.indices[name] = {}
        self.docs[name] = {}
        for alias in aliases:
            self.aliases.setdefault(alias, set()).add(name)

    def behind(self, alias: str) -> set[str]:
        return set(self.aliases.get(alias, set()))

    def docs_behind(self, alias: str) -> dict[str, dict[str, Any]]:
        (index,) = self.behind(alias)
        return self.docs[index]

    # Serving ------------------------------------------------------------------------

    def handle(self, request: RecordedRequest) -> Any:
        parts = [part for part in request.path.split("/") if part]
        method = request.method
        if parts == ["_aliases"] and method == "POST":
            return self._update_aliases(request.body["actions"])
        if len(parts) == 2 and parts[0] == "_alias" and method == "HEAD":
            return FakeResponse(200 if self.aliases.get(parts[1]) else 404)
        if len(parts) == 2 and parts[1] == "_alias" and method == "GET":
            return self._get_alias(parts[0])
        if parts == ["_bulk"] and method in ("POST", "PUT"):
            return self._bulk(request)
        if len(parts) == 1 and not parts[0].startswith("_"):
            if method == "PUT":
                return self._create(parts[0], request.body or {})
            if method == "DELETE":
                return self._delete(parts[0].split(","))
        if len(parts) == 2 and parts[1] in ("_settings", "_refresh"):
            if parts[0] not in self.indices:
                return FakeResponse(404, error_body(404, "index_not_found_exception", parts[0]))
            if parts[1] == "_settings":
                self.indices[parts[0]].setdefault("settings_updates", []).append(request.body)
            return {"acknowledged": True, "_shards": {"total": 1, "successful": 1, "failed": 0}}
        return PASS

    def _create(self, name: str, body: dict[str, Any]) -> Any:
        if name in self.indices or name in self.aliases:
            return FakeResponse(400, error_body(400, "resource_already_exists_exception", name))
        self.indices[name] = body
        self.docs[name] = {}
        return {"acknowledged": True, "shards_acknowledged": True, "index": name}

    def _delete(self, names: list[str]) -> Any:
        missing = [name for name in names if name not in self.indices]
        if missing:
            return FakeResponse(404, error_body(404, "index_not_found_exception", missing[0]))
        for name in names:
            self.indices.pop(name)
            self.docs.pop(name)
            for members in self.aliases.values():
                members.discard(name)
        self.aliases = {alias: members for alias, members in self.aliases.items() if members}
        return {"acknowledged": True}

    def _get_alias(self, name: str) -> Any:
        if name in self.indices:
            aliases = {a: {} for a, members in self.aliases.items() if name in members}
            return {name: {"aliases": aliases}}
        if self.aliases.get(name):
            return {index: {"aliases": {name: {}}} for index in sorted(self.aliases[name])}
        return FakeResponse(404, error_body(404, "index_not_found_exception", name))

    def _update_aliases(self, actions: list[dict[str, Any]]) -> Any:
        """All actions or none, as Elasticsearch applies them."""
        indices = set(self.indices)
        aliases = {alias: set(members) for alias, members in self.aliases.items()}
        for action in actions:
            ((kind, spec),) = action.items()
            index = spec.get("index")
            if index not in indices:
                return FakeResponse(404, error_body(404, "index_not_found_exception", index))
            if kind == "add":
                aliases.setdefault(spec["alias"], set()).add(index)
            elif kind == "remove":
                members = aliases.get(spec["alias"], set())
                if index not in members and spec.get("must_exist"):
                    return FakeResponse(
                        404, error_body(404, "aliases_not_found_exception", spec["alias"])
                    )
                members.discard(index)
            elif kind == "remove_index":
                indices.discard(index)
                for members in aliases.values():
                    members.discard(index)
        for gone in set(self.indices) - indices:
            self.indices.pop(gone)
            self.docs.pop(gone)
        self.aliases = {alias: members for alias, members in aliases.items() if members}
        return {"acknowledged": True}

    def _bulk(self, request: RecordedRequest) -> dict[str, Any]:
        require_alias = request.params.get("require_alias") == "true"
        items, errors = [], False
        for op, meta, source in request.bulk_operations():
            target, doc_id = meta.get("_index"), meta.get("_id")
            item = {"_index": target, "_id": doc_id}
            outcome = self.bulk_outcome(op, meta, source) if self.bulk_outcome else None
            if outcome is not None:
                status, extra = outcome
                item.update(status=status, **extra)
            elif target in self.aliases:
                item.update(self._apply(op, sorted(self.aliases[target])[0], doc_id, source))
            elif target in self.indices and not (require_alias and op != "delete"):
                item.update(self._apply(op, target, doc_id, source))
            else:
                # Real Elasticsearch would auto-create a missing index for an index
                # op without require_alias; the fake reports it instead, so a test
                # notices a write that would have created a stray index.
                reason = f"[{target}] is not an alias" if require_alias else "no such index"
                error = {"type": "index_not_found_exception", "reason": reason}
                item.update(status=404, error=error)
            errors = errors or item["status"] >= 300
            items.append({op: item})
        return {"took": 1, "errors": errors, "items": items}

    def _apply(self, op: str, index: str, doc_id: str, source: Any) -> dict[str, Any]:
        docs = self.docs[index]
        if op == "delete":
            if doc_id not in docs:
                return {"status": 404, "result": "not_found"}
            del docs[doc_id]
            return {"status": 200, "result": "deleted"}
        if op == "create" and doc_id in docs:
            error = {"type": "version_conflict_engine_exception", "reason": "document exists"}
            return {"status": 409, "error": error}
        created = doc_id not in docs
        docs[doc_id] = source
        return {"status": 201 if created else 200, "result": "created" if created else "updated"}
