"""Directory models: identifiers, names, countries, titles and e-mail addresses."""

import json
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from directory.models import ResearcherPage, ResearcherPublication
from directory.validators import (
    normalise_doi,
    normalise_orcid,
    orcid_check_character,
    validate_doi,
    validate_orcid,
)
from tests.factories import (
    InstitutionFactory,
    ResearcherPageFactory,
    ResearcherPublicationFactory,
    directory_index,
)

VALID_ORCIDS = [
    "0000-0002-1825-0097",
    "0000-0001-5109-3700",
    "0000-0002-1694-233X",  # check character 10 is written X
]


def error_codes(exc: ValidationError) -> set[str]:
    return {error.code for error in exc.error_list}


# --- ORCID iD -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected"),
    [("000000021825009", "7"), ("000000015109370", "0"), ("000000021694233", "X")],
)
def test_orcid_check_character_is_iso_7064_mod_11_2(base, expected):
    assert orcid_check_character(base) == expected


@pytest.mark.parametrize("orcid", VALID_ORCIDS)
def test_valid_orcids_pass(orcid):
    validate_orcid(orcid)  # raises on failure


@pytest.mark.parametrize(
    "orcid",
    [
        "0000-0002-1825-0098",  # last digit off by one
        "0000-0002-1825-0079",  # two digits transposed
        "0000-0001-5109-370X",
        "0000-0002-1694-2330",  # X expected
    ],
)
def test_wrong_check_digit_is_refused(orcid):
    with pytest.raises(ValidationError) as excinfo:
        validate_orcid(orcid)
    assert error_codes(excinfo.value) == {"orcid_checksum"}


@pytest.mark.parametrize(
    "orcid",
    ["", "0000-0002-1825", "0000-0002-1825-00977", "0000-0002-X825-0097", "abcd-efgh-ijkl-mnop"],
)
def test_malformed_orcid_is_refused(orcid):
    with pytest.raises(ValidationError) as excinfo:
        validate_orcid(orcid)
    assert error_codes(excinfo.value) == {"orcid_format"}


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("http://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("  HTTPS://ORCID.ORG/0000-0002-1694-233X ", "0000-0002-1694-233X"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
    ],
)
def test_orcid_url_forms_are_accepted_and_normalised(given, stored):
    validate_orcid(given)
    assert normalise_orcid(given) == stored


def test_orcid_url_with_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError):
        validate_orcid("https://orcid.org/0000-0002-1825-0098")


@pytest.mark.django_db
def test_profile_stores_the_bare_orcid_from_a_url():
    page = ResearcherPageFactory(orcid="https://orcid.org/0000-0002-1694-233x")
    page.refresh_from_db()
    assert page.orcid == "0000-0002-1694-233X"
    assert page.orcid_url == "https://orcid.org/0000-0002-1694-233X"


@pytest.mark.django_db
def test_profile_with_invalid_orcid_fails_validation_on_the_orcid_field():
    page = ResearcherPageFactory()
    page.orcid = "0000-0002-1825-0098"
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()
    assert set(excinfo.value.message_dict) == {"orcid"}
    with pytest.raises(ValidationError):
        page.save_revision()  # revisions are validated too
    page.refresh_from_db()
    assert page.orcid == ""


# --- DOI ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.1016/j.jpowsour.2024.234567", "10.1016/j.jpowsour.2024.234567"),
        ("https://doi.org/10.1038/s41586-020-2649-2", "10.1038/s41586-020-2649-2"),
        ("http://doi.org/10.1149/1945-7111/ab1234", "10.1149/1945-7111/ab1234"),
        ("https://dx.doi.org/10.1002/aenm.202301234", "10.1002/aenm.202301234"),
        ("doi:10.1000/xyz123", "10.1000/xyz123"),
        (" 10.1000/xyz123 ", "10.1000/xyz123"),
    ],
)
def test_valid_dois_pass_and_are_normalised(given, stored):
    validate_doi(given)
    assert normalise_doi(given) == stored


@pytest.mark.parametrize(
    "doi",
    [
        "not a doi",
        "10.12/abc",
        "11.1000/xyz",
        "10.1000/",
        "10.1000/has space",
        "https://example.org/x",
    ],
)
def test_invalid_dois_are_refused(doi):
    with pytest.raises(ValidationError) as excinfo:
        validate_doi(doi)
    assert error_codes(excinfo.value) == {"doi_format"}


@pytest.mark.django_db
def test_publication_validates_and_normalises_its_doi():
    page = ResearcherPageFactory()
    publication = ResearcherPublication(
        page=page, title="Brine chemistry", doi="https://doi.org/10.1016/J.HYDROMET.2020.105"
    )
    publication.full_clean()
    assert publication.doi == "10.1016/J.HYDROMET.2020.105"

    publication.doi = "doi 10.1016"
    with pytest.raises(ValidationError) as excinfo:
        publication.full_clean()
    assert set(excinfo.value.message_dict) == {"doi"}


@pytest.mark.django_db
def test_publication_without_doi_is_valid_and_has_no_link():
    publication = ResearcherPublicationFactory(doi="")
    publication.full_clean()
    assert publication.doi_url == ""
    assert ResearcherPublicationFactory(doi="10.1000/a1").doi_url == "https://doi.org/10.1000/a1"


# --- Names --------------------------------------------------------------------

UNICODE_NAMES = [
    ("José", "Pérez Núñez"),
    ("Łukasz", "Żółkiewski"),
    ("Thị Minh", "Nguyễn"),
    ("小明", "王"),
    ("Μαρία", "Παπαδοπούλου"),
    ("محمد", "العلي"),
    ("Siân", "Ó Briain-Ní Dhúill"),
    ("Jose\u0301", "Ma\u0308rquez"),  # combining accents must not be recomposed
    ("Ana 🔋", "Rojas"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("given", "family"), UNICODE_NAMES)
def test_names_in_any_script_are_preserved(client, given, family):
    page = ResearcherPageFactory(given_name=given, family_name=family, title="")
    stored = ResearcherPage.objects.get(pk=page.pk)
    assert (stored.given_name, stored.family_name) == (given, family)
    assert stored.title == f"{given} {family}"

    html = client.get(page.url).content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert unescape(heading) == f"{given} {family}"
    json_ld = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    assert (json_ld["givenName"], json_ld["familyName"]) == (given, family)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("given", "family", "slug"),
    [
        ("José", "Pérez", "jose-perez"),
        ("小明", "王", "researcher"),
        ("محمد", "العلي", "researcher"),
    ],
)
def test_profile_slug_is_ascii_with_a_fallback_for_other_scripts(given, family, slug):
    page = directory_index().add_child(
        instance=ResearcherPage(given_name=given, family_name=family)
    )
    assert page.slug == slug
    assert page.title == f"{given} {family}"
    # a second profile of the same name gets a slug of its own
    again = directory_index().add_child(
        instance=ResearcherPage(given_name=given, family_name=family)
    )
    assert again.slug == f"{slug}-2"


# --- Title --------------------------------------------------------------------


@pytest.mark.django_db
def test_title_defaults_to_full_name():
    page = ResearcherPageFactory(given_name="Ana", family_name="Rojas Ñuñoa", title="")
    page.refresh_from_db()
    assert page.title == "Ana Rojas Ñuñoa"
    assert page.draft_title == "Ana Rojas Ñuñoa"


@pytest.mark.django_db
def test_explicit_title_is_kept():
    page = ResearcherPageFactory(given_name="Ana", family_name="Rojas", title="Prof. Ana Rojas")
    page.refresh_from_db()
    assert page.title == "Prof. Ana Rojas"
    assert page.full_name == "Ana Rojas"


# --- Country ------------------------------------------------------------------


@pytest.mark.django_db
def test_country_comes_from_the_institution_unless_set():
    chile = InstitutionFactory(country="CL")
    derived = ResearcherPageFactory(institution=chile)
    own = ResearcherPageFactory(institution=chile, country="GB")
    assert ResearcherPage.objects.get(pk=derived.pk).country_code == "CL"
    assert ResearcherPage.objects.get(pk=own.pk).country_code == "GB"


@pytest.mark.django_db
def test_country_follows_an_institution_country_change():
    institution = InstitutionFactory(country="CL")
    derived = ResearcherPageFactory(institution=institution)
    own = ResearcherPageFactory(institution=institution, country="GB")
    elsewhere = ResearcherPageFactory(institution=InstitutionFactory(country="MX"))

    institution.country = "AR"
    institution.save()

    assert ResearcherPage.objects.get(pk=derived.pk).country_code == "AR"
    assert ResearcherPage.objects.get(pk=own.pk).country_code == "GB"
    assert ResearcherPage.objects.get(pk=elsewhere.pk).country_code == "MX"


@pytest.mark.django_db
def test_country_follows_a_change_of_institution_and_of_own_country():
    page = ResearcherPageFactory(institution=InstitutionFactory(country="CL"))
    page.institution = InstitutionFactory(country="BR")
    page.save_revision().publish()
    assert ResearcherPage.objects.get(pk=page.pk).country_code == "BR"

    page = ResearcherPage.objects.get(pk=page.pk)
    page.country = "GB"
    page.save_revision().publish()
    assert ResearcherPage.objects.get(pk=page.pk).country_code == "GB"

    page = ResearcherPage.objects.get(pk=page.pk)
    page.country = ""
    page.save()
    assert ResearcherPage.objects.get(pk=page.pk).country_code == "BR"


@pytest.mark.django_db
def test_no_institution_and_no_country_means_no_country():
    page = ResearcherPageFactory(institution=None)
    assert ResearcherPage.objects.get(pk=page.pk).country_code == ""


@pytest.mark.django_db
def test_country_is_cleared_when_the_institution_is_deleted():
    institution = InstitutionFactory(country="CL")
    page = ResearcherPageFactory(institution=institution)
    institution.delete()
    assert ResearcherPage.objects.get(pk=page.pk).country_code == ""


# --- E-mail -------------------------------------------------------------------


@pytest.mark.django_db
def test_email_is_normalised_on_create():
    page = ResearcherPageFactory(email="  Ana.Rojas@UNI.Example.ORG ")
    assert ResearcherPage.objects.get(pk=page.pk).email == "ana.rojas@uni.example.org"


@pytest.mark.django_db
def test_email_is_normalised_on_save_and_on_publish():
    page = ResearcherPageFactory()
    page.email = "Someone@Example.ORG"
    page.save()
    assert ResearcherPage.objects.get(pk=page.pk).email == "someone@example.org"

    page = ResearcherPage.objects.get(pk=page.pk)
    page.email = " Other.Person@Example.ORG"
    page.save_revision().publish()
    assert ResearcherPage.objects.get(pk=page.pk).email == "other.person@example.org"


@pytest.mark.django_db
def test_invalid_email_is_refused():
    page = ResearcherPageFactory()
    page.email = "not-an-address"
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()
    assert set(excinfo.value.message_dict) == {"email"}
