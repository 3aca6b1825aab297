"""The contact form on a profile: one e-mail to the researcher, their address never shown.

Every response (form, errors, redirect, thank-you note, 429) is checked for the
researcher's address; the e-mail itself is checked for recipient, Reply-To and body.
"""

import re
from html import unescape
from smtplib import SMTPException

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage
from wagtail.models import PageViewRestriction

from directory import contact
from tests.factories import ResearcherPageFactory, directory_index

pytestmark = pytest.mark.django_db

JOSE_EMAIL = "jose.perez.private@unab.example.cl"
MESSAGE = "Hola José, I read your paper on brine chemistry and would like to talk."


@pytest.fixture(autouse=True)
def _clean_cache(clock):
    """An empty cache and a still clock: the rate limits' windows can't turn mid-test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def jose():
    return ResearcherPageFactory(
        given_name="José",
        family_name="Pérez",
        title="",
        slug="jose-perez",
        email=JOSE_EMAIL,
    )


@pytest.fixture
def url(jose):
    return f"/directory/contact/{jose.pk}/"


def valid_post(**changes) -> dict[str, str]:
    data = {
        "name": "Ana Souza",
        "email": "ana.souza@example.org",
        "subject": "Brine chemistry",
        "message": MESSAGE,
        "website": "",
    }
    data.update(changes)
    return data


def assert_no_address(response) -> None:
    """Neither the researcher's address nor its domain, in the body or any header."""
    texts = [response.content.decode().lower(), *(v.lower() for v in response.headers.values())]
    for text in texts:
        assert JOSE_EMAIL not in text
        assert JOSE_EMAIL.split("@")[1] not in text
        assert "mailto:" not in text


def field_error(html: str, name: str) -> str:
    """The text of the error list tied (by id) to field `name`, checking the tie."""
    assert re.search(rf'aria-describedby="[^"]*\bid_{name}_error\b[^"]*" id="id_{name}"', html)
    match = re.search(rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, re.S)
    assert match, f"no error list for {name}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1)))


# --- The form page ------------------------------------------------------------------


def test_form_names_the_researcher_and_never_shows_the_address(client, jose, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="contact-heading">Contact José Pérez</h1>' in html
    assert f'href="{jose.url}"' in html  # back to the profile
    for name in ("name", "email", "subject", "message"):
        assert f'<label for="id_{name}">' in html
        assert f'name="{name}"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert_no_address(response)


def test_honeypot_is_hidden_from_people(client, url):
    html = client.get(url).content.decode()
    trap = re.search(r'<div class="contact-trap" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap, "the honeypot is not inside an aria-hidden container"
    assert 'name="website"' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1)
    form = re.search(r'<form [^>]*class="contact-form".*?</form>', html, re.S).group(0)
    assert form.count('name="website"') == 1  # only the trap, nowhere visible


def test_profile_links_to_the_form(client, jose, url):
    html = client.get(jose.url).content.decode()
    assert f'href="{url}"' in html
    assert ">Contact José</a>" in html


# --- Sending -------------------------------------------------------------------------


def test_valid_message_sends_one_email_to_the_researcher(client, url, mailoutbox):
    response = client.post(url, valid_post())
    assert response.status_code == 302
    assert response["Location"] == f"{url}?sent=1"
    assert_no_address(response)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [JOSE_EMAIL]
    assert mail.cc == [] and mail.bcc == []
    assert mail.reply_to == ["ana.souza@example.org"]
    assert mail.from_email == contact.settings.DEFAULT_FROM_EMAIL
    assert mail.subject == "[UK–LatAm Battery Network] Brine chemistry"
    assert mail.body.startswith(MESSAGE + "\n\n-- \n")
    assert "contact form" in mail.body
    assert "Reply-To" in mail.body
    assert "http://testserver/directory/jose-perez/" in mail.body  # the test settings' base URL


def test_the_email_links_to_the_profile_on_the_configured_base_url(
    client, url, settings, mailoutbox
):
    from django.core.management.sql import emit_post_migrate_signal

    settings.WAGTAILADMIN_BASE_URL = "https://network.example.org"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # as `migrate` does

    client.post(url, valid_post(), HTTP_HOST="127.0.0.1:8000")
    assert "https://network.example.org/directory/jose-perez/" in mailoutbox[0].body
    assert "localhost" not in mailoutbox[0].body
    assert "127.0.0.1" not in mailoutbox[0].body


def test_thank_you_page_after_the_redirect(client, url, mailoutbox):
    response = client.post(url, valid_post(), follow=True)
    assert response.redirect_chain == [(f"{url}?sent=1", 302)]
    html = response.content.decode()
    assert "your message is on its way to José" in html
    assert 'name="message"' not in html  # the note, not the form again
    assert_no_address(response)
    assert len(mailoutbox) == 1  # showing the note sends nothing more


def test_subject_defaults_to_the_senders_name(client, url, mailoutbox):
    client.post(url, valid_post(subject=""))
    assert mailoutbox[0].subject == "[UK–LatAm Battery Network] Message from Ana Souza"


def test_line_breaks_cannot_inject_headers(client, url, mailoutbox):
    response = client.post(
        url, valid_post(name="Ana\r\nBcc: victim@example.org", subject="Hi\nCc: x@example.org")
    )
    assert response.status_code == 302
    mail = mailoutbox[0]
    assert mail.subject == "[UK–LatAm Battery Network] Hi Cc: x@example.org"
    assert mail.bcc == [] and mail.cc == []
    headers = mail.message()
    assert headers["Bcc"] is None and headers["Cc"] is None
    assert "Ana Bcc: victim@example.org sent you this message" in mail.body


def test_a_line_break_counts_as_one_character(client, url, mailoutbox):
    """As the browser counts it for `maxlength`, though it submits CRLF."""
    message = "xxxx\r\n" * 1000  # 5000 characters in the browser, 6000 as submitted
    assert client.post(url, valid_post(message=message)).status_code == 302
    assert mailoutbox[0].body.startswith("xxxx\n" * 999 + "xxxx\n\n-- \n")


def test_the_senders_address_is_not_stored(client, url, mailoutbox, django_assert_max_num_queries):
    """Sending writes nothing about the message to the database: reads (the page, the
    site), and one write, the researcher's count of relayed messages ("Download my
    data" reports it)."""
    with django_assert_max_num_queries(10) as captured:
        client.post(url, valid_post())
    assert len(mailoutbox) == 1
    writes = []
    for query in captured.captured_queries:
        sql = query["sql"].lstrip().upper()
        if not sql.startswith(("SELECT", "SAVEPOINT", "RELEASE")):
            writes.append(sql)
        assert "ana.souza" not in query["sql"]
    assert len(writes) == 1
    assert writes[0].startswith("UPDATE") and "CONTACT_MESSAGES_RELAYED" in writes[0]


# --- Invalid input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"name": "  "}, "name", "Enter your name."),
        ({"email": "not-an-address"}, "email", "Enter an e-mail address in the form"),
        ({"email": ""}, "email", "Enter your e-mail address"),
        ({"message": "Too short."}, "message", "Write at least 20 characters (you wrote 10)"),
        ({"message": "x" * 5001}, "message", "Keep your message to 5000 characters"),
        ({"subject": "s" * 151}, "subject", "at most 150 characters"),
    ],
)
def test_invalid_input_shows_the_form_again_and_sends_nothing(
    client, url, mailoutbox, changes, field, error
):
    response = client.post(url, valid_post(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert error in field_error(html, field)
    assert 'role="alert"' in html and f'href="#id_{field}"' in html  # the error summary
    assert "autofocus" in re.search(rf"<[^>]* id=\"id_{field}\"[^>]*>", html).group(0)
    assert "Ana Souza" in html or field == "name"  # what they typed is kept
    assert mailoutbox == []
    assert_no_address(response)


def test_a_failed_send_keeps_the_message_and_says_so(client, url, monkeypatch, mailoutbox):
    def refuse(self, fail_silently=False):
        raise SMTPException(f"550 mailbox {JOSE_EMAIL} unavailable")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    response = client.post(url, valid_post())
    assert response.status_code == 503
    html = unescape(response.content.decode())
    assert "could not send your message" in html
    assert MESSAGE in html
    assert_no_address(response)


# --- Honeypot ------------------------------------------------------------------------


def test_honeypot_answers_like_a_success_and_sends_nothing(client, url, mailoutbox):
    caught = client.post(url, valid_post(website="https://spam.example"))
    sent = client.post(url, valid_post())
    assert caught.status_code == sent.status_code == 302
    assert caught["Location"] == sent["Location"] == f"{url}?sent=1"
    assert len(mailoutbox) == 1  # only the person's message


def test_honeypot_with_invalid_fields_still_looks_like_a_success(client, url, mailoutbox):
    response = client.post(url, {"website": "spam", "message": "buy"})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?sent=1"
    assert mailoutbox == []


def test_the_form_alone_refuses_a_filled_honeypot():
    form = contact.ContactForm(valid_post(website="x"))
    assert form.is_bot
    assert not form.is_valid()
    assert "website" in form.errors


# --- Rate limit ----------------------------------------------------------------------


def test_sixth_message_in_an_hour_from_one_ip_is_refused(client, url, mailoutbox):
    assert contact.contact_rate() == (5, 3600)
    for _ in range(5):
        assert client.post(url, valid_post()).status_code == 302
    response = client.post(url, valid_post())
    assert response.status_code == 429
    assert response["Retry-After"] == str(3600 - 60)
    html = unescape(response.content.decode())
    assert "Please wait before sending another message" in html
    assert "Your message has not been sent." in html
    assert "about 59 minutes" in html
    assert MESSAGE in html  # kept, to send later
    assert len(mailoutbox) == 5
    assert_no_address(response)

    other_ip = client.post(url, valid_post(), REMOTE_ADDR="203.0.113.9")
    assert other_ip.status_code == 302
    assert len(mailoutbox) == 6


def test_honeypot_hits_count_like_messages(client, url, settings, mailoutbox):
    settings.DIRECTORY_CONTACT_RATE = (2, 3600)
    for _ in range(2):
        assert client.post(url, valid_post(website="spam")).status_code == 302
    assert client.post(url, valid_post()).status_code == 429
    assert mailoutbox == []


def test_corrections_do_not_use_up_the_allowance(client, url, settings, mailoutbox):
    settings.DIRECTORY_CONTACT_RATE = (1, 3600)
    for _ in range(3):
        assert client.post(url, valid_post(message="Too short.")).status_code == 200
    assert client.post(url, valid_post()).status_code == 302
    assert client.post(url, valid_post()).status_code == 429
    assert len(mailoutbox) == 1


def test_the_limit_spans_researchers(client, url, settings, mailoutbox):
    """Per IP, not per IP and researcher: a script can't spread over the directory."""
    settings.DIRECTORY_CONTACT_RATE = (1, 3600)
    other = ResearcherPageFactory()
    assert client.post(url, valid_post()).status_code == 302
    assert client.post(f"/directory/contact/{other.pk}/", valid_post()).status_code == 429
    assert len(mailoutbox) == 1


# --- Who can be contacted ------------------------------------------------------------


@pytest.fixture
def unpublished():
    page = ResearcherPageFactory(given_name="Carla", slug="carla-borrador")
    page.unpublish()
    return page


@pytest.fixture
def without_email():
    return ResearcherPageFactory(given_name="Dora", slug="dora-sin-correo", email="")


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", ["unpublished", "without_email"])
def test_who_cannot_be_contacted_gets_a_404(client, request, mailoutbox, who, method):
    page = request.getfixturevalue(who)
    response = getattr(client, method)(f"/directory/contact/{page.pk}/", valid_post())
    assert response.status_code == 404
    assert mailoutbox == []
    assert not page.can_be_contacted


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_page_that_is_not_a_profile_is_404(client, mailoutbox, method):
    index = directory_index()
    response = getattr(client, method)(f"/directory/contact/{index.pk}/", valid_post())
    assert response.status_code == 404
    assert client.get("/directory/contact/999999/").status_code == 404
    assert mailoutbox == []


def test_profile_without_email_has_no_contact_link(client, without_email):
    response = client.get(without_email.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dora" in html
    assert "/directory/contact/" not in html
    assert "Contact Dora" not in html


def test_preview_of_an_unpublished_profile_has_no_contact_link(unpublished):
    response = unpublished.make_preview_request()
    assert response.status_code == 200
    html = response.render().content.decode()
    assert "Carla" in html
    assert "/directory/contact/" not in html


def test_a_private_profile_cannot_be_contacted_by_outsiders(client, jose, url, mailoutbox):
    PageViewRestriction.objects.create(
        page=jose, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    assert client.get(url).status_code == 404
    assert client.post(url, valid_post()).status_code == 404
    assert mailoutbox == []


# --- Per-recipient limit and "report abuse" (13.11) ------------------------------------


def test_many_senders_cannot_flood_one_researcher(client, url, jose, mailoutbox):
    """Three addresses at five messages each used to deliver 15 within seconds."""
    assert contact.recipient_rate() == (10, 86400)
    answers = [
        client.post(url, valid_post(), REMOTE_ADDR=f"203.0.113.{n}").status_code
        for n in range(1, 4)
        for _ in range(5)
    ]
    assert answers == [302] * 10 + [429] * 5
    assert len(mailoutbox) == 10
    refused = client.post(url, valid_post(), REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    html = unescape(refused.content.decode())
    assert "José has received many messages" in html
    assert MESSAGE in html  # kept, to send later
    assert_no_address(refused)

    other = ResearcherPageFactory(slug="someone-else", email="other@uni.example.org")
    response = client.post(
        f"/directory/contact/{other.pk}/", valid_post(), REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 302  # the limit is per recipient
    assert len(mailoutbox) == 11


def test_honeypot_hits_do_not_use_up_the_researchers_allowance(client, url, settings, mailoutbox):
    settings.DIRECTORY_CONTACT_RECIPIENT_RATE = (1, 86400)
    for n in range(3):
        client.post(url, valid_post(website="spam"), REMOTE_ADDR=f"203.0.113.{n}")
    assert client.post(url, valid_post()).status_code == 302
    assert len(mailoutbox) == 1


def report_link(mail) -> str:
    match = re.search(r"http://testserver(/directory/contact/report/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_the_email_carries_a_report_link_on_the_base_url(client, url, mailoutbox):
    client.post(url, valid_post())
    body = mailoutbox[0].body
    assert "Report it, and stop this sender" in body
    assert report_link(mailoutbox[0]).startswith("/directory/contact/report/")


def test_the_researcher_reports_a_sender_who_then_cannot_write_again(client, url, jose, mailoutbox):
    from directory.models import ContactReport

    client.post(url, valid_post())
    link = report_link(mailoutbox[0])

    confirm = client.get(link)  # following the link records nothing (mail scanners do)
    assert confirm.status_code == 200
    html = unescape(confirm.content.decode())
    assert "Report this message" in html and "Ana Souza" in html and "Brine chemistry" in html
    assert "ana.souza@example.org" not in html
    assert not ContactReport.objects.exists()

    done = client.post(link)
    assert done.status_code == 200
    assert "Message reported" in done.content.decode()
    report = ContactReport.objects.get()
    assert (report.researcher_id, report.sender_name, report.sender_email, report.subject) == (
        jose.pk,
        "Ana Souza",
        "ana.souza@example.org",
        "Brine chemistry",
    )
    assert client.post(link).status_code == 200  # reporting twice keeps one report
    assert ContactReport.objects.count() == 1

    blocked = client.post(
        url, valid_post(email="Ana.Souza@Example.org"), REMOTE_ADDR="198.51.100.7"
    )
    assert blocked.status_code == 302  # answered like a success...
    assert blocked["Location"] == f"{url}?sent=1"
    assert len(mailoutbox) == 1  # ...but nothing sent
    assert client.post(url, valid_post(email="someone.else@example.org")).status_code == 302
    assert len(mailoutbox) == 2  # other senders still reach them


@pytest.mark.parametrize("token", ["nonsense", "a" * 40])
def test_a_forged_report_link_records_nothing(client, token):
    from directory.models import ContactReport

    response = client.post(f"/directory/contact/report/{token}/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert not ContactReport.objects.exists()


def test_a_report_link_older_than_90_days_does_not_work(client, url, mailoutbox, clock):
    from directory.models import ContactReport

    client.post(url, valid_post())
    link = report_link(mailoutbox[0])
    clock.shift(91 * 86400)
    assert client.post(link).status_code == 404
    assert not ContactReport.objects.exists()


def test_editors_see_reports_in_the_admin(admin_client, url, client, mailoutbox):
    from django.urls import reverse

    from directory.models import ContactReport

    client.post(url, valid_post())
    client.post(report_link(mailoutbox[0]))
    report = ContactReport.objects.get()
    listing = admin_client.get(reverse("wagtailsnippets_directory_contactreport:list"))
    assert listing.status_code == 200
    assert "Ana Souza" in listing.content.decode()
    inspect = admin_client.get(
        reverse("wagtailsnippets_directory_contactreport:inspect", args=[report.pk])
    )
    assert "ana.souza@example.org" in inspect.content.decode()
