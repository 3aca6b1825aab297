"""Everything rows are matched against, loaded once so that checking needs no queries."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from taggit.models import Tag

from directory.choices import OPEN_TO_FIELDS, CareerStage, OpenTo
from directory.importing.columns import match_key
from directory.models import Institution, Language, ResearcherPage, Topic
from directory.validators import normalise_orcid

#: The languages whose labels a file may use, whatever language the import runs in.
LABEL_LANGUAGES = ("en", "es", "pt-br")


def _choice_keys() -> tuple[dict[str, str], dict[str, str]]:
    """Career stages and open-to flags by value, and by label in each of our languages."""
    career = {}
    open_to = {}
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            for choice in CareerStage:
                label = str(choice.label)
                career.setdefault(match_key(label), choice.value)
                short = re.sub(r"\s*researcher$", "", label, flags=re.IGNORECASE)
                career.setdefault(match_key(short), choice.value)
            for choice in OpenTo:
                field_name = OPEN_TO_FIELDS[choice]
                open_to.setdefault(match_key(str(choice.label)), field_name)
                verbose_name = ResearcherPage._meta.get_field(field_name).verbose_name
                open_to.setdefault(match_key(str(verbose_name)), field_name)
    for choice in CareerStage:
        career[match_key(choice.value)] = choice.value
    for choice in OpenTo:
        open_to[match_key(choice.value)] = OPEN_TO_FIELDS[choice]
    return career, open_to


@dataclass
class Existing:
    """What matching and checking need to know of a profile already in the directory."""

    pk: int
    title: str
    given_name: str
    family_name: str
    orcid: str
    email: str
    country: str
    institution_id: int | None
    has_unpublished_changes: bool
    bio_language: str

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass
class NewInstitution:
    """An institution the file names that the directory does not have yet."""

    name: str
    country: str = ""  # from the first row that names it and has a country
    lines_without_country: list[int] = field(default_factory=list)
    instance: Institution | None = None


class Lookups:
    def __init__(self) -> None:
        self.career_stages, self.open_to = _choice_keys()
        self.topics_by_name: dict[str, int] = {}
        self.topics_by_slug: dict[str, int] = {}
        # Topics by their name in any of our languages (the English one wins a clash).
        for pk, name, name_es, name_pt, slug in Topic.objects.values_list(
            "pk", "name", "name_es", "name_pt", "slug"
        ):
            for value in (name_pt, name_es, name):
                if value:
                    self.topics_by_name[match_key(value)] = pk
            self.topics_by_slug[match_key(slug)] = pk
        self.languages: dict[str, str] = {}
        for code, *names in Language.objects.values_list(
            "code", "name_pt", "name_es", "native_name", "name"
        ):
            for value in (*names, code):  # the code wins any clash
                if value:
                    self.languages[match_key(value)] = code
        # Keywords take the spelling of an existing tag that differs only in case, so
        # that "LFP" and "lfp" do not become two tags.
        self.tags = {name.casefold(): name for name in Tag.objects.values_list("name", flat=True)}
        self.institutions = {inst.pk: inst for inst in Institution.objects.all()}
        self.institutions_by_name: dict[str, Institution] = {}
        self.institutions_by_acronym: dict[str, list[Institution]] = defaultdict(list)
        for inst in self.institutions.values():
            self.institutions_by_name[inst.name.casefold()] = inst
            if inst.acronym:
                self.institutions_by_acronym[inst.acronym.casefold()].append(inst)
        self.existing: dict[int, Existing] = {}
        self.by_orcid: dict[str, list[int]] = defaultdict(list)
        self.by_email: dict[str, list[int]] = defaultdict(list)
        fields = [f for f in Existing.__dataclass_fields__ if f != "pk"]
        rows = (
            ResearcherPage.objects.filter(alias_of__isnull=True)
            .order_by("pk")
            .values_list("pk", *fields)
        )
        for pk, *values in rows:
            person = Existing(pk, *values)
            self.existing[pk] = person
            if person.orcid:
                self.by_orcid[normalise_orcid(person.orcid)].append(pk)
            if person.email:
                self.by_email[person.email.strip().lower()].append(pk)

    def institution(self, value: str) -> Institution | list[Institution] | None:
        """The institution named (or abbreviated) `value`; a list when that is ambiguous."""
        wanted = value.casefold()
        if wanted in self.institutions_by_name:
            return self.institutions_by_name[wanted]
        matches = self.institutions_by_acronym.get(wanted, [])
        if len(matches) == 1:
            return matches[0]
        if matches:
            return matches
        # "Name (ACRONYM)", the way the admin lists institutions.
        named = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", value)
        if named:
            inst = self.institutions_by_name.get(named.group(1).casefold())
            if inst and inst.acronym.casefold() == named.group(2).casefold():
                return inst
        return None

    def describe(self, pk: int) -> str:
        person = self.existing[pk]
        return _('"%(title)s" (page %(id)s)') % {"title": person.title, "id": pk}
