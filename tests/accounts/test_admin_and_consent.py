"""The admin's "Invite to claim" bulk action, and consent records in the data export."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from accounts import consent
from accounts.models import ConsentSource, Invitation
from common import personal_data
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


def _invite(client, *pages):
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "invite_researchers"))
    query = "&".join(f"id={page.pk}" for page in pages)
    return client.post(f"{url}?{query}", {"next": "/admin/"})


def test_bulk_invitation_is_sent_once_within_the_interval(client, django_user_model, member):
    admin = django_user_model.objects.create_superuser("admin", "admin@uni.example.org", "pw")
    client.force_login(admin)
    invited = ResearcherPageFactory(email="ana@uni.example.org")
    claimed = ResearcherPageFactory(email="bea@uni.example.org", user=member)
    no_address = ResearcherPageFactory(email="")
    confirm = client.get(
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "invite_researchers"))
        + f"?id={invited.pk}"
    )
    assert invited.title in confirm.content.decode()

    assert _invite(client, invited, claimed, no_address).status_code == 302
    assert [message.to for message in mail.outbox] == [["ana@uni.example.org"]]
    assert "/accounts/claim/" in mail.outbox[0].body
    assert Invitation.objects.get(profile=invited).sent_by == admin

    _invite(client, invited)
    assert len(mail.outbox) == 1
    assert Invitation.objects.filter(profile=invited).count() == 1


def test_consents_are_in_the_personal_data_export(member):
    profile = ResearcherPageFactory(email=member.email, user=member)
    consent.record(profile, ConsentSource.CLAIMED, user=member, text="I agree.")
    stranger = ResearcherPageFactory(email="someone@uni.example.org")
    consent.record(stranger, ConsentSource.IMPORT)

    exported = personal_data.export(member, member.email)["accounts"]
    json.dumps(exported)  # what the download serves
    assert exported["account"]["email"] == member.email
    assert [(c["profile"], c["how"], c["text"]) for c in exported["consents"]] == [
        (profile.title, ConsentSource.CLAIMED, "I agree.")
    ]
