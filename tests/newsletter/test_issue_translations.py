"""A translated issue, sent by the site itself: one message per subscriber, in their language.

An issue is written in English and translated like any page (one page per locale).
Sending the English issue freezes every *published* translation with it; each
subscriber then receives exactly one message, the version in their language,
or English when there is none.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from newsletter.issues import services
from newsletter.issues.campaigns import CampaignError
from newsletter.issues.campaigns.local import LocalBackend
from newsletter.issues.models import Delivery, Dispatch, DispatchState, unsent_issues
from newsletter.models import Subscriber, SubscriberStatus
from tests.factories import NewsPageFactory
from tests.newsletter.issue_support import NewsletterIssuePageFactory, translate

pytestmark = pytest.mark.django_db


def reader(email: str, language: str) -> Subscriber:
    return Subscriber.objects.create(
        email=email, language=language, status=SubscriberStatus.SUBSCRIBED
    )


@pytest.fixture
def readers() -> dict[str, Subscriber]:
    return {
        "en": reader("ana@uni.example.org", "en"),
        "es": reader("beto@uni.example.org", "es"),
        "pt": reader("carla@uni.example.org", "pt"),
    }


@pytest.fixture
def news():
    story = NewsPageFactory(title="Sodium cells scale up")
    translate(story, "es", title="Las celdas de sodio crecen")
    return story


@pytest.fixture
def issue(news):
    return NewsletterIssuePageFactory(
        title="June issue",
        subject="Batteries in June",
        introduction="<p>Welcome to the June issue.</p>",
        news=[news],
    )


@pytest.fixture
def spanish(issue):
    return translate(
        issue,
        "es",
        title="Número de junio",
        subject="Baterías en junio",
        introduction="<p>Bienvenidos al número de junio.</p>",
    )


def send(issue) -> Dispatch:
    dispatch = services.send_now(issue, enqueue=False)
    LocalBackend().deliver(Dispatch.objects.get(pk=dispatch.pk))
    return Dispatch.objects.get(pk=dispatch.pk)


def message_to(address: str) -> mail.EmailMultiAlternatives:
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, f"{address} got {len(found)} messages"
    return found[0]


def html_of(message) -> str:
    return next(body for body, mime in message.alternatives if mime == "text/html")


def test_each_reader_gets_one_message_in_their_language_with_english_fallback(
    readers, issue, spanish
) -> None:
    dispatch = send(issue)

    assert dispatch.state == DispatchState.SENT
    assert len(mail.outbox) == 3  # one each, not one per language
    assert Delivery.objects.filter(issue=issue).count() == 3

    spanish_mail = message_to("beto@uni.example.org")
    assert spanish_mail.subject == "Baterías en junio"
    assert "Bienvenidos al número de junio." in spanish_mail.body
    assert "Las celdas de sodio crecen" in spanish_mail.body  # the story's translation
    assert "Leer más" in spanish_mail.body  # the e-mail's own words too
    assert '<html lang="es">' in html_of(spanish_mail)
    assert "/es/newsletter/preferences/" in spanish_mail.body  # the footer follows

    english_mail = message_to("ana@uni.example.org")
    assert english_mail.subject == "Batteries in June"
    assert "Sodium cells scale up" in english_mail.body
    assert '<html lang="en">' in html_of(english_mail)

    # No Portuguese translation: the Portuguese reader gets English, in one language
    # throughout (footer included), not a Portuguese footer under an English text.
    portuguese_mail = message_to("carla@uni.example.org")
    assert portuguese_mail.subject == "Batteries in June"
    assert '<html lang="en">' in html_of(portuguese_mail)
    assert "/pt-br/" not in portuguese_mail.body
    assert "Unsubscribe now" in portuguese_mail.body


def test_running_again_sends_nothing_more(readers, issue, spanish) -> None:
    dispatch = send(issue)
    LocalBackend().deliver(dispatch)
    assert len(mail.outbox) == 3


def test_an_unpublished_translation_is_not_sent(readers, issue) -> None:
    translate(issue, "es", subject="Borrador a medias", publish=False)
    send(issue)
    assert message_to("beto@uni.example.org").subject == "Batteries in June"
    assert not any("Borrador" in m.subject for m in mail.outbox)


def test_the_language_is_the_one_the_reader_has_when_their_message_goes(
    readers, issue, spanish
) -> None:
    dispatch = services.send_now(issue, enqueue=False)  # frozen: both languages
    Subscriber.objects.filter(email="ana@uni.example.org").update(language="es")
    LocalBackend().deliver(Dispatch.objects.get(pk=dispatch.pk))
    assert message_to("ana@uni.example.org").subject == "Baterías en junio"


def test_the_translation_is_frozen_with_the_english_issue(readers, issue, spanish) -> None:
    dispatch = services.send_now(issue, enqueue=False)
    spanish.subject = "Cambiado después"
    spanish.save_revision().publish()
    LocalBackend().deliver(Dispatch.objects.get(pk=dispatch.pk))
    assert message_to("beto@uni.example.org").subject == "Baterías en junio"
    assert [e.language for e in dispatch.editions.all()] == ["es"]


def test_a_test_in_spanish(readers, issue, spanish) -> None:
    services.send_test(issue, email="editor@uni.example.org", language="es")
    (message,) = mail.outbox
    assert message.subject == "[Test] Baterías en junio"
    assert '<html lang="es">' in html_of(message)


def test_a_translation_is_not_sent_on_its_own(readers, issue, spanish) -> None:
    with pytest.raises(CampaignError, match="translation"):
        services.send_now(spanish, enqueue=False)
    with pytest.raises(CampaignError, match="translation"):
        services.send_test(spanish, email="editor@uni.example.org")
    assert not Dispatch.objects.exists()


def test_the_translation_is_public_only_once_the_issue_is_sent(
    readers, issue, spanish, client: Client
) -> None:
    assert spanish in unsent_issues()
    assert client.get(spanish.url).status_code == 404
    send(issue)
    assert spanish not in unsent_issues()
    page = client.get(spanish.url)
    assert page.status_code == 200
    assert "Baterías en junio" in page.content.decode()
    archive = client.get(spanish.get_parent().url).content.decode()
    assert re.search(r"Baterías en junio</a> · <time", archive)  # dated by the English send
