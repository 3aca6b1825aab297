"""Researcher profiles and the directory index page that holds them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.forms import CheckboxSelectMultiple
from django.utils.functional import cached_property
from django.utils.text import slugify
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from common.i18n_pages import LocaleFallbackMixin
from directory.choices import OPEN_TO_FIELDS, CareerStage, OpenTo
from directory.validators import (
    normalise_doi,
    normalise_orcid,
    validate_doi,
    validate_orcid,
)


class ResearcherKeyword(TaggedItemBase):
    content_object = ParentalKey(
        "directory.ResearcherPage", on_delete=models.CASCADE, related_name="tagged_keywords"
    )


class ResearcherPageQuerySet(PageQuerySet):
    def listed(self) -> ResearcherPageQuerySet:
        """Profiles anyone may be shown: published and not in a private section.

        Wagtail's `public()` excludes every page at or below a `PageViewRestriction`,
        whatever its kind, as its sitemap and page API do. A listing cannot know who
        will read it (a password is checked per session, groups per user), so a
        restricted profile is left out for everyone, including those who could open
        it. Every listing and both search engines start from here (docs/search.md).
        """
        return self.live().public()

    def with_card_relations(self) -> ResearcherPageQuerySet:
        """Everything a researcher card shows, in a fixed number of queries.

        The photos' renditions are prefetched too: otherwise, whenever the rendition
        cache is cold, each card's `{% image %}` costs a query of its own.
        """
        return self.select_related("institution", "photo").prefetch_related(
            "topics", "photo__renditions"
        )

    def with_profile_relations(self) -> ResearcherPageQuerySet:
        """Everything a full profile shows, in a fixed number of queries."""
        return self.select_related("institution", "photo").prefetch_related(
            "topics",
            "affiliations",
            "languages",
            "facilities__institution",
            "publications",
            "links",
            "keywords",
        )


ResearcherPageManager = PageManager.from_queryset(ResearcherPageQuerySet)

#: Who may link an account to a profile: Wagtail's own "manage users" permission.
LINK_ACCOUNT_PERMISSION = "auth.change_user"


class ResearcherPageForm(WagtailAdminPageForm):
    """Accepts an ORCID iD as a URL (https://orcid.org/...), stored as the bare iD.

    The form field would otherwise refuse anything longer than the 19 stored
    characters before the model had a chance to strip the URL prefix.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("orcid")
        if field is not None:
            field.max_length = None
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.widget.attrs.pop("maxlength", None)

    def clean_orcid(self) -> str:
        return normalise_orcid(self.cleaned_data.get("orcid", ""))


class ResearcherPage(LocaleFallbackMixin, Page):
    """A researcher's public profile.

    The e-mail address is stored for contact and matching on import, and is never
    rendered in a template or exposed through the API: it is not in `api_fields`
    and the templates only ever use the contact form.

    One page per person, served under every language prefix with that interface
    (common/i18n_pages.py): no "not yet translated" note.
    """

    rendered_in_every_language = True

    given_name = models.CharField(max_length=120)
    family_name = models.CharField(max_length=120)
    email = models.EmailField(
        blank=True,
        db_index=True,
        help_text="Never shown publicly; used for contact forms and matching imports.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researcher_profile",
        help_text="The account that may edit this profile (and no other).",
    )
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_title = models.CharField(max_length=255, blank=True)
    institution = models.ForeignKey(
        "directory.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researchers",
        help_text="Primary institution",
    )
    affiliations = ParentalManyToManyField(
        "directory.Institution",
        blank=True,
        related_name="affiliated_researchers",
        help_text="Further affiliations",
    )
    country = CountryField(
        blank=True, help_text="Leave empty to use the country of the primary institution."
    )
    country_code = models.CharField(
        max_length=2,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The country shown and filtered on: `country`, else the institution's.",
    )
    career_stage = models.CharField(
        max_length=20, choices=CareerStage.choices, blank=True, db_index=True
    )
    topics = ParentalManyToManyField("directory.Topic", blank=True, related_name="researchers")
    keywords = ClusterTaggableManager(through=ResearcherKeyword, blank=True)
    biography = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])
    languages = ParentalManyToManyField(
        "directory.Language", blank=True, related_name="researchers"
    )
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        db_index=True,
        validators=[validate_orcid],
        help_text="Like 0000-0002-1825-0097",
    )
    facilities = ParentalManyToManyField(
        "directory.Facility", blank=True, related_name="researchers"
    )
    open_to_collaboration = models.BooleanField("collaboration", default=False)
    open_to_visiting = models.BooleanField("visiting / exchange", default=False)
    open_to_phd_supervision = models.BooleanField("PhD supervision", default=False)
    open_to_industry = models.BooleanField("industry partnership", default=False)
    open_to_mentoring = models.BooleanField("mentoring", default=False)

    objects = ResearcherPageManager()
    base_form_class = ResearcherPageForm
    #: An account edits one profile (`user` is one-to-one): a copy starts unlinked.
    exclude_fields_in_copy = ["user"]

    content_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("given_name"), FieldPanel("family_name")]),
                FieldPanel("title", heading="Name as displayed"),
                FieldPanel("photo"),
                FieldPanel("job_title"),
            ],
            heading="Who",
        ),
        MultiFieldPanel(
            [
                FieldPanel("institution"),
                FieldPanel("affiliations"),
                FieldPanel("country"),
                FieldPanel("career_stage"),
            ],
            heading="Where",
        ),
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=CheckboxSelectMultiple),
                FieldPanel("keywords"),
                FieldPanel("biography"),
                FieldPanel("languages"),
                FieldPanel("facilities"),
            ],
            heading="Expertise",
        ),
        MultiFieldPanel(
            [FieldPanel(field) for field in OPEN_TO_FIELDS.values()], heading="Open to"
        ),
        MultiFieldPanel(
            [
                FieldPanel("orcid"),
                FieldPanel("email"),
                # Linking an account gives it admin access: only for those who may
                # manage users. Everyone else's form has no such field at all.
                FieldPanel("user", permission=LINK_ACCOUNT_PERMISSION),
            ],
            heading="Identity and contact (private)",
        ),
        InlinePanel("links", heading="Links", label="Link"),
        InlinePanel("publications", heading="Publications", label="Publication"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("given_name"),
        index.SearchField("family_name"),
        index.AutocompleteField("given_name"),
        index.AutocompleteField("family_name"),
        index.SearchField("job_title"),
        index.SearchField("biography"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.RelatedFields("institution", [index.SearchField("name")]),
        index.FilterField("country_code"),
        index.FilterField("career_stage"),
    ]

    api_fields = [
        APIField("given_name"),
        APIField("family_name"),
        APIField("job_title"),
        APIField("institution_name"),
        APIField("country_code"),
        APIField("career_stage"),
        APIField("topic_slugs"),
        APIField("orcid"),
        APIField("open_to"),
        APIField("photo_thumbnail", serializer=ImageRenditionField("fill-200x200", source="photo")),
    ]

    parent_page_types = ["directory.DirectoryIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "researcher profile"
        indexes = [models.Index(fields=["family_name", "given_name"])]

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def institution_name(self) -> str:
        return self.institution.name if self.institution_id else ""

    @property
    def topic_slugs(self) -> list[str]:
        return [topic.slug for topic in self.topics.all()]

    @property
    def open_to(self) -> list[str]:
        return [value for value, field in OPEN_TO_FIELDS.items() if getattr(self, field)]

    @property
    def open_to_labels(self) -> list[str]:
        return [OpenTo(value).label for value in self.open_to]

    @property
    def can_be_contacted(self) -> bool:
        """Whether the public contact form (`directory.contact`) is open for this profile.

        Published and with an address to deliver to. It reads only fields of the page
        itself, so the profile template can ask it without a query.
        """
        return bool(self.live and self.email.strip())

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    def resolve_country_code(self) -> str:
        if self.country:
            return self.country.code
        if self.institution_id:
            return self.institution.country.code or ""
        return ""

    def full_clean(self, *args, **kwargs):
        if not self.title:
            self.title = self.full_name
        parent_is_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
        if not self.slug and parent_is_known and not slugify(self.title, allow_unicode):
            # The ASCII slug of a name in, say, Chinese or Arabic script is empty, and
            # Wagtail would then refuse the page: use the fallback bulk imports use.
            self.slug = self._get_autogenerated_slug("researcher")
        if self.orcid:
            self.orcid = normalise_orcid(self.orcid)
        if self.email:
            self.email = self.email.strip().lower()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        if not self.title:
            self.title = self.full_name
        self.country_code = self.resolve_country_code()
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["profile"] = self.profile_data()
        context["json_ld"] = self.json_ld(context["profile"])
        return context

    def profile_data(self) -> dict:
        """The related objects of a profile, each fetched with exactly one query."""
        facilities = self.facilities.all()
        if self.pk is not None:  # previews of unsaved pages hold relations in memory
            facilities = facilities.select_related("institution")
        return {
            "topics": list(self.topics.all()),
            "affiliations": list(self.affiliations.all()),
            "languages": list(self.languages.all()),
            "facilities": list(facilities),
            "publications": list(self.publications.all()),
            "links": list(self.links.all()),
            "keywords": list(self.keywords.all()),
        }

    def json_ld(self, profile: dict | None = None) -> dict:
        """schema.org Person, without the e-mail address.

        Pass `profile_data()` when the page already has it, to save its queries.
        """
        profile = profile or self.profile_data()
        data: dict = {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": self.full_name,
            "givenName": self.given_name,
            "familyName": self.family_name,
            "url": self.full_url,
        }
        if self.job_title:
            data["jobTitle"] = self.job_title
        if self.institution_id:
            data["affiliation"] = {"@type": "Organization", "name": self.institution.name}
        if self.orcid:
            data["identifier"] = self.orcid_url
            data["sameAs"] = [self.orcid_url]
        topics = [topic.name for topic in profile["topics"]]
        keywords = [tag.name for tag in profile["keywords"]]
        if topics or keywords:
            data["knowsAbout"] = topics + keywords
        languages = [language.name for language in profile["languages"]]
        if languages:
            data["knowsLanguage"] = languages
        if self.country_code:
            data["workLocation"] = {
                "@type": "Place",
                "address": {"@type": "PostalAddress", "addressCountry": self.country_code},
            }
        return data


class ResearcherLink(Orderable):
    page = ParentalKey(ResearcherPage, on_delete=models.CASCADE, related_name="links")
    url = models.URLField("URL")
    label = models.CharField(max_length=120, blank=True)

    panels = [FieldPanel("url"), FieldPanel("label")]

    def __str__(self) -> str:
        return self.label or self.url


class ResearcherPublication(Orderable):
    page = ParentalKey(ResearcherPage, on_delete=models.CASCADE, related_name="publications")
    title = models.CharField(max_length=500)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.CharField(max_length=255, blank=True)
    doi = models.CharField("DOI", max_length=255, blank=True, validators=[validate_doi])

    panels = [FieldPanel("title"), FieldPanel("year"), FieldPanel("venue"), FieldPanel("doi")]

    class Meta(Orderable.Meta):
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        self.doi = normalise_doi(self.doi)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class DirectoryIndexPage(LocaleFallbackMixin, Page):
    """/directory/: every researcher profile lives below this page."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["directory.ResearcherPage"]
    max_count = 1

    class Meta:
        verbose_name = "researcher directory"

    def get_context(self, request, *args, **kwargs):
        """One directory search (text, facets with counts, sort, page) from the URL.

        The URL parameters are q, topic, country, institution, career_stage,
        language, open_to, sort and page; `search.views.directory_context` reads
        them and asks the configured search engine.
        """
        from search.views import directory_context

        context = super().get_context(request, *args, **kwargs)
        context.update(directory_context(request, self.get_url(request) or "/directory/"))
        return context

    @cached_property
    def researcher_count(self) -> int:
        """Listed profiles only: none behind a view restriction (see docs/search.md)."""
        return ResearcherPage.objects.child_of(self).listed().count()
