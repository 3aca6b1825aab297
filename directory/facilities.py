"""Shared facilities: the listing with its filters, a facility's page, and "Request access".

A request goes through the contact form's relay (`directory.contact`) to the
facility's contact, a researcher in the directory: one e-mail, the sender's address
in Reply-To, the contact's address never on a page, in a redirect or in an error.
It shares the contact form's limits, keys included: a client's requests and
messages count against one allowance per IP, and requests to a researcher count
against the same daily allowance as messages to them. A sender the contact has
reported (through the link in any message) is blocked here too, and answered as if
the request had gone. Nothing the sender writes is stored.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries

from directory.choices import FacilityAccess, FacilityTechnique
from directory.contact import (
    SUBJECT_PREFIX,
    ContactForm,
    is_blocked,
    recipient_verdict,
    report_url,
    sender_verdict,
    single_line,
    too_many,
)
from directory.models import Facility, ResearcherPage

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


# --------------------------------------------------------------------------------------
# The listing and a facility's page
# --------------------------------------------------------------------------------------


class FacilityFilterForm(forms.Form):
    """The listing's filters. A value that is not a choice is ignored, never an error."""

    technique = forms.ChoiceField(label=gettext_lazy("Technique or instrument"), required=False)
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    access = forms.ChoiceField(label=gettext_lazy("Access model"), required=False)

    def __init__(self, data, *, country_codes: list[str]):
        super().__init__(data)
        any_ = [("", _("Any"))]
        self.fields["technique"].choices = any_ + list(FacilityTechnique.choices)
        names = sorted(
            ((code, str(countries.name(code))) for code in country_codes), key=lambda c: c[1]
        )
        self.fields["country"].choices = any_ + names
        self.fields["access"].choices = any_ + list(FacilityAccess.choices)

    def value(self, name: str) -> str:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or ""


def _listed_people(facilities: list[Facility]) -> None:
    """Give each facility `people` (its listed operators) and `request_open`, in two
    queries for the whole page: a private or unpublished profile is never shown."""
    ids = [facility.pk for facility in facilities]
    through = Facility.operators.through
    listed = ResearcherPage.objects.listed()
    rows = through.objects.filter(facility_id__in=ids, researcherpage__in=listed).values_list(
        "facility_id", "researcherpage_id"
    )
    by_facility: dict[int, list[int]] = {}
    for facility_id, researcher_id in rows:
        by_facility.setdefault(facility_id, []).append(researcher_id)
    wanted = {pk for pks in by_facility.values() for pk in pks}
    wanted |= {facility.contact_id for facility in facilities if facility.contact_id}
    people = {page.pk: page for page in listed.filter(pk__in=wanted)}
    for facility in facilities:
        facility.people = sorted(
            (people[pk] for pk in by_facility.get(facility.pk, []) if pk in people),
            key=lambda page: page.title,
        )
        contact = people.get(facility.contact_id)
        facility.request_open = bool(contact and contact.can_be_contacted)


@require_safe
def facility_index(request: HttpRequest) -> HttpResponse:
    """/directory/facilities/: every facility, filtered by technique, country and access."""
    facilities = Facility.objects.select_related("institution")
    codes = sorted(set(facilities.values_list("institution__country", flat=True)) - {""})
    form = FacilityFilterForm(request.GET, country_codes=codes)
    if technique := form.value("technique"):
        facilities = facilities.filter(technique_type=technique)
    if country := form.value("country"):
        facilities = facilities.filter(institution__country=country)
    if access := form.value("access"):
        facilities = facilities.filter(access=access)
    page_obj = Paginator(facilities.order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _listed_people(list(page_obj))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "directory/facility_index.html",
        {
            "filter_form": form,
            "page_obj": page_obj,
            "query_string": params.urlencode(),
            "is_filtered": any(form.value(n) for n in ("technique", "country", "access")),
        },
    )


@require_safe
def facility_detail(request: HttpRequest, slug: str) -> HttpResponse:
    facility = get_object_or_404(Facility.objects.select_related("institution"), slug=slug)
    _listed_people([facility])
    return render(request, "directory/facility_detail.html", {"facility": facility})


# --------------------------------------------------------------------------------------
# Request access
# --------------------------------------------------------------------------------------


class AccessRequestForm(ContactForm):
    """The contact form, plus who the sender works for. Nothing from it is saved."""

    organisation = forms.CharField(
        label=gettext_lazy("Your institution or company (optional)"),
        max_length=150,
        required=False,
    )

    field_order = ["name", "email", "organisation", "subject", "message", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].label = _("What you would like to measure or make (optional)")
        self.fields["message"].label = _("Your request")
        self.fields["message"].help_text = _(
            "Describe your samples, what you need measured or made, and roughly when. "
            "The facility's contact answers you by e-mail."
        )
        self.fields["email"].help_text = _(
            "The facility's contact replies to this address. We do not keep it."
        )

    def clean_organisation(self) -> str:
        return single_line(self.cleaned_data["organisation"])


def contactable_facility(slug: str) -> tuple[Facility, ResearcherPage]:
    """The facility and its contact, if a request can reach them; else 404.

    The contact must be a listed profile (published, not private) with an address:
    the form would otherwise reveal a private profile's name or go nowhere.
    """
    facility = get_object_or_404(Facility.objects.select_related("institution"), slug=slug)
    contact = (
        ResearcherPage.objects.listed().filter(pk=facility.contact_id).first()
        if facility.contact_id
        else None
    )
    if contact is None or not contact.can_be_contacted:
        raise Http404("This facility takes no access requests through the site.")
    return facility, contact


def build_request_email(
    facility: Facility, contact: ResearcherPage, data: dict[str, Any], *, report_link: str
) -> EmailMessage:
    """The one e-mail a request sends: to the contact, replies going to the sender."""
    subject = _("Access request for %(facility)s from %(name)s") % {
        "facility": facility.name,
        "name": data["name"],
    }
    if data.get("subject"):
        subject = f"{subject}: {data['subject']}"
    sender = data["name"]
    if data.get("organisation"):
        sender = f"{sender} ({data['organisation']})"
    footer = _(
        "%(sender)s asked for access to %(facility)s through the facilities page of the "
        "UK–LatAm Battery Network directory, which names you as its contact. Your e-mail "
        "address was not shown to them.\n\n"
        "To answer, reply to this e-mail: the sender's address (%(email)s) is in its "
        "Reply-To. The directory does not keep this request or the sender's address."
    ) % {"sender": sender, "facility": facility.name, "email": data["email"]}
    footer += "\n\n" + _(
        "Is this message abuse or spam? Report it, and stop this sender from writing "
        "to you through the directory: %(url)s"
    ) % {"url": report_link}
    return EmailMessage(
        subject=f"{SUBJECT_PREFIX} {subject}",
        body=f"{data['message']}\n\n-- \n{footer}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        reply_to=[data["email"]],
    )


def _render(request, facility, *, form=None, state="form", status=200, **extra) -> HttpResponse:
    context = {"facility": facility, "form": form, "state": state, **extra}
    return render(request, "directory/facility_request.html", context, status=status)


@require_http_methods(["GET", "POST"])
def request_access(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form (or, with ?sent=1, the thank-you note). POST: send, then redirect."""
    facility, contact = contactable_facility(slug)
    sent_url = f"{reverse('directory:facility_request', args=[facility.slug])}?sent=1"
    if request.method == "GET":
        if request.GET.get("sent") == "1":
            return _render(request, facility, state="sent")
        return _render(request, facility, form=AccessRequestForm())

    form = AccessRequestForm(request.POST)
    is_bot = form.is_bot
    if not is_bot and not form.is_valid():
        return _render(request, facility, form=form)

    # The contact form's own keys: one allowance per IP and per recipient for both.
    verdict, state = sender_verdict(request), "rate_limited"
    if verdict.allowed and not is_bot:
        if is_blocked(contact, form.cleaned_data["email"]):
            logger.info("Access request: blocked sender for facility %s", facility.pk)
            return redirect(sent_url)
        verdict, state = recipient_verdict(f"to:{contact.pk}"), "recipient_limited"
    if not verdict.allowed:
        return too_many(partial(_render, request, facility, form=form, state=state), verdict)

    if is_bot:
        logger.info("Access request honeypot filled for facility %s: nothing sent", facility.pk)
        return redirect(sent_url)
    message = build_request_email(
        facility,
        contact,
        form.cleaned_data,
        report_link=report_url(contact, form.cleaned_data, timezone.now()),
    )
    try:
        message.send()
    except OSError:
        # Logged without the exception text, which can quote the recipient's address.
        logger.error("Access request: could not send a request for facility %s", facility.pk)
        form.add_error(
            None,
            _(
                "Sorry, we could not send your request just now. Please try again in a few "
                "minutes; what you wrote is still below."
            ),
        )
        return _render(request, facility, form=form, status=503)
    return redirect(sent_url)
