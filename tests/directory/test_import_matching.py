"""The researcher CSV import: the shared logic, the command and the admin view."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from taggit.models import Tag

from common.progress import ProgressBar
from directory.bulk import researchers_bulk_saved
from directory.importing import COLUMNS, bio_to_html, import_researchers
from directory.models import Institution, ResearcherLink, ResearcherPage, Topic
from tests.factories import InstitutionFactory, ResearcherPageFactory, directory_index

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"
ORCID_2 = "0000-0001-5109-3700"
BAD_ORCID = "0000-0002-1825-0098"  # check digit off by one


def person(**values: str) -> dict[str, str]:
    """A valid row; keyword arguments override its cells."""
    row = {
        "given_name": "Ana",
        "family_name": "Souza",
        "email": "ana.souza@uni.example.org",
        "institution": "Universidade Ficticia do Norte",
        "country": "BR",
        "job_title": "Pesquisadora",
        "career_stage": "Early-career researcher",
        "topics": "Anode materials",
        "keywords": "silício",
        "languages": "pt",
        "orcid": "",
        "website": "",
        "bio": "",
        "open_to": "",
    }
    row.update(values)
    return row


def make_csv(*rows: dict[str, str], columns=COLUMNS, bom: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def counts() -> tuple[int, int, int, int]:
    return (
        ResearcherPage.objects.count(),
        Institution.objects.count(),
        Tag.objects.count(),
        ResearcherLink.objects.count(),
    )


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


# --- Re-importing ---------------------------------------------------------------


def test_reimport_updates_the_profile_matched_by_orcid():
    affiliation = InstitutionFactory()
    page = ResearcherPageFactory(
        given_name="Ana",
        family_name="Souza",
        orcid=ORCID,
        email="old@example.org",
        affiliations=[affiliation],
    )
    data = make_csv(
        person(
            orcid=f"https://orcid.org/{ORCID.lower()}",
            email="new@example.org",
            job_title="Professora",
            topics="cam",
        )
    )

    result = import_researchers(data)

    assert result.errors == []
    assert (result.created, result.updated) == (0, 1)
    assert ResearcherPage.objects.count() == 1
    page.refresh_from_db()
    assert page.email == "new@example.org"
    assert page.job_title == "Professora"
    assert list(page.topics.values_list("slug", flat=True)) == ["cam"]
    assert list(page.affiliations.all()) == [affiliation]  # not in the file: kept
    assert page.country_code == "BR"


def test_reimport_updates_the_profile_matched_by_email_case_insensitively():
    page = ResearcherPageFactory(
        given_name="Ana", family_name="Souza", email="Ana.Souza@Uni.Example.org"
    )
    data = make_csv(person(email="ANA.SOUZA@uni.example.org", family_name="Souza Lima"))

    result = import_researchers(data)

    assert (result.created, result.updated) == (0, 1)
    assert ResearcherPage.objects.count() == 1
    page.refresh_from_db()
    assert page.family_name == "Souza Lima"
    assert page.title == "Ana Souza Lima"  # the title followed the name
    assert page.email == "ana.souza@uni.example.org"
    assert page.slug == "researcher-" + page.slug.split("-")[-1]  # URL unchanged


def test_reimporting_the_same_file_changes_nothing_and_writes_nothing(
    django_capture_on_commit_callbacks,
):
    data = make_csv(
        person(orcid=ORCID, website="https://example.org/ana", open_to="mentoring"),
        person(given_name="Rui", email="rui@example.org", keywords="a;b", languages="es;pt"),
    )
    assert import_researchers(data).created == 2
    saved: list[list[int]] = []
    researchers_bulk_saved.connect(
        lambda sender, pks, **kw: saved.append(pks), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            again = import_researchers(data)
    finally:
        researchers_bulk_saved.disconnect(dispatch_uid="t")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert ResearcherPage.objects.count() == 2
    assert ResearcherLink.objects.count() == 1
    assert callbacks == [] and saved == []  # nothing to re-index


def test_updates_are_indexed_once_the_transaction_commits(django_capture_on_commit_callbacks):
    page = ResearcherPageFactory(orcid=ORCID)
    saved: list[list[int]] = []
    researchers_bulk_saved.connect(
        lambda sender, pks, **kw: saved.append(pks), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_researchers(make_csv(person(orcid=ORCID, email="x@example.org")))
    finally:
        researchers_bulk_saved.disconnect(dispatch_uid="t")
    assert saved == [[page.pk]]


def test_with_a_queuing_backend_wagtail_indexing_is_left_to_the_worker(
    settings, django_capture_on_commit_callbacks
):
    from django_tasks import default_task_backend
    from wagtail.search.backends import get_search_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        import_researchers(make_csv(person(family_name="Quenaya")))
    page = ResearcherPage.objects.get(family_name="Quenaya")
    queued = [
        result.args
        for result in default_task_backend.results
        if result.task.name == "update_wagtail_index_task"
    ]
    assert queued == [[[page.pk]]]
    assert not get_search_backend().search("Quenaya", ResearcherPage)  # not yet, inline

    from directory.tasks import update_wagtail_index_task

    update_wagtail_index_task.call([page.pk])  # what the worker does
    assert list(get_search_backend().search("Quenaya", ResearcherPage)) == [page]


def test_columns_left_out_of_the_file_are_left_alone():
    topic = Topic.objects.get(slug="cam")
    page = ResearcherPageFactory(
        orcid=ORCID, job_title="Lecturer", career_stage="senior", topics=[topic]
    )
    page.keywords.add("kept")
    page.save()
    ResearcherLink.objects.create(page=page, url="https://scholar.example.org/x", label="Scholar")
    data = make_csv(
        {
            "given_name": page.given_name,
            "family_name": page.family_name,
            "orcid": ORCID,
            "languages": "en",
        },
        columns=("given_name", "family_name", "orcid", "languages", "country"),
    )

    result = import_researchers(data)

    assert result.errors == [] and result.updated == 1
    page.refresh_from_db()
    assert (page.job_title, page.career_stage) == ("Lecturer", "senior")
    assert list(page.topics.all()) == [topic]
    assert list(page.keywords.names()) == ["kept"]
    assert list(page.languages.values_list("code", flat=True)) == ["en"]
    assert page.links.count() == 1


def test_only_the_relations_that_differ_are_rewritten():
    import_researchers(make_csv(person(orcid=ORCID, topics="cam", languages="es", keywords="a;b")))
    page = ResearcherPage.objects.get()
    tagged_before = set(page.tagged_keywords.values_list("pk", flat=True))
    languages_before = set(ResearcherPage.languages.through.objects.values_list("pk", flat=True))

    result = import_researchers(
        make_csv(person(orcid=ORCID, topics="pcam;cam", languages="es", keywords="b;a"))
    )

    assert result.updated == 1
    assert sorted(page.topics.values_list("slug", flat=True)) == ["cam", "pcam"]
    assert set(page.tagged_keywords.values_list("pk", flat=True)) == tagged_before
    assert (
        set(ResearcherPage.languages.through.objects.values_list("pk", flat=True))
        == languages_before
    )

    import_researchers(make_csv(person(orcid=ORCID, topics="pcam;cam", keywords="c")))
    assert list(page.keywords.names()) == ["c"]
    assert sorted(page.topics.values_list("slug", flat=True)) == ["cam", "pcam"]
    assert list(page.languages.values_list("code", flat=True)) == ["pt"]


def test_website_replaces_the_imported_link_and_keeps_others():
    page = ResearcherPageFactory(orcid=ORCID)
    ResearcherLink.objects.create(page=page, url="https://scholar.example.org/x", label="Scholar")
    import_researchers(make_csv(person(orcid=ORCID, website="https://old.example.org")))
    import_researchers(make_csv(person(orcid=ORCID, website="https://new.example.org")))
    assert sorted(page.links.values_list("label", "url")) == [
        ("Scholar", "https://scholar.example.org/x"),
        ("Website", "https://new.example.org"),
    ]
    import_researchers(make_csv(person(orcid=ORCID, website="")))
    assert list(page.links.values_list("label", flat=True)) == ["Scholar"]


def test_a_customised_title_is_kept():
    page = ResearcherPageFactory(
        given_name="Ana", family_name="Souza", title="Prof. Ana Souza", orcid=ORCID
    )
    import_researchers(make_csv(person(orcid=ORCID, family_name="Souza Lima")))
    page.refresh_from_db()
    assert (page.family_name, page.title) == ("Souza Lima", "Prof. Ana Souza")


def test_the_same_person_twice_in_a_file_is_an_error_on_the_second_row():
    data = make_csv(
        person(orcid=ORCID, email="a@example.org"),
        person(email="b@example.org"),
        person(orcid=ORCID, email="c@example.org", given_name="Again"),  # line 4
        person(email="B@EXAMPLE.ORG", given_name="And again"),  # line 5
    )
    result = import_researchers(data)
    assert [str(issue) for issue in result.errors] == [
        f"line 4, column orcid: line 2 has the same ORCID iD {ORCID}.",
        "line 5, column email: line 3 has the same e-mail address.",
    ]
    assert ResearcherPage.objects.count() == 0


def test_two_rows_matching_one_profile_by_different_keys_are_an_error():
    page = ResearcherPageFactory(orcid=ORCID, email="ana@example.org")
    data = make_csv(
        person(orcid=ORCID, email="other@example.org"),
        person(email="ana@example.org", given_name="Ana again"),
    )
    result = import_researchers(data)
    assert [(issue.line, issue.column) for issue in result.errors] == [(3, "email")]
    assert f"page {page.pk}" in result.errors[0].message


def test_an_email_whose_profile_has_another_orcid_is_an_error():
    ResearcherPageFactory(orcid=ORCID, email="ana@example.org")
    result = import_researchers(make_csv(person(orcid=ORCID_2, email="ana@example.org")))
    assert [(issue.line, issue.column) for issue in result.errors] == [(2, "orcid")]


def test_a_profile_with_a_draft_gets_live_values_and_a_warning():
    page = ResearcherPageFactory(orcid=ORCID, job_title="Lecturer")
    page.job_title = "Draft title"
    page.save_revision()
    page.refresh_from_db()
    assert page.has_unpublished_changes

    result = import_researchers(make_csv(person(orcid=ORCID, job_title="Reader")))

    assert result.updated == 1
    assert [issue.line for issue in result.warnings] == [2]
    assert "unpublished draft" in result.warnings[0].message
    page.refresh_from_db()
    assert page.job_title == "Reader"  # live
    assert page.get_latest_revision_as_object().job_title == "Draft title"  # draft untouched


# --- Dry run and transactions ---------------------------------------------------


def test_dry_run_writes_nothing_but_reports_what_would_happen():
    ResearcherPageFactory(orcid=ORCID)
    before = counts()
    data = make_csv(person(orcid=ORCID, job_title="New"), person(email="n@example.org"))

    result = import_researchers(data, dry_run=True)

    assert result.errors == []
    assert (result.to_create, result.to_update, result.unchanged) == (1, 1, 0)
    assert result.institutions_to_create == ["Universidade Ficticia do Norte"]
    assert (result.created, result.updated) == (0, 0)
    assert counts() == before
    assert ResearcherPage.objects.get(orcid=ORCID).job_title == "Research fellow"
    assert result.summary().startswith("Dry run of 2 rows, nothing was written")


def test_a_failure_while_writing_rolls_everything_back(monkeypatch):
    before = counts()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ResearcherLink.objects, "bulk_create", explode)
    data = make_csv(person(website="https://example.org"), person(email="b@example.org"))
    with pytest.raises(RuntimeError):
        import_researchers(data)
    assert counts() == before  # no institution, profile or keyword survived


# --- The command ------------------------------------------------------------------


def test_command_imports_and_summarises(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(make_csv(person(), person(email="b@example.org", given_name="Bea")))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_researchers", str(path), stdout=out, stderr=err)

    assert ResearcherPage.objects.count() == 2
    assert "Universidade Ficticia do Norte" in out.getvalue()
    assert (
        "Imported 2 rows: created 2 profiles, updated 0 (0 unchanged)"
        " and created 1 institution." in out.getvalue()
    )
    assert err.getvalue() == ""  # no progress bar when stderr is not a terminal


def test_command_dry_run(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(make_csv(person()))
    out = io.StringIO()
    call_command("import_researchers", str(path), "--dry-run", stdout=out)
    assert "would create 1 profile, update 0" in out.getvalue()
    assert ResearcherPage.objects.count() == 0


def test_command_lists_every_error_and_fails(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(
        make_csv(person(), person(email="b@example.org", orcid=BAD_ORCID), person(email="nope"))
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 errors on 2 lines"):
        call_command("import_researchers", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        f"line 3, column orcid: {BAD_ORCID} is not a valid ORCID iD: its check digit"
        " does not match.",
        "line 4, column email: nope is not a valid e-mail address.",
    ]
    assert ResearcherPage.objects.count() == 0


def test_command_exit_status_is_non_zero_on_errors(tmp_path, capsys):
    from django.core.management import ManagementUtility

    path = tmp_path / "people.csv"
    path.write_bytes(make_csv(person(orcid=BAD_ORCID)))
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_researchers", str(path)]).execute()
    assert exit_info.value.code == 1
    assert "line 2, column orcid" in capsys.readouterr().err


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_researchers", str(tmp_path / "nope.csv"))


def test_command_progress_bar_on_request(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(make_csv(person()))
    err = io.StringIO()
    call_command("import_researchers", str(path), "--progress", stdout=io.StringIO(), stderr=err)
    assert "\rValidating  1/1 [==============================] 100%" in err.getvalue()
    assert "\rWriting     1/1 [==============================] 100%" in err.getvalue()
    assert err.getvalue().endswith("\n")


def test_progress_bar_draws_in_place():
    stream = io.StringIO()
    bar = ProgressBar(stream, in_place=True)
    bar.INTERVAL = 0
    bar("Validating", 4000, 10000)
    bar("Validating", 10000, 10000)
    bar.close()
    assert stream.getvalue() == (
        "\rValidating   4,000/10,000 [============>                 ]  40%"
        "\rValidating  10,000/10,000 [==============================] 100%\n"
    )


# --- The admin ---------------------------------------------------------------------


def upload(client, data: bytes, **extra):
    return client.post(
        reverse("directory_import_researchers"),
        {"file": SimpleUploadedFile("people.csv", data, content_type="text/csv"), **extra},
    )


def test_admin_import_as_superuser(admin_client):
    response = admin_client.get(reverse("directory_import_researchers"))
    assert response.status_code == 200
    assert b"Import researchers" in response.content

    response = upload(admin_client, make_csv(person(), person(email="b@example.org")))

    assert response.status_code == 200
    assert ResearcherPage.objects.count() == 2
    assert response.context["result"].created == 2
    assert b'data-count="created">2<' in response.content


def test_admin_lists_every_error(admin_client):
    response = upload(admin_client, make_csv(person(orcid=BAD_ORCID), person(email="nope")))
    html = response.content.decode()
    assert "is not a valid ORCID iD: its check digit does not match." in html
    assert "nope is not a valid e-mail address." in html
    assert ResearcherPage.objects.count() == 0


def test_admin_dry_run(admin_client):
    response = upload(admin_client, make_csv(person()), dry_run="on")
    assert response.context["result"].to_create == 1
    assert b'data-count="to-create">1<' in response.content
    assert ResearcherPage.objects.count() == 0


def test_admin_refuses_users_without_permission(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="x")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(editor)

    response = upload(client, make_csv(person()))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert ResearcherPage.objects.count() == 0
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "import-researchers" not in home


def test_admin_allows_users_who_may_add_institutions(client, django_user_model):
    editor = django_user_model.objects.create_user("editor", password="x")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="directory", codename="add_institution"),
    )
    client.force_login(editor)

    assert "import-researchers" in client.get(reverse("wagtailadmin_home")).content.decode()
    response = upload(client, make_csv(person()))

    assert response.status_code == 200
    assert ResearcherPage.objects.count() == 1
