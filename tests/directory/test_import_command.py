"""The researcher CSV import through its two entry points: the import_researchers
management command and the admin view.

The import logic itself is tested in test_import_reading.py and
test_import_matching.py. Shared helpers: import_support.py.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from common.progress import ProgressBar
from directory.models import ResearcherPage
from tests.directory.import_support import BAD_ORCID, make_csv, person, upload

pytestmark = pytest.mark.django_db


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
