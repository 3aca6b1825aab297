"""Factories, users and mail backends shared by the newsletter-issue tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import factory
import wagtail_factories
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from wagtail.models import Page

from directory.models import Topic
from newsletter.issues.models import NewsletterIndexPage, NewsletterIssuePage
from newsletter.models import Subscriber, SubscriberStatus
from website.models import HomePage


def newsletter_index() -> NewsletterIndexPage:
    """The archive page under the home page (the demo data will create the real one)."""
    index = NewsletterIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.get()
        index = home.add_child(
            instance=NewsletterIndexPage(title="Past newsletters", slug="newsletter-archive")
        )
    return index


class NewsletterIssuePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsletterIssuePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Issue {n}")
    slug = factory.Sequence(lambda n: f"issue-{n}")
    subject = factory.Sequence(lambda n: f"Battery news, issue {n}")
    preview_text = "Lithium, sodium and recycling this month"
    introduction = "<p>Welcome to this month’s issue.</p>"
    parent = factory.LazyFunction(newsletter_index)

    @factory.post_generation
    def news(self, create: bool, extracted: Iterable[Page] | None, **kwargs: Any) -> None:
        """`news=[page, ...]`: the chosen items, in order."""
        if extracted:
            for order, page in enumerate(extracted):
                self.items.create(news_page=page, sort_order=order)
            if create:
                self.save()  # cluster children are in memory until the page is saved

    @factory.post_generation
    def targets(self, create: bool, extracted: Iterable[Topic] | None, **kwargs: Any) -> None:
        """`targets=[topic, ...]`: send only to subscribers of these topics."""
        if extracted:
            self.target_topics.set(extracted)
            if create:
                self.save()


def make_subscriber(
    email: str, status: str = SubscriberStatus.SUBSCRIBED, topics: Iterable[Topic] = ()
) -> Subscriber:
    subscriber = Subscriber.objects.create(email=email, status=status)
    if topics:
        subscriber.topics.set(topics)
    return subscriber


def make_editor(django_user_model: Any, username: str, *, can_send: bool) -> Any:
    """An admin user who may edit pages; `can_send` adds the issue send permission."""
    user = django_user_model.objects.create_user(
        username=username, email=f"{username}@uni.example.org", password="pw"
    )
    group = Group.objects.create(name=f"Editors ({username})")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    if can_send:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="newsletter_issues", codename="send_newsletter"
            )
        )
    user.groups.add(group)
    return user


def recipients_of(messages: Iterable[mail.EmailMessage]) -> list[str]:
    return sorted(address for message in messages for address in message.to)


class CountingBackend(LocmemBackend):
    """locmem, counting how many connections (batches) were opened."""

    opened: ClassVar[int] = 0

    def open(self) -> bool:
        type(self).opened += 1
        return True


class CrashingBackend(LocmemBackend):
    """locmem that raises once the `crash_after`-th message is attempted, then
    behaves (a mail server that drops the connection mid-batch)."""

    crash_after: ClassVar[int | None] = None
    attempts: ClassVar[int] = 0

    def send_messages(self, messages: Any) -> int:
        for _ in messages:
            type(self).attempts += 1
            if type(self).crash_after is not None and type(self).attempts == type(self).crash_after:
                type(self).crash_after = None
                raise ConnectionResetError("SMTP connection lost")
        return super().send_messages(messages)


def translate(page: Page, language_code: str, *, publish: bool = True, **fields: Any) -> Page:
    """A translation of `page` into the locale `language_code` ("es", "pt-br"), as
    wagtail-localize makes one (Wagtail's `copy_for_translation`, parents included),
    with `fields` set; published unless `publish=False` (a translator's draft)."""
    from wagtail.models import Locale

    translation = page.specific.copy_for_translation(
        Locale.objects.get(language_code=language_code), copy_parents=True
    )
    for name, value in fields.items():
        setattr(translation, name, value)
    revision = translation.save_revision()
    if publish:
        revision.publish()
    translation.refresh_from_db()
    return translation
