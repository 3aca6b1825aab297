"""What the Mailchimp sync tests share: the fake's audience, a subscriber, and the
member requests the fake recorded (fixtures are in conftest.py)."""

from __future__ import annotations

import hashlib

from newsletter.models import Subscriber, SubscriberStatus
from tests.fakes.mailchimp import FakeMailchimp

LIST = FakeMailchimp.DEFAULT_LIST_ID
ANA = "ana.rojas@litio.cl"


def md5(email: str) -> str:
    return hashlib.md5(email.lower().encode()).hexdigest()


def member_requests(fake: FakeMailchimp, method: str | None = None) -> list:
    return [
        r
        for r in fake.requests
        if r.path.startswith(f"/lists/{LIST}/members") and (method is None or r.method == method)
    ]


def subscriber(email: str = ANA, status: str = SubscriberStatus.PENDING, **fields) -> Subscriber:
    return Subscriber.objects.create(
        email=email, status=status, first_name="Ana", last_name="Rojas", **fields
    )
