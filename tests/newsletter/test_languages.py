"""Every e-mail in its recipient's language, and the public pages in the page's.

A subscriber's language is `en`, `es` or `pt` (Mailchimp's codes); the interface
speaks `en`, `es`, `pt-br`, with Spanish and Portuguese pages under /es/ and
/pt-br/. The confirmation, "already subscribed" and address-change messages,
and every list e-mail's footer, come in the subscriber's language: subject,
body, `lang` attribute, and links that open the pages in that language.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from newsletter import emails, services
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.tokens import make_manage_token

pytestmark = pytest.mark.django_db

BASE = "https://battery.example"


@pytest.fixture(autouse=True)
def _site(settings):
    cache.clear()
    settings.WAGTAILADMIN_BASE_URL = BASE
    yield
    cache.clear()


def html_of(message) -> str:
    return next(body for body, mime in message.alternatives if mime == "text/html")


def person(language: str, status: str = SubscriberStatus.PENDING, **fields) -> Subscriber:
    return Subscriber.objects.create(
        email=f"{language}@uni.example.org", language=language, status=status, **fields
    )


CONFIRMATION = {
    "en": ("Please confirm your subscription", '<html lang="en">', "/newsletter/confirm/"),
    "es": ("Confirma tu suscripción al boletín", '<html lang="es">', "/es/newsletter/confirm/"),
    "pt": ("Confirme sua assinatura da newsletter", '<html lang="pt-BR">', "/pt-br/newsletter/"),
}


@pytest.mark.parametrize("language", ["en", "es", "pt"])
def test_confirmation_in_the_subscribers_language(language) -> None:
    subscriber = person(language)
    emails.send_confirmation_email(subscriber, consent_text="Consentimiento tal cual")
    (message,) = mail.outbox
    subject, lang, link = CONFIRMATION[language]
    assert message.subject.startswith(subject)
    assert lang in html_of(message)
    assert f"{BASE}{link}" in message.body
    assert "Consentimiento tal cual" in message.body  # the consent quoted as it was shown
    if language == "es":
        assert "Confirmar mi suscripción" in html_of(message)
        assert "Recibes este correo de la lista" in message.body  # the footer too
        assert "/es/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    if language == "en":
        assert f"{BASE}/newsletter/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_already_subscribed_notice_in_portuguese() -> None:
    subscriber = person("pt", SubscriberStatus.SUBSCRIBED)
    emails.send_already_subscribed_email(subscriber)
    (message,) = mail.outbox
    assert message.subject == (
        "Você já assina a newsletter da Rede de Baterias Reino Unido–América Latina"
    )
    assert "Mudar seus temas ou idioma" in html_of(message)
    assert '<html lang="pt-BR">' in html_of(message)
    assert f"{BASE}/pt-br/newsletter/preferences/" in message.body


def test_address_change_in_spanish() -> None:
    subscriber = person("es", SubscriberStatus.SUBSCRIBED, pending_email="nuevo@litio.cl")
    emails.send_address_change_email(subscriber)
    (message,) = mail.outbox
    assert message.to == ["nuevo@litio.cl"]
    assert message.subject.startswith("Confirma tu dirección")
    assert "Confirmar esta dirección" in html_of(message)
    assert re.search(rf"{BASE}/es/newsletter/confirm-address/\S+/", message.body)


def test_sign_up_mail_follows_a_language_changed_since() -> None:
    services.subscribe("ana@uni.example.org", language="es", consent_text="Texto")
    Subscriber.objects.filter(email="ana@uni.example.org").update(
        language="en", status=SubscriberStatus.SUBSCRIBED
    )
    services.subscribe("ana@uni.example.org", consent_text="Text")
    assert mail.outbox[-1].subject.startswith("You're already subscribed")


def test_list_email_footer_in_the_subscribers_language_or_the_bodys() -> None:
    subscriber = person("es", SubscriberStatus.SUBSCRIBED)
    emails.send_list_email(subscriber, "Asunto", "Cuerpo")
    assert "Darme de baja ahora" in mail.outbox[-1].body
    assert '<html lang="es">' in html_of(mail.outbox[-1])
    emails.send_list_email(subscriber, "Subject", "Body", language="en")
    assert "Unsubscribe now" in mail.outbox[-1].body
    assert "/es/" not in mail.outbox[-1].body


# --- the public pages ------------------------------------------------------------


def test_the_sign_up_page_in_spanish_chooses_spanish(client) -> None:
    page = client.get("/es/newsletter/").content.decode()
    assert "Suscríbete al boletín" in page
    assert 'value="es" required' not in page  # the language stays optional
    assert re.search(r'<input type="radio" name="language" value="es"[^>]* checked', page)
    assert "Al suscribirte aceptas recibir" in page  # the consent text, as shown


@pytest.mark.parametrize(
    ("prefix", "language", "consent"),
    [("", "en", "By subscribing"), ("/es", "es", "Al suscribirte"), ("/pt-br", "pt", "Ao se")],
)
def test_a_footer_sign_up_takes_the_pages_language(client, prefix, language, consent) -> None:
    response = client.post(
        f"{prefix}/newsletter/subscribe/",
        {"kind": "footer", "email": "nueva@litio.cl", "source": f"{prefix}/"},
    )
    assert response.status_code == 302 and response["Location"] == f"{prefix}/newsletter/thanks/"
    subscriber = Subscriber.objects.get(email="nueva@litio.cl")
    assert subscriber.language == language
    assert subscriber.consents.get().text.startswith(consent)  # recorded as it was shown
    network = {"en": "UK–LatAm Battery Network", "es": "la Red de", "pt": "da Rede de"}
    assert network[language] in mail.outbox[0].subject


def test_a_full_sign_up_on_spanish_pages_may_still_choose_english(client) -> None:
    client.post(
        "/es/newsletter/subscribe/",
        {"kind": "page", "email": "ana@litio.cl", "language": "en", "source": "/es/newsletter/"},
    )
    assert Subscriber.objects.get(email="ana@litio.cl").language == "en"


def test_the_preferences_and_unsubscribe_pages_in_portuguese(client) -> None:
    subscriber = person("pt", SubscriberStatus.SUBSCRIBED)
    token = make_manage_token(subscriber)
    page = client.get(f"/pt-br/newsletter/preferences/{token}/").content.decode()
    assert "Suas preferências da newsletter" in page
    assert "Temas do seu interesse" in page
    response = client.post(f"/pt-br/newsletter/preferences/{token}/", {"language": "es"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.language == "es"
    page = client.get(f"/pt-br/newsletter/unsubscribe/{token}/").content.decode()
    assert "Cancelar a assinatura da newsletter" in page
    client.post(f"/pt-br/newsletter/unsubscribe/{token}/")
    page = client.get(f"/pt-br/newsletter/unsubscribe/{token}/").content.decode()
    assert "Sua assinatura foi cancelada" in page


def test_the_confirmation_and_link_pages_in_spanish(client) -> None:
    subscriber = person("es")
    emails.send_confirmation_email(subscriber, consent_text="Texto")
    link = re.search(rf"{BASE}(/es/newsletter/confirm/\S+/)", mail.outbox[0].body).group(1)
    assert "Confirmar mi suscripción" in client.get(link).content.decode()
    assert "Suscripción confirmada" in client.post(link).content.decode()
    bad = client.get("/es/newsletter/confirm/not-a-token/")
    assert bad.status_code == 400
    assert "Este enlace no se puede usar" in bad.content.decode()
    assert "Este enlace no es válido" in bad.content.decode()


def test_validation_errors_in_the_pages_language(client) -> None:
    page = client.post(
        "/es/newsletter/subscribe/", {"kind": "page", "email": "no es una dirección"}
    ).content.decode()
    assert "Hay un problema" in page
    assert "Escribe una dirección de correo con el formato nombre@ejemplo.org." in page
