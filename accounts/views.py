"""The account page, joining the directory, and claim links."""

from __future__ import annotations

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts import claims, emails
from accounts.consent import PUBLICATION_STATEMENT
from accounts.forms import ClaimRequestForm, ConsentForm, NewProfileForm
from accounts.profiles import create_profile, directory_index, profile_state


@never_cache
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The researcher's account: their address, and their profile's state."""
    profile = claims.profile_of(request.user)
    return render(
        request,
        "accounts/home.html",
        {"profile": profile, "state": profile_state(profile)},
    )


@never_cache
@login_required
def join(request: HttpRequest) -> HttpResponse:
    """Claim the profile that matches, ask for a claim link, or create a new profile."""
    if claims.profile_of(request.user) is not None:
        return redirect("accounts:home")
    match, matched_by = claims.matching_profile(request.user)
    new_form = NewProfileForm(prefix="new")
    link_form = ClaimRequestForm(prefix="link")
    consent_form = ConsentForm(prefix="match")
    action = request.POST.get("action")
    if request.method == "POST" and action == "claim" and match is not None:
        consent_form = ConsentForm(request.POST, prefix="match")
        if consent_form.is_valid():
            try:
                claims.claim(match, request.user, text=PUBLICATION_STATEMENT)
            except claims.ClaimRefused:
                messages.error(request, _("This profile can no longer be claimed."))
            else:
                messages.success(request, _("Your account is now linked to your profile."))
            return redirect("accounts:home")
    elif request.method == "POST" and action == "link":
        link_form = ClaimRequestForm(request.POST, prefix="link")
        if link_form.is_valid() and not ratelimit.consume(
            request, action="claim_link", user=request.user
        ):
            # Each request may e-mail a stranger: limited per account and per address
            # (ACCOUNT_RATE_LIMITS["claim_link"], in the cache like the sign-in limits).
            link_form.add_error(None, _("Too many requests: try again later."))
        elif link_form.is_valid():
            _send_link(link_form.profile())
            # The same answer whatever the address named: no profile, a claimed one,
            # one without an address, or one whose address we just wrote to.
            return render(
                request, "accounts/link_sent.html", {"days": settings.ACCOUNTS_CLAIM_LINK_DAYS}
            )
    elif request.method == "POST" and action == "new":
        new_form = NewProfileForm(request.POST, prefix="new")
        if new_form.is_valid() and directory_index() is not None:
            create_profile(request.user, new_form.cleaned_data)
            messages.success(
                request, _("Thank you: your profile will be public once an editor approves it.")
            )
            return redirect("accounts:home")
    return render(
        request,
        "accounts/join.html",
        {
            "match": match,
            "matched_by": matched_by,
            "consent_form": consent_form,
            "link_form": link_form,
            "new_form": new_form,
        },
        status=429 if link_form.is_bound and link_form.non_field_errors() else 200,
    )


def _send_link(profile) -> None:
    if profile is None or profile.user_id is not None or not profile.email:
        return
    _link, token = claims.new_link(profile)
    emails.send(profile, "claim_link", token, profile.contact_language())


@never_cache
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """A claim link: sign in (or up) first, then confirm with consent."""
    link = claims.link_from_token(token)
    if link is None:
        return render(request, "accounts/claim_invalid.html", status=404)
    if not request.user.is_authenticated:
        return render(request, "accounts/claim_sign_in.html", {"profile": link.profile})
    if claims.profile_of(request.user) is not None:
        return render(request, "accounts/claim_invalid.html", {"has_profile": True}, status=409)
    form = ConsentForm(request.POST or None, prefix="claim")
    if request.method == "POST" and form.is_valid():
        try:
            claims.claim_by_link(link, request.user, text=PUBLICATION_STATEMENT)
        except claims.ClaimRefused:
            return render(request, "accounts/claim_invalid.html", status=409)
        messages.success(request, _("Your account is now linked to your profile."))
        return redirect("accounts:home")
    return render(request, "accounts/claim.html", {"profile": link.profile, "form": form})
