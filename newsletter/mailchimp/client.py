"""Talking to Mailchimp: the configured SDK client, one error type, and `Api`.

The client hard-codes `https://<server>.api.mailchimp.com/3.0` and ignores
`Configuration.host`, so MAILCHIMP_API_URL is applied by setting
`api_client.host` directly. It raises `ApiClientError` only for error responses
that have a JSON body; a body-less error (a 429 or 403 under load) comes back as
a `requests.Response`, so every call goes through `call()` below, which turns
both into one `MailchimpError` (docs/mailchimp-api.md §7). `Api` binds the
client to the audience and is what the rest of the sync calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mailchimp_marketing
import requests
from django.conf import settings
from mailchimp_marketing.api_client import ApiClientError

DEFAULT_TIMEOUT = 15


def configured_timeout() -> float:
    """Seconds before a call gives up: MAILCHIMP_TIMEOUT if set, else DEFAULT_TIMEOUT."""
    return float(getattr(settings, "MAILCHIMP_TIMEOUT", None) or DEFAULT_TIMEOUT)


def is_configured() -> bool:
    return bool(settings.MAILCHIMP_API_KEY and settings.MAILCHIMP_AUDIENCE_ID)


def server_prefix(api_key: str) -> str:
    """The data centre is the key's suffix after the last '-', e.g. `us21`."""
    return api_key.rsplit("-", 1)[1] if "-" in api_key else ""


def get_client(timeout: float | None = None) -> mailchimp_marketing.Client:
    """The SDK client for the configured account; `timeout` defaults to configured_timeout()."""
    if timeout is None:
        timeout = configured_timeout()
    client = mailchimp_marketing.Client()
    client.set_config(
        {
            "api_key": settings.MAILCHIMP_API_KEY,
            "server": server_prefix(settings.MAILCHIMP_API_KEY),
            "timeout": timeout,
        }
    )
    if settings.MAILCHIMP_API_URL:
        client.api_client.host = settings.MAILCHIMP_API_URL.rstrip("/")
    return client


@dataclass
class MailchimpError(Exception):
    """One shape for every failure: HTTP status (None for network errors), title, detail."""

    status: int | None
    title: str = ""
    detail: str = ""
    body: dict | None = None

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status is not None else "network error"
        text = ": ".join(part for part in (self.title, self.detail) if part)
        return f"{where}: {text}" if text else where

    @property
    def retryable(self) -> bool:
        """Worth trying again later: rate limits, server faults, timeouts, no connection,
        and a 403 without a body (Mailchimp's overload answer)."""
        if self.status is None or self.status == 429 or self.status >= 500:
            return True
        return self.status == 403 and not self.body


def _parse_body(text: Any) -> dict | None:
    if isinstance(text, dict):
        return text
    if isinstance(text, (str, bytes)) and text:
        try:
            parsed = json.loads(text)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


def error_from_exception(exc: Exception) -> MailchimpError:
    if isinstance(exc, ApiClientError):
        body = _parse_body(exc.text)
        status = exc.status_code
        if status is None:
            # A network error or timeout: the SDK wraps the requests exception in `text`.
            title = type(exc.text).__name__ if isinstance(exc.text, Exception) else ""
            return MailchimpError(None, title, str(exc.text or ""), None)
        return MailchimpError(
            status,
            (body or {}).get("title", ""),
            (body or {}).get("detail", "") if body else str(exc.text or ""),
            body,
        )
    if isinstance(exc, requests.RequestException):
        return MailchimpError(None, type(exc).__name__, str(exc))
    raise exc


def call(method: Callable[..., Any], *args, **kwargs) -> Any:
    """Call a client method; return its data, or raise MailchimpError."""
    try:
        result = method(*args, **kwargs)
    except (ApiClientError, requests.RequestException) as exc:
        raise error_from_exception(exc) from exc
    if isinstance(result, requests.Response):
        if not result.ok:
            body = _parse_body(result.text)
            raise MailchimpError(
                result.status_code,
                (body or {}).get("title", result.reason or ""),
                (body or {}).get("detail", ""),
                body,
            )
        return None  # an empty success (204)
    return result


class Api:
    """The SDK client bound to the audience, counting every API call it makes.

    Every call goes through call() above, so error bodies (problem+json strings)
    and body-less errors (returned, not raised, by the SDK) become MailchimpError.
    Each method is one Marketing API call (the SDK's method map:
    docs/mailchimp-api.md §7); the count is what the commands report.
    """

    def __init__(
        self,
        client: mailchimp_marketing.Client | None = None,
        list_id: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.client = client or get_client(timeout=timeout)
        self.list_id = list_id or settings.MAILCHIMP_AUDIENCE_ID
        self.calls = 0

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return call(method, *args, **kwargs)

    # members
    def set_member(self, subscriber_hash: str, body: dict) -> dict:
        return self._call(self.client.lists.set_list_member, self.list_id, subscriber_hash, body)

    def update_member(self, subscriber_hash: str, body: dict) -> dict:
        return self._call(self.client.lists.update_list_member, self.list_id, subscriber_hash, body)

    def archive_member(self, subscriber_hash: str) -> None:
        self._call(self.client.lists.delete_list_member, self.list_id, subscriber_hash)

    def delete_member_permanently(self, subscriber_hash: str) -> None:
        self._call(self.client.lists.delete_list_member_permanent, self.list_id, subscriber_hash)

    def update_tags(self, subscriber_hash: str, tags: list[dict]) -> None:
        self._call(
            self.client.lists.update_list_member_tags,
            self.list_id,
            subscriber_hash,
            {"tags": tags},
        )

    def get_member(self, subscriber_hash: str, fields: list[str] | None = None) -> dict:
        params = {"fields": fields} if fields else {}
        return self._call(
            self.client.lists.get_list_member, self.list_id, subscriber_hash, **params
        )

    def list_members(self, **params: Any) -> dict:
        return self._call(self.client.lists.get_list_members_info, self.list_id, **params)

    # interests and webhooks
    def interest_categories(self) -> dict:
        return self._call(self.client.lists.get_list_interest_categories, self.list_id, count=1000)

    def create_interest_category(self, body: dict) -> dict:
        return self._call(self.client.lists.create_list_interest_category, self.list_id, body)

    def interests(self, category_id: str) -> dict:
        return self._call(
            self.client.lists.list_interest_category_interests,
            self.list_id,
            category_id,
            count=1000,
        )

    def create_interest(self, category_id: str, body: dict) -> dict:
        return self._call(
            self.client.lists.create_interest_category_interest,
            self.list_id,
            category_id,
            body,
        )

    def webhooks(self) -> dict:
        return self._call(self.client.lists.get_list_webhooks, self.list_id)

    def create_webhook(self, body: dict) -> dict:
        return self._call(self.client.lists.create_list_webhook, self.list_id, body)

    # batches
    def start_batch(self, operations: list[dict]) -> dict:
        return self._call(self.client.batches.start, {"operations": operations})

    def batch_status(self, batch_id: str) -> dict:
        return self._call(self.client.batches.status, batch_id)
