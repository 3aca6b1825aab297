"""A researcher's account edits its own profile in the admin, and nothing else."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import querydict_from_html

from directory.models import ResearcherPage
from directory.permissions import profile_group_name
from tests.factories import ResearcherPageFactory, directory_index

pytestmark = pytest.mark.django_db


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def make_user(username: str):
    return get_user_model().objects.create_user(username, f"{username}@example.org", "pw")


def link(page, user, how: str = "save"):
    page = ResearcherPage.objects.get(pk=page.pk)
    page.user = user
    if how == "save":
        page.save()
    else:
        page.save_revision().publish()
    return page


def is_denied(response) -> bool:
    """Wagtail answers a forbidden admin view with a 403 or a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))


@pytest.fixture
def ana():
    return make_user("ana")


@pytest.fixture
def own(ana):
    return link(ResearcherPageFactory(title="Ana Rojas", slug="ana-rojas"), ana)


@pytest.fixture
def other():
    return link(ResearcherPageFactory(slug="someone-else"), make_user("someone"))


@pytest.mark.parametrize("how", ["save", "publish"])
def test_linked_account_edits_its_own_profile_and_no_other(client, ana, other, how):
    own = link(ResearcherPageFactory(slug="ana-rojas"), ana, how)
    client.force_login(ana)

    response = client.get(edit_url(own))
    assert response.status_code == 200
    assert 'id="page-edit-form"' in response.content.decode()

    assert is_denied(client.get(edit_url(other)))
    assert is_denied(client.get(edit_url(directory_index())))
    add_profile = reverse(
        "wagtailadmin_pages:add", args=["directory", "researcherpage", directory_index().pk]
    )
    assert is_denied(client.get(add_profile))


def test_unlinked_account_has_no_admin_access(client, own):
    stranger = make_user("stranger")
    client.force_login(stranger)
    assert is_sent_to_login(client.get(edit_url(own)))
    assert is_sent_to_login(client.get(reverse("wagtailadmin_home")))


def test_researcher_may_edit_but_not_publish_unpublish_or_delete(ana, own, other):
    perms = own.permissions_for_user(ana)
    assert perms.can_edit()
    assert not perms.can_publish()
    assert not perms.can_unpublish()
    assert not perms.can_delete()
    assert not perms.can_add_subpage()
    assert not other.permissions_for_user(ana).can_edit()


def edit_form(client, page, **changes) -> dict:
    response = client.get(edit_url(page))
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data.update(changes)
    return data


def test_publish_attempt_only_saves_a_draft(client, ana, own):
    client.force_login(ana)
    data = edit_form(client, own, title="Ana Rojas (edited)", job_title="Professor")
    data["action-publish"] = "action-publish"

    response = client.post(edit_url(own), data)
    assert response.status_code == 302

    live = ResearcherPage.objects.get(pk=own.pk)
    assert live.title == "Ana Rojas"
    assert live.job_title == "Research fellow"
    assert live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    assert (draft.title, draft.job_title) == ("Ana Rojas (edited)", "Professor")
    assert live.live_revision_id != live.latest_revision_id


def test_submitting_an_edit_sends_it_to_moderation(client, ana, own):
    assert own.has_workflow  # Wagtail's default "Moderators approval" covers the tree
    client.force_login(ana)
    data = edit_form(client, own, job_title="Professor")
    data["action-submit"] = "action-submit"

    response = client.post(edit_url(own), data)
    assert response.status_code == 302

    page = ResearcherPage.objects.get(pk=own.pk)
    assert page.workflow_in_progress
    assert page.current_workflow_state.requested_by == ana
    assert page.job_title == "Research fellow"  # not live until a moderator approves
    assert page.get_latest_revision_as_object().job_title == "Professor"


def test_losing_the_link_revokes_access(client, ana, own):
    client.force_login(ana)
    assert client.get(edit_url(own)).status_code == 200

    link(own, None)

    assert not Group.objects.filter(name=profile_group_name(ana)).exists()
    assert not ana.groups.exists()
    assert not ResearcherPage.objects.get(pk=own.pk).permissions_for_user(ana).can_edit()
    assert is_sent_to_login(client.get(edit_url(own)))


def test_moving_the_link_moves_access(client, ana, own):
    second = ResearcherPageFactory(slug="ana-rojas-2")
    link(own, None)
    link(second, ana, "publish")

    client.force_login(ana)
    assert client.get(edit_url(second)).status_code == 200
    assert is_denied(client.get(edit_url(own)))
    group = Group.objects.get(name=profile_group_name(ana))
    assert list(GroupPagePermission.objects.filter(group=group).values_list("page", flat=True)) == [
        second.pk
    ]


def test_giving_a_profile_to_another_account_revokes_the_first(client, ana, own):
    bruno = make_user("bruno")
    link(own, bruno)

    client.force_login(ana)
    assert is_sent_to_login(client.get(edit_url(own)))
    client.force_login(bruno)
    assert client.get(edit_url(own)).status_code == 200


def test_saving_a_linked_profile_again_keeps_one_grant(client, ana, own):
    for how in ("save", "publish", "save"):
        link(own, ana, how)
    group = Group.objects.get(name=profile_group_name(ana))
    assert GroupPagePermission.objects.filter(group=group).count() == 1
    assert list(ana.groups.all()) == [group]
    client.force_login(ana)
    assert client.get(edit_url(own)).status_code == 200


# --- Rights follow the published profile; only user managers link accounts (13.5) ---------


def make_editor(username: str, *, manages_users: bool = False):
    """An editor who may publish anywhere, through Wagtail's "Moderators" group."""
    user = make_user(username)
    user.groups.add(Group.objects.get(name="Moderators"))
    if manages_users:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="auth", codename__in=["add_user", "change_user"]
            )
        )
    return user


def test_a_draft_that_changes_the_account_changes_no_rights(ana, own):
    bruno = make_user("bruno")
    page = ResearcherPage.objects.get(pk=own.pk)
    page.user = bruno
    page.save_revision()  # a draft: the published profile still names ana

    assert ResearcherPage.objects.get(pk=own.pk).user == ana
    assert ResearcherPage.objects.get(pk=own.pk).permissions_for_user(ana).can_edit()
    assert not Group.objects.filter(name=profile_group_name(bruno)).exists()
    assert not bruno.has_perm("wagtailadmin.access_admin")


def test_publishing_the_draft_moves_the_rights(ana, own):
    bruno = make_user("bruno")
    page = ResearcherPage.objects.get(pk=own.pk)
    page.user = bruno
    page.save_revision().publish()

    page = ResearcherPage.objects.get(pk=own.pk)
    assert page.permissions_for_user(bruno).can_edit()
    assert not page.permissions_for_user(ana).can_edit()


def test_a_researcher_cannot_unlink_themselves_with_a_draft(client, ana, own):
    client.force_login(ana)
    data = edit_form(client, own, job_title="Professor")
    data["user"] = ""  # even if posted by hand, the field is not in their form
    assert client.post(edit_url(own), data).status_code == 302

    page = ResearcherPage.objects.get(pk=own.pk)
    assert page.user == ana
    assert page.get_latest_revision_as_object().user == ana
    assert client.get(edit_url(own)).status_code == 200


def test_a_researchers_form_has_no_account_field_and_lists_no_accounts(client, ana, own):
    get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(ana)
    html = client.get(edit_url(own)).content.decode()
    assert 'name="user"' not in html
    assert "root" not in html
    assert "someone" not in html


def test_an_editor_without_user_rights_cannot_link_an_account(client, own):
    editor = make_editor("editor")
    target = make_user("target")
    client.force_login(editor)
    data = edit_form(client, own, job_title="Professor")
    assert "user" not in data
    data["user"] = str(target.pk)
    data["action-publish"] = "action-publish"
    assert client.post(edit_url(own), data).status_code == 302

    page = ResearcherPage.objects.get(pk=own.pk)
    assert page.job_title == "Professor"  # the edit went through...
    assert page.user.username == "ana"  # ...but not the account
    assert not target.has_perm("wagtailadmin.access_admin")


def test_a_user_manager_links_an_account_on_publish_only(client, own):
    manager = make_editor("manager", manages_users=True)
    target = make_user("target")
    client.force_login(manager)
    data = edit_form(client, own)
    assert "user" in data
    data["user"] = str(target.pk)
    assert client.post(edit_url(own), data).status_code == 302  # a draft
    assert not ResearcherPage.objects.get(pk=own.pk).permissions_for_user(target).can_edit()

    data["action-publish"] = "action-publish"
    assert client.post(edit_url(own), data).status_code == 302
    page = ResearcherPage.objects.get(pk=own.pk)
    assert page.user == target
    target = get_user_model().objects.get(pk=target.pk)  # Wagtail caches permissions on it
    assert page.permissions_for_user(target).can_edit()


def test_copying_a_linked_profile_gives_the_copy_no_account(client, ana, own):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(superuser)
    response = client.post(
        reverse("wagtailadmin_pages:copy", args=[own.pk]),
        {
            "new_title": "Ana Rojas (copy)",
            "new_slug": "ana-rojas-copy",
            "new_parent_page": str(directory_index().pk),
            "copy_subpages": "",
            "publish_copies": "on",
        },
    )
    assert response.status_code == 302
    copy = ResearcherPage.objects.get(slug="ana-rojas-copy")
    assert copy.user is None
    assert copy.get_latest_revision_as_object().user is None
    assert ResearcherPage.objects.get(pk=own.pk).user == ana
    assert not copy.permissions_for_user(ana).can_edit()


# --- Researchers see only what they need in the admin (13.6) -------------------------------


@pytest.fixture
def drafts():
    """Other people's unpublished work, whose titles a researcher must not learn."""
    from tests.factories import NewsPageFactory, news_index

    news = NewsPageFactory(title="Secret merger announcement", slug="secret-merger")
    news.unpublish()
    profile = ResearcherPageFactory(title="Hidden Newcomer", slug="hidden-newcomer")
    profile.unpublish()
    renamed = NewsPageFactory(title="Public headline", slug="public-headline")
    renamed.title = "Embargoed headline"
    renamed.save_revision()  # a live page with an unpublished new title
    NewsPageFactory(title="Open news item", slug="open-news")
    return {"news": news, "profile": profile, "renamed": renamed, "news_index": news_index()}


SECRETS = ("Secret merger", "Hidden Newcomer", "Embargoed headline")


def chooser_pages(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code in (200, 404)
    return response.content.decode() if response.status_code == 200 else ""


def test_the_page_chooser_shows_a_researcher_no_drafts(client, ana, own, drafts):
    client.force_login(ana)
    seen = "".join(
        [
            chooser_pages(client, reverse("wagtailadmin_choose_page")),
            chooser_pages(
                client, reverse("wagtailadmin_choose_page_child", args=[drafts["news_index"].pk])
            ),
            chooser_pages(
                client, reverse("wagtailadmin_choose_page_child", args=[directory_index().pk])
            ),
            chooser_pages(client, reverse("wagtailadmin_choose_page_search"), q="Secret"),
            chooser_pages(client, reverse("wagtailadmin_choose_page_search"), q="Hidden"),
            chooser_pages(client, reverse("wagtailadmin_choose_page_search"), q="Embargoed"),
        ]
    )
    assert "Ana Rojas" in seen  # their own profile, and live pages, can still be linked
    assert "Open news item" in seen
    for secret in SECRETS:
        assert secret not in seen
    for page in (drafts["news"], drafts["profile"]):
        response = client.get(reverse("wagtailadmin_choose_page_child", args=[page.pk]))
        assert response.status_code == 404
        assert page.title not in response.content.decode()


def test_editors_still_choose_drafts(client, drafts):
    editor = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(editor)
    html = chooser_pages(
        client, reverse("wagtailadmin_choose_page_child", args=[drafts["news_index"].pk])
    )
    assert "Secret merger" in html
    assert "Embargoed headline" in html


def test_the_page_types_report_is_not_for_researchers(client, ana, own, drafts):
    client.force_login(ana)
    for name in ("page_types_usage", "page_types_usage_results"):
        response = client.get(reverse(f"wagtailadmin_reports:{name}"))
        assert is_denied(response) or response.status_code == 404
        for secret in SECRETS:
            assert secret not in response.content.decode()
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailadmin_reports:page_types_usage") not in dashboard


def test_editors_keep_the_page_types_report(client, drafts):
    client.force_login(make_editor("editor"))
    response = client.get(reverse("wagtailadmin_reports:page_types_usage"))
    assert response.status_code == 200
