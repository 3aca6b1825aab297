"""The researcher CSV import writing a file over existing profiles: matching rows to
profiles by ORCID iD or e-mail, updating only what differs, dry runs and rollback.

Reading and validation are in test_import_reading.py; the command and the admin
view in test_import_command.py. Shared helpers: import_support.py.
"""

from __future__ import annotations

import pytest

from directory.bulk import researchers_bulk_saved
from directory.importing import import_researchers
from directory.models import ResearcherLink, ResearcherPage, Topic
from tests.directory.import_support import ORCID, ORCID_2, counts, make_csv, person
from tests.factories import InstitutionFactory, ResearcherPageFactory

pytestmark = pytest.mark.django_db


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
