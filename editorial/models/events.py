"""Events: conferences, seminars, workshops, summer schools and lab visits.

An event's start and end are instants (aware datetimes, stored in UTC) and the event
has a zone of its own (`time_zone`): editors type the times as the organisers
announce them, in that zone (`editorial.forms_events`), and visitors read them in
that zone and their own (`editorial.zones`). Attendance is in person (venue, city,
country), online (a join link) or hybrid. Speakers link to their profiles where they
have one. Each event's iCalendar file, and the calendars and feeds of all events,
live in `editorial.urls_events`.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.forms import CheckboxSelectMultiple
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Locale, Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from common.i18n_pages import LocaleFallbackMixin
from editorial.forms_events import EventPageForm
from editorial.zones import DEFAULT_ZONE, get_zone, validate_zone


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    SEMINAR = "seminar", _("Seminar or webinar")
    WORKSHOP = "workshop", _("Workshop")
    SUMMER_SCHOOL = "summer-school", _("Summer school")
    LAB_VISIT = "lab-visit", _("Lab visit")


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in-person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


#: The modes that happen at a place, and those that happen online.
AT_A_PLACE = {AttendanceMode.IN_PERSON, AttendanceMode.HYBRID}
ONLINE = {AttendanceMode.ONLINE, AttendanceMode.HYBRID}


class EventPageQuerySet(PageQuerySet):
    def listed(self) -> EventPageQuerySet:
        """Events anyone may be shown: published, and not in a private section."""
        return self.live().public()

    def upcoming(self, now: datetime | None = None) -> EventPageQuerySet:
        """Not over yet (an event under way is still upcoming), soonest first.

        It reads the clock, so an event leaves the list when it ends, by itself.
        """
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now: datetime | None = None) -> EventPageQuerySet:
        """Over, latest first."""
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")

    def in_active_language(self) -> EventPageQuerySet:
        """One page per event: its translation into the active language when there is
        one, else the original (default locale), so untranslated events still show."""
        try:
            active = Locale.get_active()
            default = Locale.get_default()
        except Locale.DoesNotExist:
            return self
        if active.pk == default.pk:
            return self.filter(locale=default)
        translated = self.filter(locale=active).values("translation_key")
        return self.filter(
            Q(locale=active) | (Q(locale=default) & ~Q(translation_key__in=translated))
        )


EventPageManager = PageManager.from_queryset(EventPageQuerySet)


class EventIndexPage(LocaleFallbackMixin, Page):
    """/events/: upcoming events (or, with ?when=past, past ones), with filters."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = ["editorial.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("events index")

    def get_context(self, request, *args, **kwargs):
        from editorial.views_events import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(request))
        return context


class EventPage(LocaleFallbackMixin, Page):
    kind = models.CharField(
        _("kind of event"),
        max_length=20,
        choices=EventKind.choices,
        default=EventKind.SEMINAR,
        db_index=True,
    )
    series = models.CharField(
        _("series"),
        max_length=150,
        blank=True,
        help_text=_("The name of the series this event belongs to, if any."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = RichTextField(_("description"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=DEFAULT_ZONE,
        validators=[validate_zone],
        help_text=_(
            "The zone the organisers announce the times in. Type the start, end and "
            "registration deadline as clocks there show them."
        ),
    )
    start = models.DateTimeField(_("starts"), db_index=True)
    end = models.DateTimeField(_("ends"), db_index=True)
    attendance_mode = models.CharField(
        _("attendance"),
        max_length=20,
        choices=AttendanceMode.choices,
        default=AttendanceMode.IN_PERSON,
        db_index=True,
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True, db_index=True)
    join_url = models.URLField(
        _("join link"),
        blank=True,
        help_text=_("Where to join online. Leave empty if registrants receive it by e-mail."),
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    registration_deadline = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    topics = ParentalManyToManyField(
        "directory.Topic", blank=True, related_name="events", verbose_name=_("topics")
    )

    objects = EventPageManager()
    base_form_class = EventPageForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("kind"), FieldPanel("series"), FieldPanel("summary")],
            heading=_("What"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("time_zone"),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attendance_mode"),
                FieldPanel("venue"),
                FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
                FieldPanel("join_url"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("registration_url"), FieldPanel("registration_deadline")],
            heading=_("Registration"),
        ),
        FieldPanel("body"),
        FieldPanel("topics", widget=CheckboxSelectMultiple),
        InlinePanel("speakers", heading=_("Speakers"), label=_("Speaker")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("series"),
        index.SearchField("city"),
        index.FilterField("kind"),
        index.FilterField("start"),
        index.FilterField("end"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("kind"),
        APIField("series"),
        APIField("summary"),
        APIField("body"),
        APIField("time_zone"),
        APIField("start"),
        APIField("end"),
        APIField("attendance_mode"),
        APIField("venue"),
        APIField("city"),
        APIField("country_code"),
        APIField("join_url"),
        APIField("registration_url"),
        APIField("registration_deadline"),
        APIField("topic_slugs"),
        APIField("speaker_list"),
    ]
    parent_page_types = ["editorial.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    @property
    def zone(self):
        return get_zone(self.time_zone)

    @property
    def country_code(self) -> str:
        return self.country.code or ""

    @property
    def topic_slugs(self) -> list[str]:
        return [topic.slug for topic in self.topics.all()]

    @property
    def speaker_list(self) -> list[dict[str, str]]:
        """Speakers for the API: name, affiliation and talk, never a profile's contact
        details (a speaker's profile is its own API item)."""
        return [
            {
                "name": row.display_name,
                "affiliation": row.affiliation,
                "talk_title": row.talk_title,
            }
            for row in self.speakers.select_related("researcher")
        ]

    @property
    def is_at_a_place(self) -> bool:
        return self.attendance_mode in AT_A_PLACE

    @property
    def is_online(self) -> bool:
        return self.attendance_mode in ONLINE

    def clean(self):
        super().clean()
        errors: dict[str, list] = {}
        if self.start and self.end and self.end <= self.start:
            errors.setdefault("end", []).append(_("The event must end after it starts."))
        if self.registration_deadline and self.end and self.registration_deadline > self.end:
            errors.setdefault("registration_deadline", []).append(
                _("Registration cannot close after the event has ended.")
            )
        if self.is_at_a_place:
            for field in ("city", "country"):
                if not getattr(self, field):
                    errors.setdefault(field, []).append(
                        _("Say where the event takes place: an event in person needs it.")
                    )
        if self.is_online and not (self.join_url or self.registration_url):
            errors.setdefault("join_url", []).append(
                _("Give the join link, or a registration link through which people receive it.")
            )
        if errors:
            raise ValidationError(errors)

    def get_context(self, request, *args, **kwargs):
        from editorial.event_display import page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(page_context(self, request))
        return context


class EventSpeaker(Orderable):
    """A speaker: a researcher in the directory, or anyone else by name."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="speakers")
    researcher = models.ForeignKey(
        "directory.ResearcherPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_talks",
        verbose_name=_("researcher in the directory"),
        help_text=_("Choose their profile if they have one; otherwise write their name."),
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=255, blank=True)
    talk_title = models.CharField(_("talk title"), max_length=255, blank=True)

    panels = [
        FieldPanel("researcher"),
        FieldPanel("name"),
        FieldPanel("affiliation"),
        FieldPanel("talk_title"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.display_name

    def clean(self):
        super().clean()
        if not self.researcher_id and not self.name.strip():
            raise ValidationError({"name": _("Choose the speaker's profile or write their name.")})

    @property
    def display_name(self) -> str:
        if self.researcher_id:
            return self.researcher.title
        return self.name
