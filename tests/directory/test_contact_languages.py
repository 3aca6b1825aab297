"""Contact-form e-mails in the researcher's language; the form in the sender's (issue 9,
point 8)."""

import re

import pytest
from django.core.cache import cache

from directory.models import Language
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache(clock):
    cache.clear()
    yield
    cache.clear()


def post(client, page, prefix: str = "", **changes) -> None:
    data = {
        "name": "Ana Souza",
        "email": "ana.souza@example.org",
        "subject": "",
        "message": "Hello, I would like to talk about brines and sorbents.",
        "website": "",
        **changes,
    }
    response = client.post(f"{prefix}/directory/contact/{page.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:500]


def test_the_email_is_in_the_researchers_preferred_language(client, mailoutbox):
    page = ResearcherPageFactory(
        slug="lucia", given_name="Lucía", email="lucia@uni.example.cl", preferred_language="es"
    )
    post(client, page)  # the sender reads the site in English
    mail = mailoutbox[0]
    assert mail.subject == "[Red de Baterías Reino Unido–América Latina] Mensaje de Ana Souza"
    assert mail.extra_headers["Content-Language"] == "es"
    assert "Ana Souza te envió este mensaje a través del formulario de contacto" in mail.body
    assert "http://testserver/es/directory/lucia/" in mail.body
    assert "responde a este correo" in mail.body
    report = re.search(r"http://testserver(/\S+/directory/contact/report/\S+/)", mail.body)
    assert report and report.group(1).startswith("/es/directory/contact/report/")
    # The report page opens in her language too.
    html = client.get(report.group(1)).content.decode()
    assert "¿quieres denunciar este mensaje como abusivo o spam?" in html


def test_without_a_preference_the_languages_spoken_decide(client, mailoutbox):
    page = ResearcherPageFactory(
        slug="joao",
        email="joao@uni.example.br",
        country="BR",
        languages=[Language.objects.get(code="pt"), Language.objects.get(code="en")],
    )
    post(client, page, prefix="/es", subject="Sorbentes")  # the sender reads Spanish
    mail = mailoutbox[0]
    assert mail.subject == "[Rede de Baterias Reino Unido–América Latina] Sorbentes"
    assert "enviou esta mensagem pelo formulário de contato" in mail.body
    assert "http://testserver/pt-br/directory/joao/" in mail.body


def test_an_english_speaker_gets_english_whatever_the_sender_reads(client, mailoutbox):
    page = ResearcherPageFactory(slug="tom", email="tom@uni.example.ac.uk", preferred_language="en")
    post(client, page, prefix="/pt-br")
    mail = mailoutbox[0]
    assert mail.subject == "[UK–LatAm Battery Network] Message from Ana Souza"
    assert "sent you this message through the contact form" in mail.body
    assert "http://testserver/directory/tom/" in mail.body


def test_the_sender_reads_the_form_and_its_errors_in_their_language(client, mailoutbox):
    page = ResearcherPageFactory(slug="tom", given_name="Tom", email="tom@uni.example.ac.uk")
    html = client.get(f"/es/directory/contact/{page.pk}/").content.decode()
    assert "Contactar a" in html
    assert "Tu correo electrónico" in html
    assert "Enviar mensaje" in html
    assert 'href="/es/directory/tom/"' in html  # back to the profile, still in Spanish

    response = client.post(
        f"/pt-br/directory/contact/{page.pk}/",
        {"name": "", "email": "x", "message": "curta", "website": ""},
    )
    html = response.content.decode()
    assert "Informe seu nome." in html
    assert "Informe um endereço de e-mail no formato nome@exemplo.org." in html
    assert "Escreva pelo menos 20 caracteres (você escreveu 5)" in html
    assert mailoutbox == []

    post(client, page, prefix="/pt-br")
    html = client.get(f"/pt-br/directory/contact/{page.pk}/?sent=1").content.decode()
    assert "Obrigado: sua mensagem está a caminho de Tom." in html
