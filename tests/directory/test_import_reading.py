"""The researcher CSV import reading a file: what a good file creates, and how bad
rows, columns and encodings are reported before anything is written.

Re-imports and transactions are in test_import_matching.py; the command and the
admin view in test_import_command.py. Shared helpers: import_support.py.
"""

from __future__ import annotations

import pytest
from taggit.models import Tag

from directory.importing import COLUMNS, bio_to_html, import_researchers
from directory.models import Institution, ResearcherPage
from tests.directory.import_support import BAD_ORCID, ORCID, counts, make_csv, person
from tests.factories import InstitutionFactory, directory_index

pytestmark = pytest.mark.django_db


# --- A good file ------------------------------------------------------------------


def test_good_file_creates_published_profiles_with_relations():
    ucl = InstitutionFactory(name="Fictional College London", acronym="FCL", country="GB")
    data = make_csv(
        person(
            given_name="José",
            family_name="Pérez",
            email="Jose.Perez@Example.ORG",
            institution="fcl",  # the acronym, in another case
            country="",
            career_stage="Senior",
            topics="Direct lithium extraction; pcam",  # a name and a slug
            keywords="litio; salmuera ;LITIO",
            languages="es;English;Português",  # a code, a name, a native name
            orcid=f"https://orcid.org/{ORCID}",
            website="www.example.org/jose",
            bio="Trabaja en <b>litio</b>.\n\nSegundo párrafo.",
            open_to="collaboration; PhD supervision",
        ),
        person(),
    )

    result = import_researchers(data)

    assert result.errors == []
    assert (result.created, result.updated) == (2, 0)
    jose = ResearcherPage.objects.get(family_name="Pérez")
    assert jose.live and jose.get_parent().specific == directory_index()
    assert jose.title == "José Pérez"
    assert jose.url_path.endswith("/jose-perez/")
    assert jose.email == "jose.perez@example.org"
    assert jose.orcid == ORCID
    assert jose.institution == ucl
    assert jose.country_code == "GB"  # from the institution, as the row has no country
    assert jose.career_stage == "senior"
    assert sorted(jose.topics.values_list("slug", flat=True)) == [
        "direct-lithium-extraction",
        "pcam",
    ]
    assert sorted(jose.languages.values_list("code", flat=True)) == ["en", "es", "pt"]
    assert sorted(jose.keywords.names()) == ["litio", "salmuera"]
    assert [(link.url, link.label) for link in jose.links.all()] == [
        ("https://www.example.org/jose", "Website")
    ]
    assert jose.biography == ("<p>Trabaja en &lt;b&gt;litio&lt;/b&gt;.</p><p>Segundo párrafo.</p>")
    assert jose.open_to_collaboration and jose.open_to_phd_supervision
    assert not (jose.open_to_visiting or jose.open_to_industry or jose.open_to_mentoring)

    ana = ResearcherPage.objects.get(family_name="Souza")
    new_institution = Institution.objects.get(name="Universidade Ficticia do Norte")
    assert new_institution.country.code == "BR" and new_institution.slug
    assert ana.institution == new_institution
    assert ana.career_stage == "early-career"
    assert result.institutions_to_create == ["Universidade Ficticia do Norte"]


def test_accents_and_bom_are_preserved():
    data = make_csv(
        person(
            given_name="Maria Conceição",
            family_name="Núñez Gonçalves",
            institution="Universidad Ficticia de Potosí",
            country="bo",
            keywords="baterías de estado sólido",
            bio="Ingeniería química; “comillas” y ñandú.",
        ),
        bom=True,
    )

    result = import_researchers(data)

    assert result.errors == []
    page = ResearcherPage.objects.get()
    assert (page.given_name, page.family_name) == ("Maria Conceição", "Núñez Gonçalves")
    assert page.slug == "maria-conceicao-nunez-goncalves"
    assert page.institution.name == "Universidad Ficticia de Potosí"
    assert page.country_code == "BO"
    assert list(page.keywords.names()) == ["baterías de estado sólido"]
    assert page.biography == "<p>Ingeniería química; “comillas” y ñandú.</p>"


def test_keywords_reuse_existing_tags_whatever_their_case():
    Tag.objects.create(name="LFP", slug="lfp")
    import_researchers(
        make_csv(person(keywords="lfp; Sodium"), person(email="b@x.org", keywords="sodium"))
    )
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["LFP", "Sodium"]
    assert sorted(ResearcherPage.objects.get(email="b@x.org").keywords.names()) == ["Sodium"]


def test_new_keywords_whose_slugs_collide_get_distinct_tags():
    import_researchers(
        make_csv(person(keywords="lítio"), person(email="b@x.org", keywords="litio"))
    )
    tags = dict(Tag.objects.values_list("name", "slug"))
    assert sorted(tags) == ["litio", "lítio"]
    assert sorted(tags.values()) == ["litio", "litio-2"]


def test_biography_is_escaped_plain_text_with_paragraphs_and_line_breaks():
    html = bio_to_html("<script>alert(1)</script>\r\nline two\n \n\nSecond & last")
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;<br/>line two</p><p>Second &amp; last</p>"
    )


# --- Bad rows -----------------------------------------------------------------------


BAD_CELLS = [
    (
        "orcid",
        BAD_ORCID,
        f"{BAD_ORCID} is not a valid ORCID iD: its check digit does not match.",
    ),
    ("email", "ana@@example", "ana@@example is not a valid e-mail address."),
    ("topics", "Anode materials;Quantum foam", '"Quantum foam" is not a topic'),
    ("country", "XZ", "XZ is not an ISO 3166-1 alpha-2 country code"),
    ("country", "UK", "the United Kingdom is GB"),
    ("career_stage", "Professor", '"Professor" is not a career stage'),
    ("given_name", "", "required, but empty."),
    ("languages", "Klingon", '"Klingon" is not a language'),
    ("open_to", "sometimes", '"sometimes" is not an open-to option'),
    ("website", "http://", "http:// is not a valid web address."),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_CELLS)
def test_a_bad_cell_is_reported_with_line_and_column_and_nothing_is_written(column, value, message):
    before = counts()
    data = make_csv(
        person(given_name="Valid", email="valid@example.org"),  # line 2
        person(**{"email": "bad@example.org", column: value}),  # line 3
        person(given_name="Also valid", email="also@example.org", website="example.org"),
    )

    result = import_researchers(data)

    assert [(issue.line, issue.column) for issue in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    assert str(result.errors[0]).startswith(f"line 3, column {column}: ")
    assert counts() == before  # not even the valid rows, their institution or keywords
    assert result.created == 0 and not result.written


def test_every_bad_row_is_reported_in_one_go():
    data = make_csv(
        person(orcid=BAD_ORCID),  # line 2
        person(given_name="", email="x@example.org"),  # line 3
        person(email="not-an-email", country="Chile", institution=""),  # line 4
        person(email="ok@example.org", career_stage="Emeritus"),  # line 5
    )

    result = import_researchers(data)

    assert [str(issue) for issue in result.errors] == [
        f"line 2, column orcid: {BAD_ORCID} is not a valid ORCID iD: its check digit"
        " does not match.",
        "line 3, column given_name: required, but empty.",
        "line 4, column email: not-an-email is not a valid e-mail address.",
        "line 4, column country: Chile is not an ISO 3166-1 alpha-2 country code"
        " (like GB, CL or BR); did you mean CL?",
        'line 5, column career_stage: "Emeritus" is not a career stage; use one of:'
        " Doctoral researcher, Early-career researcher, Mid-career researcher,"
        " Senior researcher, Industry researcher.",
    ]
    assert result.summary() == "5 errors on 4 lines (4 data rows read): nothing was imported."
    assert ResearcherPage.objects.count() == 0


def test_line_numbers_are_physical_lines_even_with_multiline_cells():
    data = make_csv(
        person(email="a@example.org", bio="one\ntwo\n\nthree"),  # lines 2-5
        person(email="b@example.org", orcid=BAD_ORCID),  # line 6
    )
    result = import_researchers(data)
    assert [(issue.line, issue.column) for issue in result.errors] == [(6, "orcid")]


def test_unknown_and_missing_columns_are_reported_up_front():
    data = b"given_name,surname,colour\nAna,Souza,red\n"
    result = import_researchers(data)
    assert [str(issue) for issue in result.errors] == [
        "line 1, column surname: unknown column; the columns are " + ", ".join(COLUMNS) + ".",
        "line 1, column colour: unknown column; the columns are " + ", ".join(COLUMNS) + ".",
        "line 1, column family_name: this required column is missing.",
        "line 1, column country: the header needs an institution or a country column, or both.",
    ]
    assert ResearcherPage.objects.count() == 0


def test_a_row_needs_an_institution_or_a_country():
    data = make_csv(
        person(institution="", country=""),
        person(email="b@example.org", institution="Brand New Institute", country=""),
    )
    result = import_researchers(data)
    assert [(issue.line, issue.column) for issue in result.errors] == [
        (2, "country"),
        (3, "country"),
    ]
    assert "Brand New Institute" in result.errors[1].message


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    data = "given_name,family_name,country\nAna,Souza,BR\nJosé,Pérez,CL\n".encode("latin-1")
    result = import_researchers(data)
    assert [(issue.line, issue.column) for issue in result.errors] == [(3, "")]
    assert "not UTF-8" in result.errors[0].message


def test_a_row_with_too_many_values_is_an_error():
    data = b"given_name,family_name,country\nAna,Souza,BR,extra\nJo,Lee,GB,,\n"
    result = import_researchers(data)
    assert [(issue.line, issue.column) for issue in result.errors] == [(2, "")]
    assert "4 values, but the header has 3 columns" in result.errors[0].message
