"""Factories for the directory and the site's pages, shared by every test module."""

import factory
import wagtail_factories
from django.conf import settings
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory
from faker import Faker
from wagtail.models import PageViewRestriction

from directory.choices import CareerStage, InstitutionKind
from directory.models import (
    DirectoryIndexPage,
    Facility,
    Institution,
    ResearcherPage,
    ResearcherPublication,
    Topic,
)
from editorial.models import NewsIndexPage, NewsPage

fake_es = Faker("es_ES")


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Universidad Ficticia {n}")
    acronym = factory.Sequence(lambda n: f"UF{n}")
    kind = InstitutionKind.UNIVERSITY
    country = "CL"
    city = "Santiago"


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Plasma FIB-SEM {n}")
    institution = factory.SubFactory(InstitutionFactory)
    techniques = "FIB-SEM; EDS"


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test topic {n}")
    slug = factory.Sequence(lambda n: f"test-topic-{n}")


def directory_index() -> DirectoryIndexPage:
    """The directory page the migrations created."""
    return DirectoryIndexPage.objects.get(locale__language_code=settings.LANGUAGE_CODE)


def news_index() -> NewsIndexPage:
    """The English news listing (translations of it may exist too)."""
    return NewsIndexPage.objects.get(locale__language_code=settings.LANGUAGE_CODE)


class ResearcherPageFactory(wagtail_factories.PageFactory):
    """A published researcher profile below /directory/.

    `topics`, `languages` and `affiliations` take lists; publications are added with
    ResearcherPublicationFactory.
    """

    class Meta:
        model = ResearcherPage
        skip_postgeneration_save = True

    given_name = factory.LazyFunction(fake_es.first_name)
    family_name = factory.LazyFunction(fake_es.last_name)
    title = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")
    slug = factory.Sequence(lambda n: f"researcher-{n}")
    email = factory.Sequence(lambda n: f"researcher{n}@uni.example.org")
    job_title = "Research fellow"
    institution = factory.SubFactory(InstitutionFactory)
    career_stage = CareerStage.EARLY
    parent = factory.LazyFunction(directory_index)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if extracted:
            self.topics.set(extracted)
            if create:
                self.save()

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if extracted:
            self.languages.set(extracted)
            if create:
                self.save()

    @factory.post_generation
    def affiliations(self, create, extracted, **kwargs):
        if extracted:
            self.affiliations.set(extracted)
            if create:
                self.save()


class ResearcherPublicationFactory(DjangoModelFactory):
    class Meta:
        model = ResearcherPublication

    page = factory.SubFactory(ResearcherPageFactory)
    title = factory.Sequence(lambda n: f"Lithium brine study {n}")
    year = 2024
    venue = "Journal of Power Sources"
    doi = factory.Sequence(lambda n: f"10.1016/j.jpowsour.2024.{n:06d}")


class NewsPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsPage

    title = factory.Sequence(lambda n: f"News item {n}")
    slug = factory.Sequence(lambda n: f"news-{n}")
    summary = "A short summary."
    body = "<p>Body text.</p>"
    parent = factory.LazyFunction(news_index)


def restrict(page, kind: str = PageViewRestriction.PASSWORD) -> PageViewRestriction:
    """A Wagtail view restriction of `kind` on `page` (groups: a "Consortium members" group)."""
    restriction = PageViewRestriction.objects.create(
        page=page,
        restriction_type=kind,
        password="open sesame" if kind == PageViewRestriction.PASSWORD else "",
    )
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.add(Group.objects.get_or_create(name="Consortium members")[0])
    return restriction
