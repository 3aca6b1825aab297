"""Public pages of the mailing list. Thin: the rules live in newsletter.services.

No page may tell a visitor whether an address is on the list: every valid
sign-up (new, pending, subscribed, unsubscribed, or a bot caught by the
honeypot) ends in the same redirect to the same "check your inbox" page.
Pages reached through a signed link are never cached and send no Referer to
other sites, so the token in their URL doesn't leak.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from common.base_url import absolute_url
from common.origin import is_same_origin_post
from common.ratelimit import client_ip
from newsletter import limits, services, tasks
from newsletter.emails import ONE_CLICK_HEADER_VALUE
from newsletter.forms import CONSENT_TEXT, PreferencesForm, SubscribeForm, safe_source_path
from newsletter.languages import request_language
from newsletter.models import Subscriber, SubscriberStatus
from newsletter.tokens import (
    CONFIRMATION_MAX_AGE,
    ExpiredToken,
    StaleToken,
    TokenError,
    read_address_change_token,
    read_confirmation_token,
    read_manage_token,
)

logger = logging.getLogger(__name__)


def _private(response: HttpResponse) -> HttpResponse:
    """For pages behind a signed link: no Referer (so no token) to other sites, no indexing.

    Not `no-referrer`: with it, browsers send `Origin: null` on the page's own
    form posts, and Django's CSRF check (rightly) refuses them.
    """
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _language_hint(request: HttpRequest) -> str:
    """The language of the page the form is on: /es/ signs up in Spanish, /pt-br/ in
    Portuguese, the unprefixed English pages in English (LocaleMiddleware has already
    taken the prefix, or for the footer's post the page's own language)."""
    return request_language(request)


def _manage_urls(subscriber: Subscriber) -> dict[str, str]:
    from newsletter.tokens import make_manage_token

    token = make_manage_token(subscriber)
    return {
        "preferences_url": reverse("newsletter:preferences", args=[token]),
        "unsubscribe_url": reverse("newsletter:unsubscribe", args=[token]),
    }


def _render_signup_page(request: HttpRequest, form: SubscribeForm, status: int = 200):
    return render(
        request,
        "newsletter/newsletter_page.html",
        {"form": form, "consent_text": str(CONSENT_TEXT)},
        status=status,
    )


@require_GET
def newsletter_page(request: HttpRequest) -> HttpResponse:
    """The full sign-up form: address, name, language and topics."""
    form = SubscribeForm(initial={"source": request.path, "language": _language_hint(request)})
    return _render_signup_page(request, form)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    """Both sign-up forms post here; the answer is the same whatever the address.

    Exempt from the CSRF token: the footer form is on every page, and pages come from
    the shared page cache, which cannot hold a visitor's token (docs/caching.md). A
    forged sign-up could only start a confirmation e-mail to an address the forger
    already knows, which the forger can do directly; posts that a browser says come
    from another site are still refused, and the rate limit and honeypot hold.
    """
    if request.method == "GET":
        return redirect("newsletter:index")
    if not is_same_origin_post(request):
        return HttpResponseForbidden()

    ip = client_ip(request)
    verdict = limits.hit_signup(ip)
    if not verdict.allowed:
        response = render(
            request,
            "newsletter/rate_limited.html",
            {"retry_minutes": max(1, -(-verdict.retry_after // 60))},
            status=429,
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response

    form = SubscribeForm(request.POST)
    if form.is_bot:
        logger.info("Newsletter sign-up caught by the honeypot from %s", ip)
        return redirect("newsletter:thanks")
    if not form.is_valid():
        # Errors from the footer form too are shown on the full page, which keeps the
        # address typed and the page they came from (`source`).
        return _render_signup_page(request, form)

    data = form.cleaned_data
    full = form.data.get("kind") != "footer"
    source = safe_source_path(data["source"], request.get_host())
    # Everything that depends on the address (the lookup, the e-mail, the sync)
    # happens in the task, after this response: the view does the same work for
    # every address, so its timing cannot tell whether one is on the list.
    try:
        tasks.process_signup.enqueue(
            data["email"],
            first_name=data["first_name"] if full else None,
            last_name=data["last_name"] if full else None,
            language=(data["language"] or None) if full else None,
            topic_ids=[topic.pk for topic in data["topics"]] if full else None,
            consent_text=str(CONSENT_TEXT),
            ip=ip,
            source_url=request.build_absolute_uri(source),
            language_hint=_language_hint(request),
            digest=data["digest"] if full else None,
            country=data["country"] if full else None,
            career_stage=data["career_stage"] if full else None,
        )
    except Exception:
        logger.exception("Could not enqueue a newsletter sign-up")
    return redirect("newsletter:thanks")


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/thanks.html", {"valid_days": CONFIRMATION_MAX_AGE.days})


def _invalid_link(request: HttpRequest, message: str, *, offer_signup: bool = False):
    return _private(
        render(
            request,
            "newsletter/link_invalid.html",
            {"message": message, "offer_signup": offer_signup},
            status=400,
        )
    )


def _expired_confirmation(request: HttpRequest, exc: TokenError) -> HttpResponse:
    days = CONFIRMATION_MAX_AGE.days
    return _invalid_link(
        request,
        f"{exc.message} "
        + ngettext(
            "Confirmation links work for %(days)d day; sign up again for a new one.",
            "Confirmation links work for %(days)d days; sign up again for a new one.",
            days,
        )
        % {"days": days},
        offer_signup=True,
    )


def _not_pending(request: HttpRequest) -> HttpResponse:
    return _invalid_link(
        request,
        gettext(
            "This confirmation link is no longer valid because the subscription was ended "
            "after it was sent. To receive the newsletter again, please sign up again."
        ),
        offer_signup=True,
    )


def _confirmed(request: HttpRequest, subscriber: Subscriber, *, already: bool) -> HttpResponse:
    return _private(
        render(
            request,
            "newsletter/confirmed.html",
            {"subscriber": subscriber, "already": already, **_manage_urls(subscriber)},
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Double opt-in, step two: the link from the confirmation e-mail.

    Opening the link (GET) only shows a "Confirm my subscription" button; the
    POST from it (with CSRF) confirms. Mail scanners that open every link in a
    message therefore confirm nobody.
    """
    try:
        if request.method == "POST":
            result = services.confirm(
                token,
                ip=client_ip(request),
                source_url=absolute_url(reverse("newsletter:index") + "confirm/"),
            )
            outcome, subscriber = result.outcome, result.subscriber
        else:
            subscriber = read_confirmation_token(token)
            outcome = None
    except ExpiredToken as exc:
        return _expired_confirmation(request, exc)
    except TokenError as exc:
        return _invalid_link(request, str(exc.message), offer_signup=isinstance(exc, StaleToken))

    status = subscriber.status
    if outcome is services.ConfirmOutcome.NOT_PENDING or (
        outcome is None and status not in (SubscriberStatus.PENDING, SubscriberStatus.SUBSCRIBED)
    ):
        return _not_pending(request)
    if outcome is None and status == SubscriberStatus.PENDING:
        return _private(render(request, "newsletter/confirm.html", {"token": token}))
    return _confirmed(
        request,
        subscriber,
        already=outcome is services.ConfirmOutcome.ALREADY_SUBSCRIBED or outcome is None,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_address(request: HttpRequest, token: str) -> HttpResponse:
    """An address an editor entered, confirmed by its owner: GET shows a button, POST confirms."""
    try:
        if request.method == "POST":
            outcome, _subscriber = services.confirm_address_change(
                token,
                ip=client_ip(request),
                source_url=absolute_url(reverse("newsletter:index") + "confirm-address/"),
            )
        else:
            read_address_change_token(token)
            outcome = None
    except ExpiredToken as exc:
        days = CONFIRMATION_MAX_AGE.days
        return _invalid_link(
            request,
            f"{exc.message} "
            + ngettext(
                "Address confirmation links work for %(days)d day.",
                "Address confirmation links work for %(days)d days.",
                days,
            )
            % {"days": days},
        )
    except TokenError as exc:
        return _invalid_link(request, str(exc.message))
    return _private(
        render(
            request,
            "newsletter/confirm_address.html",
            {
                "token": token,
                "confirmed": outcome is services.AddressChangeOutcome.CONFIRMED,
                "taken": outcome is services.AddressChangeOutcome.TAKEN,
            },
        )
    )


def _read_manage(token: str) -> Subscriber | TokenError:
    try:
        return read_manage_token(token)
    except TokenError as exc:
        return exc


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """Change interests, language and name; unsubscribe is one button away."""
    subscriber = _read_manage(token)
    if isinstance(subscriber, TokenError):
        return _invalid_link(request, str(subscriber.message))

    active = subscriber.status in (SubscriberStatus.PENDING, SubscriberStatus.SUBSCRIBED)
    initial = {
        "first_name": subscriber.first_name,
        "last_name": subscriber.last_name,
        "language": subscriber.language,
        "topics": list(subscriber.topics.values_list("pk", flat=True)),
        "digest": subscriber.digest,
        "country": str(subscriber.country or ""),
        "career_stage": subscriber.career_stage,
    }
    if request.method == "POST" and active:
        form = PreferencesForm(request.POST, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            services.update_preferences(
                subscriber,
                language=data["language"],
                topics=data["topics"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                digest=data["digest"],
                country=data["country"],
                career_stage=data["career_stage"],
            )
            messages.success(request, gettext("Your preferences are saved."))
            return _private(HttpResponseRedirect(request.path))
    else:
        form = PreferencesForm(initial=initial)
    return _private(
        render(
            request,
            "newsletter/preferences.html",
            {"subscriber": subscriber, "form": form, "active": active, "token": token},
        )
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with an "Unsubscribe" button; POST from it: unsubscribe.

    A POST whose body is `List-Unsubscribe=One-Click` is a mail provider acting
    on RFC 8058: it carries no CSRF token and no person is there to click, so
    it is answered directly. Only that POST is exempt from CSRF; every other
    request goes through `csrf_protect` below.
    """
    if request.method == "POST" and _is_one_click(request):
        return _one_click(request, token)
    return _unsubscribe_page(request, token)


def _is_one_click(request: HttpRequest) -> bool:
    key, _, value = ONE_CLICK_HEADER_VALUE.partition("=")
    return request.POST.get(key) == value


def _one_click(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _read_manage(token)
    if isinstance(subscriber, StaleToken):
        return HttpResponse(
            gettext("This address is not on the list.") + "\n", content_type="text/plain"
        )
    if isinstance(subscriber, TokenError):
        return HttpResponse(f"{subscriber.message}\n", content_type="text/plain", status=400)
    services.unsubscribe(
        subscriber,
        "one-click unsubscribe from the mail client (RFC 8058)",
        ip=client_ip(request),
    )
    return HttpResponse(gettext("You have been unsubscribed.") + "\n", content_type="text/plain")


@csrf_protect
def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _read_manage(token)
    if isinstance(subscriber, TokenError):
        return _invalid_link(request, str(subscriber.message))
    if request.method == "POST":
        services.unsubscribe(
            subscriber,
            "unsubscribe page",
            ip=client_ip(request),
            source_url=absolute_url(reverse("newsletter:index") + "unsubscribe/"),
        )
        return _private(HttpResponseRedirect(request.path))
    return _private(
        render(
            request,
            "newsletter/unsubscribe.html",
            {
                "subscriber": subscriber,
                "unsubscribed": subscriber.status
                in (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.CLEANED),
                **_manage_urls(subscriber),
            },
        )
    )
