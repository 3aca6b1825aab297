"""The admin's Directory menu, the editors' topic widgets and the import's sample CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from directory.importing import COLUMNS, import_researchers
from tests.factories import NewsPageFactory, ResearcherPageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_the_directory_menu_has_researchers(admin_client) -> None:
    home = admin_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("directory_researchers:index") in home


def test_the_researcher_list_shows_profiles(admin_client) -> None:
    ResearcherPageFactory(title="Marta Ruiz")

    response = admin_client.get(reverse("directory_researchers:index"))

    assert response.status_code == 200
    assert "Marta Ruiz" in response.content.decode()


def _topic_widget(html: str) -> tuple[int, bool]:
    """(checkboxes named topics, whether a multi-select list box named topics is there)."""
    checkboxes = len(re.findall(r'<input[^>]*type="checkbox"[^>]*name="topics"', html))
    checkboxes += len(re.findall(r'<input[^>]*name="topics"[^>]*type="checkbox"', html))
    listbox = bool(re.search(r'<select[^>]*name="topics"[^>]*multiple', html))
    return checkboxes, listbox


@pytest.mark.parametrize("factory", [ResearcherPageFactory, NewsPageFactory])
def test_topics_are_checkboxes_in_the_editor(admin_client, factory) -> None:
    TopicFactory(name="Sodium-ion")
    page = factory()

    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()

    checkboxes, listbox = _topic_widget(html)
    assert checkboxes >= 1
    assert not listbox


# --- The sample CSV ------------------------------------------------------------------


def test_the_import_page_offers_the_sample(admin_client) -> None:
    html = admin_client.get(reverse("directory_import_researchers")).content.decode()
    assert reverse("directory_import_researchers_sample") in html


def test_the_sample_csv_has_every_column_and_imports_cleanly(admin_client) -> None:
    response = admin_client.get(reverse("directory_import_researchers_sample"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    result = import_researchers(response.content, dry_run=True)
    assert result.errors == []
    assert [p.name for p in result.profiles_to_create] == ["Ana Souza", "Tom Reed"]


def test_the_sample_needs_the_import_permission(client, django_user_model) -> None:
    editor = django_user_model.objects.create_user("editor", password="x")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(editor)

    response = client.get(reverse("directory_import_researchers_sample"))

    assert response.status_code != 200
    assert b"given_name" not in response.content
