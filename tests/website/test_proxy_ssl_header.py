"""`SECURE_PROXY_SSL_HEADER` is trusted only when the deployment says a proxy sets it.

Trusting `X-Forwarded-Proto` when no proxy strips a client's own copy lets any
client claim HTTPS and skip the redirect (and HSTS). Each case imports the
production settings in a fresh interpreter, since settings are read once.
"""

from __future__ import annotations

import json

import pytest

from tests.website.production_support import run_in_production

SCRIPT = """
import json, django
from django.conf import settings
django.setup()
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
response = SecurityMiddleware(lambda r: HttpResponse("ok"))(request)
print(json.dumps({
    "header": settings.SECURE_PROXY_SSL_HEADER,
    "status": response.status_code,
    "location": response.get("Location", ""),
}))
"""


def production(**extra: str) -> dict:
    result = run_in_production(SCRIPT, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_the_setting_a_clients_forwarded_proto_is_not_trusted() -> None:
    answer = production()
    assert answer["header"] is None
    assert answer["status"] == 301
    assert answer["location"].startswith("https://")


def test_with_the_setting_the_proxys_header_is_trusted() -> None:
    answer = production(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    assert answer["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert answer["status"] == 200


def test_a_header_name_as_sent_on_the_wire_is_accepted() -> None:
    answer = production(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto, https")
    assert answer["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize("value", ["HTTP_X_FORWARDED_PROTO", "a,b,c", ",https"])
def test_a_malformed_value_refuses_to_start(value: str) -> None:
    result = run_in_production("import django; django.setup()", SECURE_PROXY_SSL_HEADER=value)
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr
