import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db):
    """A signed-up account with a verified address."""
    user = get_user_model().objects.create_user(
        "member", "ana.souza@uni.example.org", "pw-Secret-42"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
