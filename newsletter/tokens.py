"""Signed links for the mailing list: confirmation, and preferences/unsubscribe.

A token is `django.core.signing.dumps([subscriber pk, address digest])` with a
salt per purpose, so a confirmation token can never be used as a preferences
token and vice versa. `dumps` signs with a timestamp (TimestampSigner), which is
what lets `loads(max_age=...)` expire confirmation links.

* Confirmation links expire after CONFIRMATION_MAX_AGE (7 days): double opt-in
  must prove the person controls the inbox *now*, and an old link lying in an
  inbox should not subscribe anyone months later.
* Preferences/unsubscribe links do not expire by default
  (NEWSLETTER_MANAGE_TOKEN_MAX_AGE, seconds, may set a limit): an unsubscribe
  link in a two-year-old newsletter, or a mail provider's RFC 8058 one-click POST,
  must still work. They are bound to the address, so they stop working when the
  address changes or the subscriber is erased.

The address is carried as a keyed digest, never in clear: tokens end up in URLs,
and so in server logs and browser history.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy

from newsletter.models import Subscriber, normalise_email

CONFIRMATION_MAX_AGE = timedelta(days=7)
CONFIRM_SALT = "newsletter.tokens.confirm"
MANAGE_SALT = "newsletter.tokens.manage"
ADDRESS_CHANGE_SALT = "newsletter.tokens.address-change"
_ADDRESS_SALT = "newsletter.tokens.address"


class TokenError(Exception):
    """A link that cannot be used; `message` is safe to show to the visitor."""

    message = gettext_lazy("This link is not valid. Please check that you copied the whole link.")


class BadToken(TokenError):
    """Garbled or tampered with: the signature does not match."""


class ExpiredToken(TokenError):
    message = gettext_lazy("This link has expired.")


class StaleToken(TokenError):
    """Genuine, but the subscriber it names is gone or has a different address now."""

    message = gettext_lazy(
        "This link is no longer valid. The subscription it belongs to has changed."
    )


def address_digest(email: str) -> str:
    """A short keyed digest of the normalised address (keyed so it can't be looked up)."""
    return salted_hmac(_ADDRESS_SALT, normalise_email(email)).hexdigest()[:20]


def _make(subscriber: Subscriber, salt: str) -> str:
    return signing.dumps([subscriber.pk, address_digest(subscriber.email)], salt=salt)


def _read(
    token: str, salt: str, max_age: timedelta | float | None, *, address: str = "email"
) -> Subscriber:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ExpiredToken from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise BadToken from exc
    if not (isinstance(payload, list) and len(payload) == 2):
        raise BadToken
    pk, digest = payload
    subscriber = Subscriber.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    bound_to = getattr(subscriber, address, "") if subscriber is not None else ""
    if not bound_to or not constant_time_compare(str(digest), address_digest(bound_to)):
        raise StaleToken
    return subscriber


def make_confirmation_token(subscriber: Subscriber) -> str:
    return _make(subscriber, CONFIRM_SALT)


def read_confirmation_token(token: str) -> Subscriber:
    """The subscriber a confirmation link names; raises a TokenError subclass."""
    return _read(token, CONFIRM_SALT, CONFIRMATION_MAX_AGE)


def make_address_change_token(subscriber: Subscriber) -> str:
    """For the link sent to an address an administrator entered (`pending_email`).

    Bound to that new address, so a link to a since-replaced request is stale.
    """
    return signing.dumps(
        [subscriber.pk, address_digest(subscriber.pending_email)], salt=ADDRESS_CHANGE_SALT
    )


def read_address_change_token(token: str) -> Subscriber:
    """The subscriber whose address change a link confirms; raises a TokenError subclass."""
    return _read(token, ADDRESS_CHANGE_SALT, CONFIRMATION_MAX_AGE, address="pending_email")


def manage_token_max_age() -> float | None:
    return getattr(settings, "NEWSLETTER_MANAGE_TOKEN_MAX_AGE", None)


def make_manage_token(subscriber: Subscriber) -> str:
    """For the preferences page and unsubscribe (including RFC 8058 one-click)."""
    return _make(subscriber, MANAGE_SALT)


def read_manage_token(token: str) -> Subscriber:
    """The subscriber a preferences/unsubscribe link names; raises a TokenError subclass."""
    return _read(token, MANAGE_SALT, manage_token_max_age())
