"""A dry run names the profiles it would create and update, in the command and the admin."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from directory.importing import import_researchers
from directory.models import ResearcherPage
from tests.directory.import_support import ORCID, make_csv, person, upload
from tests.factories import ResearcherPageFactory

pytestmark = pytest.mark.django_db


def plan_file() -> bytes:
    """One row updates an existing profile, one creates Bea Lima, one changes nothing."""
    ResearcherPageFactory(orcid=ORCID, title="Marta Ruiz", given_name="Marta", family_name="Ruiz")
    return make_csv(
        person(orcid=ORCID, given_name="Marta", family_name="Ruiz", job_title="Professor"),
        person(given_name="Bea", family_name="Lima", email="bea@example.org"),
    )


def test_dry_run_names_the_profiles_it_would_create_and_update():
    data = plan_file()
    marta = ResearcherPage.objects.get(orcid=ORCID)

    result = import_researchers(data, dry_run=True)

    assert [(p.line, p.name, p.page_id) for p in result.profiles_to_create] == [
        (3, "Bea Lima", None)
    ]
    assert [(p.line, p.name, p.page_id) for p in result.profiles_to_update] == [
        (2, "Marta Ruiz", marta.pk)
    ]


def test_dry_run_leaves_unchanged_profiles_out_of_the_update_list():
    data = plan_file()
    import_researchers(data)

    result = import_researchers(data, dry_run=True)

    assert result.profiles_to_create == []
    assert result.profiles_to_update == []
    assert result.unchanged == 2


def test_a_file_with_errors_names_no_profiles():
    result = import_researchers(make_csv(person(), person(email="nope")), dry_run=True)
    assert result.errors
    assert result.profiles_to_create == result.profiles_to_update == []


def test_command_dry_run_lists_the_names(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(plan_file())
    out = io.StringIO()

    call_command("import_researchers", str(path), "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert "Would create these profiles:" in lines
    assert "  line 3: Bea Lima" in lines
    assert "Would update these profiles:" in lines
    assert any(line.startswith("  line 2: Marta Ruiz (page ") for line in lines)


def test_admin_dry_run_lists_the_names_and_links_the_updated_profile(admin_client):
    data = plan_file()
    marta = ResearcherPage.objects.get(orcid=ORCID)

    html = upload(admin_client, data, dry_run="on").content.decode()

    assert "Profiles that would be created" in html
    assert "Bea Lima" in html
    assert "Profiles that would be updated" in html
    assert f'href="/admin/pages/{marta.pk}/edit/"' in html
    assert ResearcherPage.objects.count() == 1
