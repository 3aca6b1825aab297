"""Researcher profiles: one page per person, read in any of the site's languages."""

from __future__ import annotations

import functools
from typing import NamedTuple

from django.conf import settings
from django.db import connections, models
from django.forms import CheckboxSelectMultiple
from django.http import Http404
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalManyToManyField
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from common.folded_relations import FOLDING_VENDORS, Fold, fold
from common.i18n import DEFAULT_LANGUAGE, normalize_language
from common.i18n_pages import LocaleFallbackMixin
from directory.choices import OPEN_TO_FIELDS, OPEN_TO_PHRASES, CareerStage
from directory.json_ld import bcp47, person
from directory.languages import (
    HELP_BIO_LANGUAGE,
    HELP_PREFERRED_LANGUAGE,
    INTERFACE_LANGUAGE_CHOICES,
    alphabetical,
    language_from_profile,
)
from directory.models.institutions import Facility, Institution
from directory.models.profile_form import BIO_TRANSLATIONS, ResearcherPageForm
from directory.models.profile_items import (
    ResearcherKeyword,
    ResearcherLink,
    ResearcherPublication,
)
from directory.models.taxonomy import Language, Topic
from directory.validators import normalise_orcid, validate_orcid

BIO_FEATURES = ["bold", "italic", "link", "ol", "ul"]
#: Blank means "work it out from the languages they speak" (`directory.languages`).
LANGUAGE_CHOICES = [("", _("Automatic (from the languages they speak)"))] + (
    INTERFACE_LANGUAGE_CHOICES
)


class ResearcherPageQuerySet(PageQuerySet):
    def listed(self) -> ResearcherPageQuerySet:
        """Profiles anyone may be shown: published and not in a private section.

        Wagtail's `public()` excludes every page at or below a `PageViewRestriction`,
        whatever its kind, as its sitemap and page API do. A listing cannot know who
        will read it (a password is checked per session, groups per user), so a
        restricted profile is left out for everyone, including those who could open
        it. Every listing and both search engines start from here (docs/search.md).
        A profile its researcher chose not to list (`listed`) is left out too.
        """
        return self.live().public().filter(listed=True)

    def with_card_relations(self) -> ResearcherPageQuerySet:
        """Everything a researcher card shows, in a fixed number of queries.

        The photos' renditions are prefetched too: otherwise, whenever the rendition
        cache is cold, each card's `{% image %}` costs a query of its own.
        """
        return self.select_related("institution", "photo").prefetch_related(
            "topics", "photo__renditions"
        )

    def with_profile_relations(self) -> ResearcherPageQuerySet:
        """Everything a full profile shows, in one query.

        Its lists (and the photo's renditions) are selected as JSON arrays in the
        profile's own query (common/folded_relations.py), then stored where
        `prefetch_related` would store them. On a database `fold` cannot spell, a
        prefetch per relation.
        """
        queryset = self.select_related("institution", "photo")
        if connections[self.db].vendor in FOLDING_VENDORS:
            return fold(queryset, *profile_folds())
        return queryset.prefetch_related(
            "photo__renditions",
            "topics",
            "affiliations",
            "languages",
            # Facilities with their institutions in one query, not two.
            models.Prefetch("facilities", queryset=Facility.objects.select_related("institution")),
            "publications",
            "links",
            "keywords",
        )


ResearcherPageManager = PageManager.from_queryset(ResearcherPageQuerySet)


def _store_renditions(page: ResearcherPage, renditions: list) -> None:
    """Where `Image.prefetch_renditions()` puts them, each knowing its image."""
    if page.photo is not None:
        relation = page.photo.renditions.field
        for rendition in renditions:
            relation.set_cached_value(rendition, page.photo)
        page.photo.prefetched_renditions = renditions


@functools.cache
def profile_folds() -> tuple[Fold, ...]:
    """What `with_profile_relations` reads with the profile, in the order of a prefetch.

    Made once per process: each `Fold` keeps its compiled SQL.
    """
    page = models.OuterRef("pk")
    renditions = get_image_model().get_rendition_model().objects
    return (
        Fold(
            "renditions",
            renditions.filter(image_id=models.OuterRef("photo_id")),
            store=_store_renditions,
        ),
        Fold("topics", Topic.objects.filter(researchers=page)),
        Fold("affiliations", Institution.objects.filter(affiliated_researchers=page)),
        Fold("languages", Language.objects.filter(researchers=page)),
        Fold("facilities", Facility.objects.filter(researchers=page), related=["institution"]),
        Fold("publications", ResearcherPublication.objects.filter(page=page)),
        Fold("links", ResearcherLink.objects.filter(page=page)),
        # In the order they were added (a prefetch leaves it to the database).
        Fold(
            "keywords",
            Tag.objects.filter(directory_researcherkeyword_items__content_object=page).order_by(
                "directory_researcherkeyword_items__id"
            ),
        ),
    )


#: Who may link an account to a profile: Wagtail's own "manage users" permission.
LINK_ACCOUNT_PERMISSION = "auth.change_user"


class Biography(NamedTuple):
    """The biography a reader is shown, and the language it is written in."""

    text: str
    language: str  # an interface language code: en, es or pt-br

    @property
    def lang(self) -> str:
        """For the `lang` attribute of the element that holds it."""
        return bcp47(self.language)


class ResearcherPage(LocaleFallbackMixin, Page):
    """A researcher's public profile.

    The e-mail address is stored for contact and matching on import, and is never
    rendered in a template or exposed through the API: it is not in `api_fields`
    and the templates only ever use the contact form.

    One page per person, served under every language prefix with that interface
    (common/i18n_pages.py): no "not yet translated" note.
    """

    rendered_in_every_language = True

    given_name = models.CharField(_("given name"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120)
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        db_index=True,
        help_text=_("Never shown publicly; used for contact forms and matching imports."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researcher_profile",
        verbose_name=_("account"),
        help_text=_("The account that may edit this profile (and no other)."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    job_title = models.CharField(_("job title"), max_length=255, blank=True)
    institution = models.ForeignKey(
        "directory.Institution",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researchers",
        verbose_name=_("institution"),
        help_text=_("Primary institution"),
    )
    affiliations = ParentalManyToManyField(
        "directory.Institution",
        blank=True,
        related_name="affiliated_researchers",
        verbose_name=_("affiliations"),
        help_text=_("Further affiliations"),
    )
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_("Leave empty to use the country of the primary institution."),
    )
    country_code = models.CharField(
        _("country code"),
        max_length=2,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("The country shown and filtered on: `country`, else the institution's."),
    )
    career_stage = models.CharField(
        _("career stage"), max_length=20, choices=CareerStage.choices, blank=True, db_index=True
    )
    topics = ParentalManyToManyField(
        "directory.Topic", blank=True, related_name="researchers", verbose_name=_("topics")
    )
    keywords = ClusterTaggableManager(
        through=ResearcherKeyword, blank=True, verbose_name=_("keywords")
    )
    biography = RichTextField(_("biography"), blank=True, features=BIO_FEATURES)
    bio_language = models.CharField(
        _("language of the biography"),
        max_length=5,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=HELP_BIO_LANGUAGE,
    )
    bio_es = RichTextField(
        _("biography in Spanish"),
        blank=True,
        features=BIO_FEATURES,
        help_text=_("Optional: shown to visitors reading the site in Spanish."),
    )
    bio_pt = RichTextField(
        _("biography in Portuguese"),
        blank=True,
        features=BIO_FEATURES,
        help_text=_("Optional: shown to visitors reading the site in Portuguese."),
    )
    languages = ParentalManyToManyField(
        "directory.Language",
        blank=True,
        related_name="researchers",
        verbose_name=_("languages spoken"),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=LANGUAGE_CHOICES,
        blank=True,
        help_text=HELP_PREFERRED_LANGUAGE,
    )
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        db_index=True,
        validators=[validate_orcid],
        help_text=_("Like 0000-0002-1825-0097"),
    )
    facilities = ParentalManyToManyField(
        "directory.Facility", blank=True, related_name="researchers", verbose_name=_("facilities")
    )
    open_to_collaboration = models.BooleanField(_("collaboration"), default=False)
    open_to_visiting = models.BooleanField(_("visiting / exchange"), default=False)
    open_to_phd_supervision = models.BooleanField(_("PhD supervision"), default=False)
    open_to_industry = models.BooleanField(_("industry partnership"), default=False)
    open_to_mentoring = models.BooleanField(_("mentoring"), default=False)
    listed = models.BooleanField(
        _("listed in the directory"),
        default=True,
        help_text=_(
            "Unlisted profiles are left out of the directory, search, topic and "
            "institution pages, the sitemap and the API, and are hidden from visitors."
        ),
    )
    contact_form_enabled = models.BooleanField(
        _("offer the contact form"),
        default=True,
        help_text=_("Whether visitors may write to this researcher through the site."),
    )
    confirmed_at = models.DateTimeField(
        _("last confirmed by the researcher"), null=True, blank=True, editable=False
    )
    contact_messages_relayed = models.PositiveIntegerField(
        _("contact messages relayed"), default=0, editable=False
    )
    reminded_at = models.DateTimeField(
        _("last reminded to check the profile"), null=True, blank=True, editable=False
    )

    objects = ResearcherPageManager()
    base_form_class = ResearcherPageForm
    #: An account edits one profile (`user` is one-to-one): a copy starts unlinked.
    exclude_fields_in_copy = ["user"]

    content_panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("given_name"), FieldPanel("family_name")]),
                FieldPanel("title", heading=_("Name as displayed")),
                FieldPanel("photo"),
                FieldPanel("job_title"),
            ],
            heading=_("Who"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("institution"),
                FieldPanel("affiliations"),
                FieldPanel("country"),
                FieldPanel("career_stage"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=CheckboxSelectMultiple),
                FieldPanel("keywords"),
                FieldPanel("languages"),
                FieldPanel("facilities"),
            ],
            heading=_("Expertise"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("biography"),
                FieldPanel("bio_language"),
                FieldPanel("bio_es"),
                FieldPanel("bio_pt"),
            ],
            heading=_("Biography"),
        ),
        MultiFieldPanel(
            [FieldPanel(field) for field in OPEN_TO_FIELDS.values()], heading=_("Open to")
        ),
        MultiFieldPanel(
            [
                FieldPanel("orcid"),
                FieldPanel("email"),
                FieldPanel("preferred_language"),
                FieldPanel("listed"),
                FieldPanel("contact_form_enabled"),
                # Linking an account gives it admin access: only for those who may
                # manage users. Everyone else's form has no such field at all.
                FieldPanel("user", permission=LINK_ACCOUNT_PERMISSION),
            ],
            heading=_("Identity and contact (private)"),
        ),
        InlinePanel("links", heading=_("Links"), label=_("Link")),
        InlinePanel("publications", heading=_("Publications"), label=_("Publication")),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("given_name"),
        index.SearchField("family_name"),
        index.AutocompleteField("given_name"),
        index.AutocompleteField("family_name"),
        index.SearchField("job_title"),
        index.SearchField("biography"),
        index.SearchField("bio_es"),
        index.SearchField("bio_pt"),
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
        verbose_name = _("researcher profile")
        verbose_name_plural = _("researcher profiles")
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
    def open_to_phrases(self) -> list[str]:
        """ "Open to collaboration", … in the active language, for the profile's chips."""
        return [str(OPEN_TO_PHRASES[value]) for value in self.open_to]

    @property
    def biographies(self) -> str:
        """Every language's biography, for search indexes (HTML, one after the other)."""
        return "\n".join(text for text in (self.biography, self.bio_es, self.bio_pt) if text)

    @property
    def can_be_contacted(self) -> bool:
        """Whether the public contact form (`directory.contact`) is open for this profile.

        Published, offered by the researcher, and with an address to deliver to. It
        reads only fields of the page itself, so the profile template can ask it
        without a query.
        """
        return bool(self.live and self.contact_form_enabled and self.email.strip())

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    def resolve_country_code(self) -> str:
        if self.country:
            return self.country.code
        if self.institution_id:
            return self.institution.country.code or ""
        return ""

    def _spoken_language_codes(self, spoken: list | None) -> list[str]:
        spoken = list(self.languages.all()) if spoken is None else spoken
        return [getattr(language, "code", language) for language in spoken]

    def _language_default(self, spoken: list | None) -> str:
        country = self.country_code or (self.country.code if self.country else "")
        return language_from_profile(self._spoken_language_codes(spoken), country)

    def original_bio_language(self, spoken: list | None = None) -> str:
        """`bio_language`, else what the languages they speak suggest.

        `spoken`: their `Language`s (or codes) when already loaded, to save a query.
        """
        return self.bio_language or self._language_default(spoken)

    def contact_language(self, spoken: list | None = None) -> str:
        """The language the contact form writes to them in: `preferred_language`, else
        what the languages they speak suggest."""
        return self.preferred_language or self._language_default(spoken)

    def biography_for(self, language: str | None = None, spoken: list | None = None) -> Biography:
        """The biography to show a reader of `language` (by default the active one).

        The original when it is in their language; else their language's translation;
        else the original; a profile with translations only shows one of them.
        """
        wanted = normalize_language(language or translation.get_language())
        original = self.original_bio_language(spoken) if self.biography else DEFAULT_LANGUAGE
        if self.biography and wanted == original:
            return Biography(self.biography, original)
        field = BIO_TRANSLATIONS.get(wanted)
        if field and getattr(self, field):
            return Biography(getattr(self, field), wanted)
        if self.biography:
            return Biography(self.biography, original)
        for language_code, field in BIO_TRANSLATIONS.items():
            if getattr(self, field):
                return Biography(getattr(self, field), language_code)
        return Biography("", original)

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

    def may_see_unlisted(self, user) -> bool:
        """The owner and those who may edit the page still see an unlisted profile."""
        if not getattr(user, "is_authenticated", False):
            return False
        if self.user_id is not None and self.user_id == user.pk:
            return True
        return self.permissions_for_user(user).can_edit()

    def serve(self, request, *args, **kwargs):
        if not self.listed and not self.may_see_unlisted(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_sitemap_urls(self, request=None):
        return super().get_sitemap_urls(request) if self.listed else []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        profile = context["profile"] = self.profile_data()
        context["biography"] = self.biography_for(spoken=profile["languages"])
        context["json_ld"] = self.json_ld(profile)
        return context

    def profile_data(self) -> dict:
        """The related objects of a profile, each fetched with exactly one query."""
        facilities = self.facilities.all()
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        # Previews of unsaved pages hold relations in memory; a routed profile has
        # them prefetched with their institutions (DirectoryIndexPage.route).
        if self.pk is not None and "facilities" not in prefetched:
            facilities = facilities.select_related("institution")
        return {
            "topics": list(self.topics.all()),
            "affiliations": list(self.affiliations.all()),
            # In alphabetical order of their names in the reader's language.
            "languages": sorted(
                self.languages.all(), key=lambda spoken: alphabetical(spoken.label)
            ),
            "facilities": list(facilities),
            "publications": list(self.publications.all()),
            "links": list(self.links.all()),
            "keywords": list(self.keywords.all()),
        }

    def json_ld(self, profile: dict | None = None) -> dict:
        """schema.org Person, without the e-mail address (`directory.json_ld`).

        Pass `profile_data()` when the page already has it, to save its queries.
        """
        return person(self, profile or self.profile_data())
