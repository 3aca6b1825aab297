"""The personalised weekly digest: selection, once a week, never after leaving, the
local path (one e-mail per person, in their language, with one-click headers), the
command, the task, the opt-in on the public forms and the admin preview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from directory.models import Topic
from editorial.models import EventPage, NewsPage, OpportunityPage
from newsletter import services
from newsletter.issues import digest
from newsletter.issues.digest_records import DigestSend, DigestState
from newsletter.issues.digest_sending import send_digests
from newsletter.models import Subscriber, SubscriberStatus
from tests.editorial.events_support import EventPageFactory
from tests.editorial.opportunity_support import OpportunityPageFactory
from tests.factories import NewsPageFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics() -> tuple[Topic, Topic]:
    return TopicFactory(name="Recycling", slug="t-recycling"), TopicFactory(
        name="Solid state", slug="t-solid-state"
    )


def reader(email: str = "ana@uni.example.org", *, topics=(), **fields) -> Subscriber:
    fields.setdefault("status", SubscriberStatus.SUBSCRIBED)
    fields.setdefault("digest", True)
    subscriber = Subscriber.objects.create(email=email, **fields)
    subscriber.topics.set(topics)
    return subscriber


def published(page, days_ago: float):
    """Pretend `page` was first published `days_ago` days ago (the factories publish
    without a revision, so they leave `first_published_at` empty)."""
    when = timezone.now() - timedelta(days=days_ago, seconds=1)
    type(page).objects.filter(pk=page.pk).update(first_published_at=when)
    page.first_published_at = when
    return page


def news(title: str, *topics: Topic) -> NewsPage:
    page = NewsPageFactory(title=title)
    page.topics.set(topics)
    page.save()
    return published(page, 0)


def opportunity(**kwargs) -> OpportunityPage:
    return published(OpportunityPageFactory(**kwargs), 0)


def upcoming_event(**kwargs) -> EventPage:
    start = timezone.now() + timedelta(days=20)
    return published(EventPageFactory(start=start, end=start + timedelta(hours=2), **kwargs), 0)


def titles(content) -> set[str]:
    return {p.title for p in [*content.news, *content.opportunities, *content.events]}


# --- selection -------------------------------------------------------------------------


def test_a_digest_holds_the_new_items_of_the_persons_topics(topics):
    recycling, solid = topics
    ana = reader(topics=[recycling])
    news("Recycling plant opens", recycling)
    news("Solid-state record", solid)
    opportunity(title="Recycling fellowship", topics=[recycling])
    upcoming_event(title="Recycling seminar", topics=[recycling])
    published(news("Old recycling news", recycling), days_ago=9)

    content = digest.for_subscriber(ana)

    assert titles(content) == {"Recycling plant opens", "Recycling fellowship", "Recycling seminar"}


def test_since_the_last_digest_and_never_more_than_a_week_back(topics):
    recycling, _ = topics
    ana = reader(topics=[recycling])
    published(news("Five days old", recycling), days_ago=5)
    published(news("One day old", recycling), days_ago=1)
    assert titles(digest.for_subscriber(ana)) == {"Five days old", "One day old"}

    DigestSend.objects.create(
        subscriber=ana,
        iso_year=2000,
        iso_week=1,
        state=DigestState.SENT,
        sent_at=timezone.now() - timedelta(days=3),
    )
    assert titles(digest.for_subscriber(ana)) == {"One day old"}


def test_closed_opportunities_past_events_and_other_countries_and_stages_are_left_out(topics):
    recycling, _ = topics
    ana = reader(topics=[recycling], country="CL", career_stage="doctoral")
    opportunity(title="Open to Chile", topics=[recycling], eligible_countries=["CL"])
    opportunity(title="Only Mexico", topics=[recycling], eligible_countries=["MX"])
    opportunity(title="Seniors only", topics=[recycling], career_stages=["senior"])
    opportunity(title="Closed", topics=[recycling], closes_at=timezone.now() - timedelta(hours=1))
    start = timezone.now() - timedelta(days=2)
    published(
        EventPageFactory(
            title="Over", topics=[recycling], start=start, end=start + timedelta(hours=1)
        ),
        0,
    )

    assert titles(digest.for_subscriber(ana)) == {"Open to Chile"}


def test_a_sub_topic_matches_and_no_topics_means_everything(topics):
    recycling, solid = topics
    child = TopicFactory(name="Hydrometallurgy", slug="t-hydro", parent=recycling)
    news("Leaching news", child)
    news("Solid news", solid)

    assert titles(digest.for_subscriber(reader(topics=[recycling]))) == {"Leaching news"}
    assert titles(digest.for_subscriber(reader("b@x.example.org"))) == {
        "Leaching news",
        "Solid news",
    }


# --- local sending ---------------------------------------------------------------------


def test_one_email_per_person_in_their_language_with_one_click_headers(topics):
    recycling, _ = topics
    reader(topics=[recycling], language="es")
    news("Recycling plant opens", recycling)

    report = send_digests()

    assert report.sent == 1
    [message] = mail.outbox
    assert message.to == ["ana@uni.example.org"]
    assert message.subject == "Tu resumen semanal: lo nuevo para ti"
    assert "Recycling plant opens" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/es/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert 'lang="es"' in html
    row = DigestSend.objects.get()
    assert row.state == DigestState.SENT and row.items == 1


def test_at_most_one_digest_a_week_even_with_something_new_later(topics):
    recycling, _ = topics
    reader(topics=[recycling])
    news("First", recycling)
    send_digests()
    news("Second", recycling)

    report = send_digests()

    assert len(mail.outbox) == 1
    assert report.sent == 0


def test_the_database_refuses_a_second_row_for_the_same_week(topics):
    ana = reader()
    DigestSend.objects.create(subscriber=ana, iso_year=2026, iso_week=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestSend.objects.create(subscriber=ana, iso_year=2026, iso_week=10)


def test_a_concurrent_run_that_claimed_the_person_first_wins(topics):
    """Another run inserted the week's row between the listing and the send."""
    recycling, _ = topics
    ana = reader(topics=[recycling])
    news("First", recycling)
    year, week = digest.iso_week(timezone.now())
    from newsletter.issues import digest_sending

    real = digest_sending.recipients

    def listing_then_claimed_elsewhere(y, w):
        people = list(real(y, w))
        DigestSend.objects.create(subscriber=ana, iso_year=year, iso_week=week)
        return people

    digest_sending.recipients = listing_then_claimed_elsewhere
    try:
        report = send_digests()
    finally:
        digest_sending.recipients = real
    assert mail.outbox == []
    assert report.already == 1


def test_unsubscribed_people_and_those_who_did_not_opt_in_get_nothing(topics):
    recycling, _ = topics
    left = reader("left@x.example.org", topics=[recycling])
    services.unsubscribe(left, "test")
    reader("pending@x.example.org", topics=[recycling], status=SubscriberStatus.PENDING)
    reader("no@x.example.org", topics=[recycling], digest=False)
    news("First", recycling)

    send_digests()

    assert mail.outbox == []


def test_nobody_is_mailed_when_nothing_matches(topics):
    recycling, solid = topics
    reader(topics=[recycling])
    news("Solid news", solid)

    report = send_digests()

    assert mail.outbox == [] and report.nothing_new == 1
    assert not DigestSend.objects.exists()


def test_a_refused_message_is_not_recorded_so_the_next_run_tries_again(topics, settings):
    recycling, _ = topics
    reader(topics=[recycling])
    news("First", recycling)
    settings.EMAIL_BACKEND = "tests.newsletter.test_digest.BrokenBackend"
    report = send_digests()
    assert report.failed == 1 and not DigestSend.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests().sent == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_command_reports_progress_and_a_summary(topics, capsys):
    recycling, _ = topics
    reader(topics=[recycling])
    news("First", recycling)

    call_command("send_digests")

    out, err = capsys.readouterr()
    assert "sent 1" in out and "Digests: 1 of 1" in err


def test_the_task_sends_them_too(topics):
    from newsletter.issues.tasks import send_digests as task

    recycling, _ = topics
    reader(topics=[recycling])
    news("First", recycling)
    result = task.enqueue()
    assert result.return_value["sent"] == 1


# --- opting in -------------------------------------------------------------------------


def test_the_opt_in_is_off_by_default_and_recorded_with_its_time(client):
    services.subscribe("ana@uni.example.org", topics=[])
    ana = Subscriber.objects.get()
    assert ana.digest is False and ana.digest_consent_at is None

    services.update_preferences(ana, digest=True, country="CL", career_stage="doctoral")
    ana.refresh_from_db()
    assert ana.digest is True and ana.digest_consent_at is not None
    assert str(ana.country) == "CL" and ana.career_stage == "doctoral"


def test_the_preferences_page_offers_the_digest(client):
    from newsletter.tokens import make_manage_token

    ana = reader(digest=False)
    url = reverse("newsletter:preferences", args=[make_manage_token(ana)])
    page = client.get(url)
    assert "Also send me a weekly digest" in page.content.decode()

    client.post(url, {"language": "en", "digest": "on", "country": "BR", "career_stage": ""})
    ana.refresh_from_db()
    assert ana.digest and str(ana.country) == "BR"


def test_the_signup_page_offers_it_in_spanish(client):
    page = client.get("/es/newsletter/")
    assert "resumen semanal" in page.content.decode()


# --- the admin preview -----------------------------------------------------------------


def test_editors_who_may_see_subscribers_preview_a_digest(client, django_user_model, topics):
    from django.contrib.auth.models import Permission

    recycling, _ = topics
    ana = reader(topics=[recycling])
    news("Recycling plant opens", recycling)
    url = reverse("newsletter_digest_preview", args=[ana.pk])

    user = django_user_model.objects.create_user(username="ed", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(url).status_code in (302, 403)  # Wagtail turns the 403 into a redirect

    user.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    assert "Recycling plant opens" in page.content.decode()
    assert "Recycling plant opens" in client.get(url + "?format=email").content.decode()
    assert mail.outbox == [] and not DigestSend.objects.exists()


def test_the_subscriber_listing_links_to_the_preview(admin_client):
    ana = reader()
    listing = admin_client.get(reverse("newsletter_subscribers:index"))
    assert reverse("newsletter_digest_preview", args=[ana.pk]) in listing.content.decode()
