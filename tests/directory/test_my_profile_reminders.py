from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from directory.models import ResearcherPage
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claimed():
    user = get_user_model().objects.create_user("ana", "ana@uni.example.org", "pw")
    return ResearcherPageFactory(user=user, preferred_language="es", email="ana@uni.example.org")


def test_claimed_profiles_get_one_reminder_a_year_in_their_language(clock, claimed):
    ResearcherPageFactory()  # unclaimed: never reminded
    call_command("profile_reminders")
    assert [m.to for m in mail.outbox] == [["ana@uni.example.org"]]
    assert mail.outbox[0].subject == "¿Tu perfil sigue siendo correcto?"
    assert "/es/my-profile/still-correct/" in mail.outbox[0].body

    clock.shift(timedelta(days=364))
    call_command("profile_reminders")
    assert len(mail.outbox) == 1
    clock.shift(timedelta(days=2))
    call_command("profile_reminders")
    assert len(mail.outbox) == 2


def test_still_correct_link_records_the_confirmation(client, clock, claimed):
    call_command("profile_reminders")
    link = next(line for line in mail.outbox[0].body.splitlines() if "still-correct" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    assert ResearcherPage.objects.get(pk=claimed.pk).confirmed_at is not None
    assert client.get("/my-profile/still-correct/forged/").status_code == 404
