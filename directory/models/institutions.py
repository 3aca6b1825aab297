"""Institutions and the shared facilities they host."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from directory.choices import FacilityAccess, FacilityTechnique, InstitutionKind


def unique_slug(model: type[models.Model], name: str, exclude_pk=None) -> str:
    """A slug for `name` that no other row of `model` uses yet."""
    base = slugify(name)[:100] or "item"
    slug, n = base, 2
    qs = model._default_manager.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Institution(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Its address on the site; made from the name when left empty."),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=InstitutionKind.choices,
        default=InstitutionKind.UNIVERSITY,
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("acronym"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        MultiFieldPanel([FieldPanel("country"), FieldPanel("city")], heading=_("Location")),
        FieldPanel("website"),
        FieldPanel("logo"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("acronym"),
        index.AutocompleteField("name"),
        index.FilterField("country"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Institution, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:institution", kwargs={"slug": self.slug})


class Facility(index.Indexed, models.Model):
    """Shared equipment or a lab that others can use, e.g. a HAXPES instrument."""

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Made from the name when left empty."),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="facilities",
        verbose_name=_("institution"),
    )
    technique_type = models.CharField(
        _("technique or instrument type"),
        max_length=30,
        choices=FacilityTechnique.choices,
        blank=True,
        db_index=True,
    )
    techniques = models.CharField(
        _("techniques"),
        max_length=255,
        blank=True,
        help_text=_("Techniques offered, separated by semicolons."),
    )
    description = models.TextField(_("description"), blank=True)
    access = models.CharField(
        _("access model"),
        max_length=20,
        choices=FacilityAccess.choices,
        default=FacilityAccess.COLLABORATION,
        db_index=True,
    )
    website = models.URLField(_("website"), blank=True)
    operators = models.ManyToManyField(
        "directory.ResearcherPage",
        blank=True,
        related_name="operated_facilities",
        verbose_name=_("researchers who run it"),
    )
    contact = models.ForeignKey(
        "directory.ResearcherPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facility_contacts",
        verbose_name=_("contact for access requests"),
        help_text=_(
            "Requests for access reach this researcher by e-mail through the site, as "
            "the contact form does: their address is never shown. Without a contact "
            "who can receive e-mail, the facility offers no request form."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("institution"),
        FieldPanel("technique_type"),
        FieldPanel("techniques"),
        FieldPanel("description"),
        FieldPanel("access"),
        FieldPanel("website"),
        FieldPanel("operators"),
        FieldPanel("contact"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("techniques"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Facility, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:facility", kwargs={"slug": self.slug})

    @property
    def technique_list(self) -> list[str]:
        return [t.strip() for t in self.techniques.split(";") if t.strip()]
