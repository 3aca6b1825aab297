"""Public pages of the taxonomies: a topic or an institution with its researchers."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from directory.models import Institution, ResearcherPage, Topic

PAGE_SIZE = 24


def _researcher_page(request: HttpRequest, researchers):
    # `public()`: a profile in a private section (a Wagtail view restriction on it or
    # an ancestor) is listed nowhere, as in search; see docs/search.md.
    researchers = (
        researchers.live().public().with_card_relations().order_by("family_name", "given_name")
    )
    return Paginator(researchers, PAGE_SIZE).get_page(request.GET.get("page"))


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    page_obj = _researcher_page(request, ResearcherPage.objects.filter(topics=topic))
    return render(
        request,
        "directory/topic_detail.html",
        {"topic": topic, "subtopics": topic.children.all(), "page_obj": page_obj},
    )


def institution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    institution = get_object_or_404(Institution.objects.select_related("logo"), slug=slug)
    page_obj = _researcher_page(request, ResearcherPage.objects.filter(institution=institution))
    return render(
        request,
        "directory/institution_detail.html",
        {
            "institution": institution,
            "facilities": institution.facilities.all(),
            "page_obj": page_obj,
        },
    )
