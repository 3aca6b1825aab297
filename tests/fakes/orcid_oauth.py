"""A local fake of ORCID's OAuth 2 and public API, served over real HTTP on 127.0.0.1.

The shapes are ORCID's (https://info.orcid.org/documentation/api-tutorials/):

- GET /oauth/authorize?client_id&response_type=code&scope=/authenticate&redirect_uri
  &state: ORCID signs the person in, then redirects to redirect_uri?code=…&state=….
  The fake signs in `person` at once.
- POST /oauth/token (form: client_id, client_secret, grant_type=authorization_code,
  code, redirect_uri) → {"access_token", "token_type": "bearer", "refresh_token",
  "expires_in", "scope": "/authenticate", "name", "orcid"}; a bad code or client is
  400 {"error": "invalid_grant" | "invalid_client", "error_description"}.
- GET /v3.0/<orcid>/record (Accept: application/orcid+json) → the public record:
  "orcid-identifier" {uri, path, host} and "person" {name {given-names, family-name},
  emails {email: [...]}}.

Usage: `with FakeOrcid() as fake: settings.ORCID_BASE_URL = settings.ORCID_API_URL = fake.url`.
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


@dataclass
class Person:
    orcid: str = "0000-0002-1825-0097"
    given_names: str = "Josiah"
    family_name: str = "Carberry"
    public_email: str = ""


@dataclass
class FakeOrcid:
    client_id: str = "APP-FAKE0000000000"
    client_secret: str = "fake-secret"
    person: Person = field(default_factory=Person)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._codes: dict[str, tuple[str, str]] = {}  # code -> (redirect_uri, orcid)
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeOrcid:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _json(self, status: int, body: dict, content_type="application/json") -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type};charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                fake.requests.append(("GET", parts.path))
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/oauth/authorize":
                    if query.get("client_id") != fake.client_id or "redirect_uri" not in query:
                        return self._json(400, {"error": "invalid_client"})
                    code = secrets.token_urlsafe(6)
                    fake._codes[code] = (query["redirect_uri"], fake.person.orcid)
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query.get("state", "")})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                prefix, _, rest = parts.path.partition("/v3.0/")
                if not prefix and rest.endswith("/record"):
                    orcid = rest.removesuffix("/record")
                    if orcid != fake.person.orcid:
                        return self._json(404, {"error-code": 9016})
                    return self._json(200, fake.record(), "application/orcid+json")
                return self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                fake.requests.append(("POST", parts.path))
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if parts.path != "/oauth/token":
                    return self._json(404, {"error": "not found"})
                if (form.get("client_id"), form.get("client_secret")) != (
                    fake.client_id,
                    fake.client_secret,
                ):
                    return self._json(
                        401, {"error": "invalid_client", "error_description": "Bad client"}
                    )
                issued = fake._codes.pop(form.get("code", ""), None)
                if (
                    issued is None
                    or form.get("grant_type") != "authorization_code"
                    or issued[0] != form.get("redirect_uri")
                ):
                    return self._json(
                        400,
                        {
                            "error": "invalid_grant",
                            "error_description": "Invalid authorization code",
                        },
                    )
                person = fake.person
                return self._json(
                    200,
                    {
                        "access_token": secrets.token_hex(16),
                        "token_type": "bearer",
                        "refresh_token": secrets.token_hex(16),
                        "expires_in": 631138518,
                        "scope": "/authenticate",
                        "name": f"{person.given_names} {person.family_name}",
                        "orcid": issued[1],
                    },
                )

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def record(self) -> dict:
        person = self.person
        emails = (
            [{"email": person.public_email, "verified": True, "primary": True}]
            if person.public_email
            else []
        )
        return {
            "orcid-identifier": {
                "uri": f"https://orcid.org/{person.orcid}",
                "path": person.orcid,
                "host": "orcid.org",
            },
            "person": {
                "name": {
                    "given-names": {"value": person.given_names},
                    "family-name": {"value": person.family_name},
                },
                "emails": {"email": emails},
            },
        }
