"""Subscribers, tokens and the domain operations in newsletter.services."""

from __future__ import annotations

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.db import IntegrityError, transaction

from newsletter import services, tokens
from newsletter.models import (
    Consent,
    ConsentKind,
    Subscriber,
    SubscriberStatus,
    subscriber_changed,
    subscriber_erased,
)
from newsletter.services import ConfirmOutcome, SubscribeOutcome
from tests.factories import ResearcherPageFactory, TopicFactory

pytestmark = pytest.mark.django_db

CONSENT = "I agree to receive the newsletter (test wording)."


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def changes():
    """Every subscriber_changed sent during the test, as kwargs dicts."""
    seen: list[dict] = []

    def receiver(sender, **kwargs):
        seen.append({"sender": sender, **kwargs})

    subscriber_changed.connect(receiver, dispatch_uid="test-subscriber-changed")
    yield seen
    subscriber_changed.disconnect(dispatch_uid="test-subscriber-changed")


def make_subscriber(email: str = "ana@example.org", status: str = SubscriberStatus.SUBSCRIBED):
    return Subscriber.objects.create(email=email, status=status)


def sign_up(email: str = "ana@example.org", **kwargs) -> services.SubscribeResult:
    kwargs.setdefault("consent_text", CONSENT)
    kwargs.setdefault("ip", "203.0.113.7")
    kwargs.setdefault("source_url", "http://testserver/news/")
    return services.subscribe(email, **kwargs)


# --- the model: normalised, unique case-insensitively ------------------------


def test_address_is_stored_normalised():
    subscriber = Subscriber.objects.create(email="  Ana@Example.ORG ")
    assert subscriber.email == "ana@example.org"
    assert Subscriber.objects.for_email("ANA@example.org").get() == subscriber


def test_database_rejects_the_same_address_in_another_case():
    Subscriber.objects.create(email="ana@example.org")
    # bulk_create skips save(), so only the database constraint stands in the way.
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.bulk_create([Subscriber(email="Ana@Example.org")])


def test_signing_up_in_two_cases_is_one_subscriber():
    sign_up("Ana@Example.org")
    sign_up("ana@example.org")
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().email == "ana@example.org"


# --- sign-up -----------------------------------------------------------------


def test_new_address_becomes_pending_with_consent_and_confirmation(changes):
    topic = TopicFactory()
    result = sign_up(
        "new@example.org", first_name="Ana", last_name="Pérez", language="es", topics=[topic]
    )
    subscriber = result.subscriber
    assert result.outcome is SubscribeOutcome.CREATED and result.email_sent
    assert subscriber.status == SubscriberStatus.PENDING
    assert (subscriber.first_name, subscriber.last_name, subscriber.language) == (
        "Ana",
        "Pérez",
        "es",
    )
    assert list(subscriber.topics.all()) == [topic]
    consent = subscriber.consents.get()
    assert consent.kind == ConsentKind.SIGNUP
    assert consent.text == CONSENT
    assert consent.ip_address == "203.0.113.7"
    assert consent.source_url == "http://testserver/news/"
    assert consent.given_at is not None
    assert len(mail.outbox) == 1
    assert "/newsletter/confirm/" in mail.outbox[0].body
    assert changes == [
        {
            "sender": Subscriber,
            "signal": subscriber_changed,
            "subscriber": subscriber,
            "previous_email": None,
            "confirmed": None,
        }
    ]


def test_second_sign_up_while_pending_resends_and_keeps_earlier_choices(changes):
    topic = TopicFactory()
    sign_up(language="pt", topics=[topic])
    # The footer form asks only for the address: None means "not asked".
    result = sign_up()
    assert result.outcome is SubscribeOutcome.RESENT
    assert result.subscriber.status == SubscriberStatus.PENDING
    assert result.subscriber.language == "pt"
    assert list(result.subscriber.topics.all()) == [topic]
    assert len(mail.outbox) == 2
    assert all("/newsletter/confirm/" in message.body for message in mail.outbox)
    assert result.subscriber.consents.filter(kind=ConsentKind.SIGNUP).count() == 2
    assert len(changes) == 2


def test_sign_up_when_already_subscribed_changes_nothing_and_mails_preferences(changes):
    subscriber = make_subscriber()
    subscriber.first_name = "Ana"
    subscriber.save()
    result = sign_up(first_name="Mallory", language="pt")
    subscriber.refresh_from_db()
    assert result.outcome is SubscribeOutcome.ALREADY_SUBSCRIBED
    assert (subscriber.status, subscriber.first_name, subscriber.language) == (
        SubscriberStatus.SUBSCRIBED,
        "Ana",
        "en",
    )
    assert not subscriber.consents.exists()
    assert changes == []
    assert len(mail.outbox) == 1
    assert "already subscribed" in mail.outbox[0].body
    assert "/newsletter/preferences/" in mail.outbox[0].body
    assert "/newsletter/confirm/" not in mail.outbox[0].body


@pytest.mark.parametrize("status", [SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CLEANED])
def test_someone_who_left_goes_back_through_double_opt_in(status, changes):
    subscriber = make_subscriber(status=status)
    result = sign_up()
    subscriber.refresh_from_db()
    assert result.outcome is SubscribeOutcome.REOPTIN
    assert subscriber.status == SubscriberStatus.PENDING  # never straight to subscribed
    assert "/newsletter/confirm/" in mail.outbox[0].body
    assert len(changes) == 1


def test_with_mailchimp_the_confirmation_is_mailchimps(monkeypatch, changes):
    """The sync puts the member in Mailchimp as pending; Mailchimp sends the opt-in e-mail."""
    monkeypatch.setattr(services, "local_list", lambda: False)
    result = sign_up()
    assert result.subscriber.status == SubscriberStatus.PENDING
    assert mail.outbox == []
    assert len(changes) == 1


def test_language_hint_only_for_new_subscribers():
    assert sign_up(language_hint="es").subscriber.language == "es"
    assert sign_up(language_hint="pt").subscriber.language == "es"


def test_sign_up_e_mail_is_capped_per_address(settings):
    settings.NEWSLETTER_ADDRESS_RATE = (3, 3600)
    results = [sign_up() for _ in range(5)]
    assert [r.email_sent for r in results] == [True, True, True, False, False]
    assert len(mail.outbox) == 3
    assert {r.outcome for r in results[1:]} == {SubscribeOutcome.RESENT}


def test_mail_server_failure_does_not_break_sign_up(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("newsletter.emails.send_confirmation_email", broken)
    result = sign_up()
    assert result.subscriber.status == SubscriberStatus.PENDING
    assert result.email_sent is False


# --- confirmation --------------------------------------------------------------


def test_confirmation_subscribes_and_records_consent(changes):
    subscriber = sign_up().subscriber
    token = tokens.make_confirmation_token(subscriber)
    result = services.confirm(token, ip="198.51.100.1", source_url="http://testserver/c/")
    subscriber.refresh_from_db()
    assert result.outcome is ConfirmOutcome.CONFIRMED
    assert subscriber.status == SubscriberStatus.SUBSCRIBED
    assert subscriber.confirmed_at is not None
    consent = subscriber.consents.filter(kind=ConsentKind.CONFIRMATION).get()
    assert CONSENT in consent.text
    assert consent.ip_address == "198.51.100.1"
    assert changes[-1]["confirmed"] is True

    again = services.confirm(token)
    assert again.outcome is ConfirmOutcome.ALREADY_SUBSCRIBED
    assert subscriber.consents.filter(kind=ConsentKind.CONFIRMATION).count() == 1


def test_expired_confirmation_changes_nothing(clock):
    subscriber = sign_up().subscriber
    token = tokens.make_confirmation_token(subscriber)
    clock.shift(tokens.CONFIRMATION_MAX_AGE.total_seconds() + 86400)
    with pytest.raises(tokens.ExpiredToken):
        services.confirm(token)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_tampered_confirmation_changes_nothing():
    subscriber = sign_up().subscriber
    token = tokens.make_confirmation_token(subscriber)
    other = make_subscriber("other@example.org", SubscriberStatus.PENDING)
    forged_payload = signing.b64_encode(f'[{other.pk},"x"]'.encode()).decode()
    for bad in (token[:-2] + "xx", forged_payload + token[token.index(":") :], "nonsense"):
        with pytest.raises(tokens.BadToken):
            services.confirm(bad)
    assert set(Subscriber.objects.values_list("status", flat=True)) == {SubscriberStatus.PENDING}


def test_old_confirmation_link_never_resubscribes_someone_who_left():
    subscriber = sign_up().subscriber
    token = tokens.make_confirmation_token(subscriber)
    services.unsubscribe(subscriber, "test")
    result = services.confirm(token)
    subscriber.refresh_from_db()
    assert result.outcome is ConfirmOutcome.NOT_PENDING
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_tokens_are_bound_to_address_and_purpose():
    subscriber = make_subscriber()
    manage = tokens.make_manage_token(subscriber)
    confirm = tokens.make_confirmation_token(subscriber)
    assert tokens.read_manage_token(manage) == subscriber
    with pytest.raises(tokens.BadToken):
        tokens.read_manage_token(confirm)  # another salt
    with pytest.raises(tokens.BadToken):
        tokens.read_confirmation_token(manage)
    assert subscriber.email not in manage  # the address never travels in clear
    subscriber.email = "ana.new@example.org"
    subscriber.save()
    with pytest.raises(tokens.StaleToken):
        tokens.read_manage_token(manage)


def test_manage_tokens_are_long_lived_unless_configured(clock, settings):
    subscriber = make_subscriber()
    token = tokens.make_manage_token(subscriber)
    clock.shift(3 * 365 * 86400)
    assert tokens.read_manage_token(token) == subscriber
    settings.NEWSLETTER_MANAGE_TOKEN_MAX_AGE = 365 * 86400
    with pytest.raises(tokens.ExpiredToken):
        tokens.read_manage_token(token)


# --- preferences, unsubscribe, erasure -----------------------------------------


def test_update_preferences_sends_changed_only_on_change(changes):
    subscriber = make_subscriber()
    topic = TopicFactory()
    assert services.update_preferences(subscriber, language="pt", topics=[topic]) is True
    subscriber.refresh_from_db()
    assert subscriber.language == "pt"
    assert list(subscriber.topics.all()) == [topic]
    assert subscriber.status == SubscriberStatus.SUBSCRIBED
    assert len(changes) == 1
    assert services.update_preferences(subscriber, language="pt", topics=[topic]) is False
    assert len(changes) == 1


def test_unsubscribe_records_withdrawal_and_signals(changes):
    subscriber = make_subscriber()
    assert services.unsubscribe(subscriber, "one-click", ip="192.0.2.1") is True
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    withdrawal = subscriber.consents.get(kind=ConsentKind.WITHDRAWAL)
    assert "one-click" in withdrawal.text
    assert changes[-1]["subscriber"].pk == subscriber.pk
    assert services.unsubscribe(subscriber, "again") is False
    assert len(changes) == 1


def test_erase_signals_first_then_deletes_everything():
    subscriber = sign_up().subscriber
    seen = []

    def receiver(sender, email, subscriber, **kwargs):
        seen.append((email, Subscriber.objects.filter(pk=subscriber.pk).exists()))

    subscriber_erased.connect(receiver, dispatch_uid="test-erased")
    try:
        services.erase(subscriber)
    finally:
        subscriber_erased.disconnect(dispatch_uid="test-erased")
    assert seen == [("ana@example.org", True)]
    assert not Subscriber.objects.exists()
    assert not Consent.objects.exists()


# --- the researcher profile link -----------------------------------------------


def test_subscriber_is_linked_to_the_profile_with_the_same_address():
    researcher = ResearcherPageFactory(email="maria@uni.example.org")
    subscriber = sign_up("Maria@Uni.Example.org").subscriber
    assert subscriber.researcher_id == researcher.pk


def test_profile_created_or_changed_later_links_and_unlinks(changes):
    subscriber = make_subscriber("jose@uni.example.org")
    researcher = ResearcherPageFactory(email="jose@uni.example.org")
    subscriber.refresh_from_db()
    assert subscriber.researcher_id == researcher.pk
    assert changes and changes[-1]["subscriber"].pk == subscriber.pk

    researcher.email = "jose.perez@uni.example.org"
    researcher.save()
    subscriber.refresh_from_db()
    assert subscriber.researcher_id is None
