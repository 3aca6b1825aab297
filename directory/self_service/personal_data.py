"""The directory's part of "Download my data" and "Delete my profile and account".

Registered with `common.personal_data` in `DirectoryConfig.ready()`. The exporter
lists everything the profile holds, including its private fields (the e-mail
address, the preferred language) and how many contact messages were relayed (the
messages themselves are never kept). The eraser deletes the profile: its revisions
(every earlier version of the personal data), its photos and their renditions, and
the page; removing it from the search engines is a separate step
(`directory.self_service.erasure`), since an engine may be down.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from wagtail.images import get_image_model

from directory.models import ResearcherPage


def profile_of(user: Any) -> ResearcherPage | None:
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    return ResearcherPage.objects.filter(user_id=pk).first()


def export_profile(user: Any, email: str) -> dict[str, Any]:
    page = profile_of(user)
    if page is None:
        return {}
    fields = [
        "given_name",
        "family_name",
        "email",
        "job_title",
        "country_code",
        "career_stage",
        "biography",
        "bio_language",
        "bio_es",
        "bio_pt",
        "preferred_language",
        "orcid",
        "open_to_collaboration",
        "open_to_visiting",
        "open_to_phd_supervision",
        "open_to_industry",
        "open_to_mentoring",
        "listed",
        "contact_form_enabled",
        "live",
    ]
    data: dict[str, Any] = {name: getattr(page, name) for name in fields}
    data.update(
        id=page.pk,
        url=page.full_url,
        institution=page.institution_name,
        affiliations=[i.name for i in page.affiliations.all()],
        topics=[topic.name for topic in page.topics.all()],
        keywords=[tag.name for tag in page.keywords.all()],
        languages=[language.code for language in page.languages.all()],
        facilities=[facility.name for facility in page.facilities.all()],
        photo=page.photo.file.url if page.photo_id else None,
        links=[{"url": link.url, "label": link.label} for link in page.links.all()],
        publications=[
            {"title": p.title, "year": p.year, "venue": p.venue, "doi": p.doi, "type": p.kind}
            for p in page.publications.all()
        ],
        contact_messages_relayed=page.contact_messages_relayed,
        contact_reports=page.contact_reports.count(),
        institution_requests=[r.name for r in page.institution_requests.all()],
        revisions=page.revisions.count(),
        confirmed_at=page.confirmed_at.isoformat() if page.confirmed_at else None,
        last_published_at=page.last_published_at.isoformat() if page.last_published_at else None,
    )
    return data


def photo_ids(page: ResearcherPage) -> set[int]:
    """The photo now and every photo an earlier version of the profile had."""
    ids = {page.photo_id} if page.photo_id else set()
    for content in page.revisions.values_list("content", flat=True):
        photo = (content or {}).get("photo")
        if isinstance(photo, int):
            ids.add(photo)
    return ids


def erase_profile(user: Any, email: str) -> None:
    """Delete the profile, its revisions, its photos and their renditions."""
    page = profile_of(user)
    if page is None:
        return
    with transaction.atomic():
        images = photo_ids(page)
        page.revisions.all().delete()
        page.delete()
        # Deleting an image deletes its renditions, and Wagtail removes the files.
        for image in get_image_model().objects.filter(pk__in=images):
            image.delete()
