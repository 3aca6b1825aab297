"""Small taxonomies: topics and spoken languages."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from common.i18n import localized_value


class Topic(index.Indexed, models.Model):
    """A research topic; one level of nesting keeps the list scannable."""

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name (English)"))
    name_es = models.CharField(max_length=120, blank=True, verbose_name=_("name (Spanish)"))
    name_pt = models.CharField(max_length=120, blank=True, verbose_name=_("name (Portuguese)"))
    slug = models.SlugField(max_length=120, unique=True)
    synonyms = models.TextField(
        blank=True,
        verbose_name=_("synonyms"),
        help_text=_(
            "One per line, in any language (e.g. DLE, extracción directa de litio). "
            "Searching for any of them finds everyone tagged with this topic."
        ),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Leave empty for a top-level topic.",
    )
    description = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_es"),
        FieldPanel("name_pt"),
        FieldPanel("synonyms"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("description"),
        FieldPanel("sort_order"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:topic", kwargs={"slug": self.slug})

    @property
    def label(self) -> str:
        """The name in the active interface language (English when not translated)."""
        return localized_value(self, "name")


class Language(models.Model):
    """A spoken language, keyed by its ISO 639-1 code."""

    code = models.CharField(max_length=2, primary_key=True, help_text="ISO 639-1 code")
    name = models.CharField(max_length=60, unique=True, verbose_name=_("name (English)"))
    name_es = models.CharField(max_length=60, blank=True, verbose_name=_("name (Spanish)"))
    name_pt = models.CharField(max_length=60, blank=True, verbose_name=_("name (Portuguese)"))
    native_name = models.CharField(max_length=60, blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_es"),
        FieldPanel("name_pt"),
        FieldPanel("native_name"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the active interface language (English when not translated)."""
        return localized_value(self, "name")
