"""/my-profile/: a researcher's own profile, and nothing else.

Every URL carries the profile's id and answers 404 unless it is the signed-in
account's own profile (`own_profile`), so guessing ids reveals nothing.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common import personal_data
from directory.models import InstitutionRequest, ResearcherPage
from directory.self_service.erasure import erase_person
from directory.self_service.forms import (
    LinkFormSet,
    MyProfileForm,
    PublicationFormSet,
    apply_formsets,
    link_initial,
    publication_initial,
)
from directory.self_service.orcid import OrcidClient, OrcidError, new_works
from directory.self_service.photos import store_photo
from directory.self_service.publishing import add_works, editable_version, save_own_edit


def own_profile(request: HttpRequest, pk: int) -> ResearcherPage:
    """The signed-in account's profile if it is `pk`; 404 for anything else."""
    page = ResearcherPage.objects.filter(user_id=request.user.pk).first()
    if page is None or page.pk != pk:
        raise Http404
    return page


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    page = ResearcherPage.objects.filter(user_id=request.user.pk).first()
    if page is None:
        raise Http404
    return redirect("directory:my_profile_edit", pk=page.pk)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = editable_version(own_profile(request, pk))
    if request.method == "POST":
        form = MyProfileForm(request.POST, request.FILES, instance=page)
        links = LinkFormSet(request.POST, prefix="links")
        publications = PublicationFormSet(request.POST, prefix="publications")
        if form.is_valid() and links.is_valid() and publications.is_valid():
            form.apply(page)
            apply_formsets(page, links, publications)
            photo = form.cleaned_data.get("photo_upload")
            if photo is not None:
                page.photo = store_photo(photo, page.full_name)
            new_name = form.cleaned_data.get("new_institution")
            if new_name:
                InstitutionRequest.objects.create(
                    name=new_name,
                    country=form.cleaned_data["new_institution_country"],
                    researcher=page,
                )
            published = save_own_edit(page, request.user)[1]
            if published:
                messages.success(request, _("Your profile has been updated."))
            else:
                messages.success(
                    request, _("Your changes have been saved and are waiting for an editor.")
                )
            return redirect("directory:my_profile_edit", pk=page.pk)
    else:
        form = MyProfileForm(instance=page)
        links = LinkFormSet(initial=link_initial(page), prefix="links")
        publications = PublicationFormSet(initial=publication_initial(page), prefix="publications")
    return render(
        request,
        "directory/my_profile.html",
        {"page": page, "form": form, "links": links, "publications": publications},
    )


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The profile as its newest version reads, drafts included."""
    page = editable_version(own_profile(request, pk))
    return page.serve_preview(request, page.default_preview_mode)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The current photo, as the profile shows it (also before it is published)."""
    page = editable_version(own_profile(request, pk))
    if page.photo is None:
        raise Http404
    return redirect(page.photo.get_rendition("fill-300x300").url)


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    own_profile(request, pk)
    data = personal_data.export(request.user, request.user.email)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    page = own_profile(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        user = request.user
        logout(request)
        queued = erase_person(user)
        return render(request, "directory/my_profile_deleted.html", {"queued": queued})
    return render(request, "directory/my_profile_delete.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def orcid_import(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the works ORCID lists that the profile does not; POST: add those ticked."""
    page = editable_version(own_profile(request, pk))
    context = {"page": page, "works": [], "error": "", "employments": []}
    if not page.orcid:
        context["error"] = _("Add your ORCID iD to your profile first.")
        return render(request, "directory/my_profile_orcid.html", context)
    client = OrcidClient()
    try:
        works = new_works(client.works(page.orcid), list(page.publications.all()))
        context["employments"] = client.employments(page.orcid)
    except OrcidError as exc:
        context["error"] = str(exc)
        return render(request, "directory/my_profile_orcid.html", context, status=502)
    if request.method == "POST":
        chosen = set(request.POST.getlist("work"))
        picked = [work for work in works if work.key in chosen]
        if picked:
            add_works(page, picked, request.user)
            messages.success(
                request, _("Publications added from ORCID: %(count)s.") % {"count": len(picked)}
            )
        return redirect(reverse("directory:my_profile_edit", args=[page.pk]))
    context["works"] = works
    return render(request, "directory/my_profile_orcid.html", context)
