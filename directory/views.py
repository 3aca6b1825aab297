"""Public pages of the taxonomies: topics and institutions with their researchers."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from common import hub
from directory.models import Institution, ResearcherPage, Topic
from search.types import DEFAULT_PAGE_SIZE

#: The directory's page size, so that a topic's list reads like a directory search.
PAGE_SIZE = DEFAULT_PAGE_SIZE


def _researcher_page(request: HttpRequest, researchers):
    researchers = researchers.listed().with_card_relations().order_by("family_name", "given_name")
    return Paginator(researchers, PAGE_SIZE).get_page(request.GET.get("page"))


def topic_index(request: HttpRequest) -> HttpResponse:
    """/directory/topics/: every topic, subtopics under their parent, with counts.

    A parent's count is of the researchers on it or on any of its subtopics, each
    once, as on its own page. A fixed number of queries whatever the number of topics.
    """
    listed = ResearcherPage.objects.listed().values("pk")
    tagged = ResearcherPage.topics.through.objects.filter(researcherpage__in=listed)
    own = dict(
        tagged.values("topic_id")
        .annotate(n=Count("researcherpage_id", distinct=True))
        .values_list("topic_id", "n")
    )
    family = dict(
        tagged.annotate(root=Coalesce("topic__parent_id", "topic_id"))
        .values("root")
        .annotate(n=Count("researcherpage_id", distinct=True))
        .values_list("root", "n")
    )
    topics = list(Topic.objects.all())
    children: dict[int, list[Topic]] = {}
    for topic in topics:
        topic.researcher_count = own.get(topic.pk, 0)
        if topic.parent_id is not None:
            children.setdefault(topic.parent_id, []).append(topic)
    roots = []
    for topic in topics:
        if topic.parent_id is None:
            topic.researcher_count = family.get(topic.pk, 0)
            topic.subtopics = children.get(topic.pk, [])
            roots.append(topic)
    return render(request, "directory/topic_index.html", {"topics": roots})


def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's hub: its researchers (a parent topic's include its subtopics'), then the
    sections other apps register in `common.hub` (opportunities, events, news)."""
    topic = get_object_or_404(Topic.objects.select_related("parent"), slug=slug)
    in_topic = Q(topics=topic) | Q(topics__parent=topic)
    page_obj = _researcher_page(request, ResearcherPage.objects.filter(in_topic).distinct())
    subtopics = list(topic.children.all())
    # The directory's topic filter matches the topics themselves, so a parent's
    # researchers are those of the parent and each subtopic.
    search_params = urlencode([("topic", each.slug) for each in [topic, *subtopics]])
    return render(
        request,
        "directory/topic_detail.html",
        {
            "topic": topic,
            "subtopics": subtopics,
            "page_obj": page_obj,
            "directory_search_url": f"/directory/?{search_params}",
            "hub_sections": hub.render_sections(topic, request),
        },
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
