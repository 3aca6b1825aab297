"""Small taxonomies: topics, spoken languages, and editors' labels of fixed vocabularies.

Each has its names in English, Spanish and Portuguese; slugs, codes and values
never change with the language, so URLs and integrations do not either.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from common.i18n import localized_value
from directory.labels import Vocabulary, default_label, vocabulary_values


class Topic(index.Indexed, models.Model):
    """A research topic; one level of nesting keeps the list scannable."""

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name (English)"))
    name_es = models.CharField(max_length=120, blank=True, verbose_name=_("name (Spanish)"))
    name_pt = models.CharField(max_length=120, blank=True, verbose_name=_("name (Portuguese)"))
    slug = models.SlugField(
        max_length=120,
        unique=True,
        verbose_name=_("slug"),
        help_text=_("The topic's address and its value in the API: the same in every language."),
    )
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
        verbose_name=_("parent topic"),
        help_text=_("Leave empty for a top-level topic."),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    sort_order = models.PositiveIntegerField(default=0, verbose_name=_("sort order"))

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
    # Wagtail's own index (the admin's search and choosers): any name, any synonym.
    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_es"),
        index.SearchField("name_pt"),
        index.SearchField("synonyms"),
        index.AutocompleteField("name"),
        index.AutocompleteField("name_es"),
        index.AutocompleteField("name_pt"),
        index.SearchField("description"),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

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

    @property
    def synonym_list(self) -> list[str]:
        """The synonyms, one a line, without blanks or repeats."""
        return synonym_lines(self.synonyms)

    @property
    def search_names(self) -> list[str]:
        """Every name a search for this topic may use: the three names and the synonyms.

        Indexed with each profile tagged with the topic (search.documents), so a
        query in any of the three languages finds everyone tagged with it.
        """
        names = [self.name, self.name_es, self.name_pt, *self.synonym_list]
        return list(dict.fromkeys(name.strip() for name in names if name and name.strip()))


def synonym_lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


class Language(models.Model):
    """A spoken language, keyed by its ISO 639-1 code."""

    code = models.CharField(
        max_length=2, primary_key=True, verbose_name=_("code"), help_text=_("ISO 639-1 code")
    )
    name = models.CharField(max_length=60, unique=True, verbose_name=_("name (English)"))
    name_es = models.CharField(max_length=60, blank=True, verbose_name=_("name (Spanish)"))
    name_pt = models.CharField(max_length=60, blank=True, verbose_name=_("name (Portuguese)"))
    native_name = models.CharField(
        max_length=60,
        blank=True,
        verbose_name=_("native name"),
        help_text=_("The language's name for itself, e.g. Español."),
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_es"),
        FieldPanel("name_pt"),
        FieldPanel("native_name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the active interface language (English when not translated)."""
        return localized_value(self, "name")

    @property
    def search_names(self) -> list[str]:
        """Every name a search for this language may use: "Spanish", "Español", "Espanhol"."""
        names = [self.name, self.name_es, self.name_pt, self.native_name]
        return list(dict.fromkeys(name for name in names if name))


def term_key(vocabulary: str, value: str) -> str:
    return f"{vocabulary}:{value}"


def term_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every value of every vocabulary, grouped, labelled as the catalogue has it."""
    return [
        (
            str(vocabulary.label),
            [
                (
                    term_key(vocabulary.value, value),
                    f"{default_label(vocabulary.value, value)} ({value})",
                )
                for value in vocabulary_values(vocabulary.value)
            ],
        )
        for vocabulary in Vocabulary
    ]


class VocabularyLabelForm(WagtailAdminModelForm):
    """Vocabulary and value chosen together, from one grouped list: "open to: industry"
    and "career stage: industry" are different terms with the same value."""

    term = forms.ChoiceField(
        label=_("Term"),
        choices=term_choices,
        help_text=_("The value whose label you are changing. The value itself never changes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.vocabulary and self.instance.value:
            self.fields["term"].initial = term_key(self.instance.vocabulary, self.instance.value)

    def clean(self):
        cleaned = super().clean()
        term = cleaned.get("term")
        if term:
            vocabulary, value = term.split(":", 1)
            self.instance.vocabulary, self.instance.value = vocabulary, value
            others = VocabularyLabel.objects.filter(vocabulary=vocabulary, value=value)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "term", _("This term has its own labels already: edit those instead.")
                )
        if not any(cleaned.get(f"name_{suffix}", "").strip() for suffix in ("en", "es", "pt")):
            raise ValidationError(_("Give the label in at least one language."))
        return cleaned


class VocabularyLabel(models.Model):
    """An editor's wording of one value of a fixed vocabulary, in up to three languages.

    Career stages, "open to" flags, institution kinds and facility access are fixed
    in code (directory.choices) with labels in the catalogues; countries are named
    by django-countries. A row here replaces those labels in the languages it fills,
    everywhere at once (`directory.labels.choice_label`); an empty language keeps
    the catalogue's label. The value, which URLs and the API use, never changes.
    """

    vocabulary = models.CharField(
        max_length=20, choices=Vocabulary.choices, verbose_name=_("vocabulary")
    )
    value = models.CharField(max_length=40, verbose_name=_("value"))
    name_en = models.CharField(max_length=120, blank=True, verbose_name=_("name (English)"))
    name_es = models.CharField(max_length=120, blank=True, verbose_name=_("name (Spanish)"))
    name_pt = models.CharField(max_length=120, blank=True, verbose_name=_("name (Portuguese)"))

    base_form_class = VocabularyLabelForm
    panels = [
        FieldPanel("term"),
        FieldPanel("name_en"),
        FieldPanel("name_es"),
        FieldPanel("name_pt"),
    ]

    class Meta:
        ordering = ["vocabulary", "value"]
        verbose_name = _("vocabulary label")
        verbose_name_plural = _("vocabulary labels")
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "value"], name="directory_vocabularylabel_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_vocabulary_display()}: {self.value}"

    def clean(self) -> None:
        if self.vocabulary in Vocabulary.values and self.value not in vocabulary_values(
            self.vocabulary
        ):
            raise ValidationError({"value": _("This vocabulary has no such value.")})

    @property
    def catalogue_label(self) -> str:
        """What visitors would read without this row, in the active language."""
        return default_label(self.vocabulary, self.value)
