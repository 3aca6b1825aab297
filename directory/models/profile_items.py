"""What a profile lists: keywords, links and publications (each row belongs to one profile)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from directory.validators import normalise_doi, validate_doi


class ResearcherKeyword(TaggedItemBase):
    content_object = ParentalKey(
        "directory.ResearcherPage", on_delete=models.CASCADE, related_name="tagged_keywords"
    )

    class Meta:
        verbose_name = _("keyword of a profile")
        verbose_name_plural = _("keywords of profiles")


class ResearcherLink(Orderable):
    page = ParentalKey("directory.ResearcherPage", on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("URL"))
    label = models.CharField(
        _("label"),
        max_length=120,
        blank=True,
        help_text=_("What the link is called on the profile; the address if empty."),
    )

    panels = [FieldPanel("url"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.label or self.url


class ResearcherPublication(Orderable):
    page = ParentalKey(
        "directory.ResearcherPage", on_delete=models.CASCADE, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    venue = models.CharField(
        pgettext_lazy("where a publication appeared", "venue"),
        max_length=255,
        blank=True,
        help_text=_("Journal, conference or publisher."),
    )
    doi = models.CharField(
        _("DOI"),
        max_length=255,
        blank=True,
        validators=[validate_doi],
        help_text=_("Like 10.1000/xyz123; a https://doi.org/ address will do."),
    )

    kind = models.CharField(
        _("type"),
        max_length=40,
        blank=True,
        help_text=_("What kind of work, e.g. journal-article (ORCID's work types)."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("year"),
        FieldPanel("venue"),
        FieldPanel("doi"),
        FieldPanel("kind"),
    ]

    class Meta(Orderable.Meta):
        ordering = ["sort_order"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        self.doi = normalise_doi(self.doi)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""
