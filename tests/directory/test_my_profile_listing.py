"""A profile its researcher unlists is listed nowhere and answers 404 to the public,
but not to its owner or editors; the contact form follows the researcher's choice.

The search surfaces (both engines) are in tests/search/test_unlisted.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from directory.models import ResearcherPage
from tests.directory.test_restrictions import listed_on, pair  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def unlist(page: ResearcherPage) -> None:
    page.listed = False
    page.save_revision().publish()


def test_an_unlisted_profile_is_listed_nowhere_until_listed_again(client, pair):  # noqa: F811
    _open_one, secret = pair
    everywhere = listed_on(client, secret)
    assert all(everywhere.values()), everywhere

    unlist(secret)
    nowhere = listed_on(client, secret)
    assert not any(nowhere.values()), nowhere
    assert not ResearcherPage.objects.listed().filter(pk=secret.pk).exists()

    secret.refresh_from_db()
    secret.listed = True
    secret.save_revision().publish()
    assert all(listed_on(client, secret).values())


def test_an_unlisted_profile_is_404_to_the_public_only(client, pair):  # noqa: F811
    _open_one, secret = pair
    owner = get_user_model().objects.create_user("rosa", "rosa@x.example.org", "pw")
    secret.user = owner
    unlist(secret)
    assert client.get(secret.url).status_code == 404

    client.force_login(owner)
    assert client.get(secret.url).status_code == 200

    editor = get_user_model().objects.create_superuser("ed", "ed@x.example.org", "pw")
    client.force_login(editor)
    assert client.get(secret.url).status_code == 200


def test_the_contact_form_follows_the_researchers_choice(client, pair):  # noqa: F811
    _open_one, secret = pair
    assert client.get(f"/directory/contact/{secret.pk}/").status_code == 200
    secret.contact_form_enabled = False
    secret.save_revision().publish()
    assert client.get(f"/directory/contact/{secret.pk}/").status_code == 404
    assert f"/directory/contact/{secret.pk}/" not in client.get(secret.url).content.decode()


def test_each_message_sent_counts_for_the_researcher(client, pair):  # noqa: F811
    _open_one, secret = pair
    client.post(
        f"/directory/contact/{secret.pk}/",
        {
            "name": "Ana",
            "email": "ana.sender@x.example.org",
            "subject": "Hello",
            "message": "A message long enough to be sent to the researcher.",
        },
    )
    secret.refresh_from_db()
    assert secret.contact_messages_relayed == 1
