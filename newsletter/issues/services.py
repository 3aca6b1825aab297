"""What the admin, the tasks and the commands do with an issue: test, send, schedule.

Why a service layer: the rules (who may receive a test, when content is frozen,
which transitions are allowed, what is logged) must be the same whether the
request came from the admin view, a management command or a task, and the
views stay thin enough to read at a glance.

Content is what the latest saved revision says (the editor's last "Save draft"
or "Publish"), frozen into the `Dispatch` snapshot when Send or Schedule is
pressed; while an issue is still a draft, every test refreshes that snapshot,
so a test always shows what Send would send.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext
from wagtail.log_actions import log

from newsletter.models import Subscriber

from .campaigns import CampaignError, backend_for, get_backend
from .campaigns.local import LocalBackend
from .models import (
    Dispatch,
    DispatchBackend,
    DispatchState,
    IssueMode,
    NewsletterIssuePage,
)
from .translations import freeze_editions

logger = logging.getLogger(__name__)


def latest_version(issue: NewsletterIssuePage) -> NewsletterIssuePage:
    """The issue as last saved in the editor (drafts included)."""
    issue = issue.specific
    if issue.latest_revision_id:
        return issue.get_latest_revision_as_object()
    return issue


def dispatch_for(issue: NewsletterIssuePage) -> Dispatch | None:
    return Dispatch.objects.filter(issue_id=issue.pk).first()


def _get_or_create_dispatch(issue: NewsletterIssuePage) -> Dispatch:
    try:
        with transaction.atomic():
            dispatch, _ = Dispatch.objects.get_or_create(
                issue_id=issue.pk, defaults={"backend": get_backend().name}
            )
    except IntegrityError:  # two editors at once: the other request created it
        dispatch = Dispatch.objects.get(issue_id=issue.pk)
    return dispatch


def check_sendable(version: NewsletterIssuePage) -> None:
    """An issue with nothing in it is a mistake, not a newsletter."""
    if (
        not version.news_items()
        and not version.introduction.strip()
        and not version.opportunities()
        and not version.events()
    ):
        if version.mode == IssueMode.DIGEST:
            raise CampaignError(
                gettext(
                    "The digest is empty: no published news in the chosen days and topics, "
                    "and no introduction."
                )
            )
        raise CampaignError(
            gettext("The issue is empty: add an introduction or choose news items.")
        )


def check_source(issue: NewsletterIssuePage) -> None:
    """Only the English issue is sent (with its translations); a translation is content."""
    if issue.specific.is_translation:
        raise CampaignError(
            gettext(
                "This is a translation: it is sent with the English issue. Test, send or "
                "schedule from the English issue."
            )
        )


def snapshot(dispatch: Dispatch, issue: NewsletterIssuePage, user: Any = None) -> None:
    """Freeze the latest revision's content, every published translation, and the
    recipients into the dispatch."""
    backend = get_backend()
    version = latest_version(issue)
    check_sendable(version)
    rendered = version.render_email(footer=backend.footer)
    dispatch.backend = backend.name
    dispatch.subject = rendered.subject
    dispatch.preview_text = rendered.preview_text
    dispatch.html = rendered.html
    dispatch.text = rendered.text
    dispatch.revision_id = issue.latest_revision_id
    if user is not None and getattr(user, "pk", None):
        dispatch.requested_by = user
    dispatch.save()
    dispatch.topics.set([topic.pk for topic in version.target_topics.all()])
    orphans = freeze_editions(dispatch, issue, footer=backend.footer)
    if orphans:
        # Draft campaigns of translations no longer published: gone once this commits.
        transaction.on_commit(lambda: backend.discard_campaigns(orphans))


def _check_address(email: str) -> None:
    """Nobody who left receives anything, not even a test."""
    subscriber = Subscriber.objects.for_email(email).first()
    if subscriber is not None and not subscriber.is_active:
        raise CampaignError(
            gettext(
                "%(email)s is on the list as “%(status)s”, so it receives nothing from the "
                "list, tests included. Use another address."
            )
            % {"email": email, "status": subscriber.get_status_display()}
        )


def send_test(
    issue: NewsletterIssuePage, *, email: str, user: Any = None, language: str | None = None
) -> Dispatch:
    """Send one edition of the issue (`language`, default English) to one address, and
    only that one."""
    check_source(issue)
    _check_address(email)
    dispatch = _get_or_create_dispatch(issue)
    if dispatch.state == DispatchState.DRAFT:
        snapshot(dispatch, issue, user)
    backend = backend_for(dispatch.backend)
    edition = dispatch.edition_for(language)
    backend.send_test(dispatch, email, edition)
    log(
        issue,
        "newsletter_issues.send_test",
        user=user,
        data={"email": email, "language": edition.language},
    )
    return dispatch


def needs_publishing(issue: NewsletterIssuePage) -> bool:
    """Whether the page's live version is not the latest revision (or there is none)."""
    return not issue.live or issue.has_unpublished_changes


def publish_for_sending(issue: NewsletterIssuePage, *, user: Any) -> bool:
    """Publish the latest revision before it is sent or scheduled; True if it published.

    What is sent is the latest revision, and the e-mail links to the issue's web
    version, so that revision must be the live page: sending an unpublished issue
    publishes it along with the send. Someone who may send but not publish the
    page is refused instead, before anything changes. Runs at the entry of the
    admin's "Send now" and "Schedule"; the send itself (`send_now`, `schedule`)
    is unchanged.
    """
    issue = issue.specific
    if not needs_publishing(issue):
        return False
    dispatch = dispatch_for(issue)
    if dispatch is not None and dispatch.state != DispatchState.DRAFT:
        return False  # `send_now`/`schedule` refuse it with their own message
    if user is None or not issue.permissions_for_user(user).can_publish():
        raise CampaignError(
            gettext(
                "This issue is not published, or has changes that are not published, and "
                "you may not publish it. Ask someone who can publish it to publish or send it."
            )
        )
    check_sendable(latest_version(issue))  # refuse an empty issue before publishing it
    revision = issue.latest_revision or issue.save_revision(user=user)
    revision.publish(user=user)
    return True


def partly_sent(dispatch: Dispatch) -> bool:
    """Mailchimp took some languages' campaigns and then failed: the rest may be resumed.

    `last_error` tells a send that stopped from one still running (a running send
    clears it when it claims the dispatch), so two editors cannot resume at once.
    """
    if dispatch.backend != DispatchBackend.MAILCHIMP or dispatch.state != DispatchState.SENDING:
        return False
    editions = dispatch.all_editions()
    done = [edition for edition in editions if edition.campaign_sent_at]
    went = any(edition.went_out for edition in editions)
    return bool(dispatch.last_error) and went and len(done) < len(editions)


def _claim_draft(issue: NewsletterIssuePage, user: Any, *, resume: bool = False) -> Dispatch:
    """Lock the dispatch and check it may still be sent or scheduled.

    With `resume`, a Mailchimp send that stopped part-way is claimed again as it
    was frozen (no new snapshot: the languages already sent fixed the audience of
    the others); only the campaigns not yet sent go.
    """
    dispatch = Dispatch.objects.select_for_update().get(pk=_get_or_create_dispatch(issue).pk)
    if resume and partly_sent(dispatch):
        dispatch.last_error = ""
        dispatch.requested_at = timezone.now()
        dispatch.save(update_fields=["last_error", "requested_at", "updated_at"])
        return dispatch
    if dispatch.state == DispatchState.SCHEDULED:
        when = localize(timezone.localtime(dispatch.scheduled_at))
        raise CampaignError(
            gettext("This issue is already scheduled for %(when)s. Cancel the schedule first.")
            % {"when": when}
        )
    if dispatch.state != DispatchState.DRAFT:
        raise CampaignError(
            gettext("This issue has already been sent (%(state)s).")
            % {"state": dispatch.get_state_display()}
        )
    snapshot(dispatch, issue, user)
    dispatch.requested_at = timezone.now()
    dispatch.save()
    return dispatch


def send_now(issue: NewsletterIssuePage, *, user: Any = None, enqueue: bool = True) -> Dispatch:
    """Send to every recipient: campaigns now (one per language), or a background local send.

    `enqueue=False` (the management command) leaves the local run to the caller.
    Pressed again after a Mailchimp send stopped part-way, it sends the languages
    that had not gone yet, and never one twice.
    """
    check_source(issue)
    with transaction.atomic():
        dispatch = _claim_draft(issue, user, resume=True)
        if dispatch.backend == DispatchBackend.LOCAL:
            LocalBackend().send(dispatch, enqueue=enqueue)  # the task is queued on commit
            log(issue, "newsletter_issues.send", user=user, data={"backend": dispatch.backend})
            return dispatch
        # Mailchimp: claim the dispatch (committed), then talk to Mailchimp outside
        # the transaction, so a campaign id it hands out is saved even if sending fails.
        dispatch.state = DispatchState.SENDING
        dispatch.save(update_fields=["state", "updated_at"])
    return _run_remote(issue, dispatch, user, "send", lambda b: b.send(dispatch))


def _run_remote(
    issue: NewsletterIssuePage, dispatch: Dispatch, user: Any, action: str, step: Any
) -> Dispatch:
    backend = backend_for(dispatch.backend)
    try:
        step(backend)
    except CampaignError as exc:
        exc.message = _stopped(dispatch, exc.message)
        raise
    except Exception:
        logger.exception("Unexpected failure while trying to %s issue %s", action, issue.pk)
        raise CampaignError(
            _stopped(
                dispatch,
                gettext(
                    "Something unexpected went wrong; it has been logged. Check the "
                    "campaigns before trying again."
                ),
            )
        ) from None
    log(issue, f"newsletter_issues.{action}", user=user, data={"backend": dispatch.backend})
    return dispatch


def _stopped(dispatch: Dispatch, message: str) -> str:
    """Record a failed Mailchimp step; returns the message for the editor.

    Nothing sent yet: the dispatch is a draft again. Some languages sent: it stays
    `sending` (the others' audience was fixed by the ones that went), and "Send
    now" resumes with the rest.
    """
    dispatch.refresh_from_db()
    if any(edition.went_out for edition in dispatch.all_editions()):
        message = "{} {}".format(
            message,
            gettext(
                "The other languages' campaigns were sent; press Send now to send the "
                "rest. No campaign is ever sent twice."
            ),
        )
        Dispatch.objects.filter(pk=dispatch.pk).update(last_error=message)
        return message
    Dispatch.objects.filter(pk=dispatch.pk, state=DispatchState.SENDING).update(
        state=DispatchState.DRAFT
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(last_error=message)
    return message


def schedule(issue: NewsletterIssuePage, *, when: datetime, user: Any = None) -> Dispatch:
    """Send at `when`; the time is checked before anything changes or Mailchimp is called."""
    check_source(issue)
    backend = get_backend()
    backend.validate_schedule_time(when)
    with transaction.atomic():
        dispatch = _claim_draft(issue, user)
        if dispatch.backend == DispatchBackend.LOCAL:
            backend_for(dispatch.backend).schedule(dispatch, when)
            log(
                issue,
                "newsletter_issues.schedule",
                user=user,
                data={"scheduled_at": when.isoformat(), "backend": dispatch.backend},
            )
            return dispatch
        dispatch.state = DispatchState.SENDING  # claimed while Mailchimp is called
        dispatch.save(update_fields=["state", "updated_at"])
    return _run_remote(issue, dispatch, user, "schedule", lambda b: b.schedule(dispatch, when))


def unschedule(issue: NewsletterIssuePage, *, user: Any = None) -> Dispatch:
    dispatch = dispatch_for(issue)
    if dispatch is None or dispatch.state != DispatchState.SCHEDULED:
        raise CampaignError(gettext("This issue is not scheduled."))
    backend_for(dispatch.backend).unschedule(dispatch)
    log(issue, "newsletter_issues.unschedule", user=user)
    return dispatch


def status(issue: NewsletterIssuePage, *, remote: bool = True) -> dict[str, Any]:
    """Everything the status panel shows. `remote=False` skips network calls (the
    page editor must never wait for Mailchimp)."""
    from .campaigns.local import delivery_counts

    dispatch = dispatch_for(issue)
    info: dict[str, Any] = {"dispatch": dispatch, "error": "", "campaigns": []}
    if dispatch is None:
        return info
    if remote and dispatch.backend == DispatchBackend.MAILCHIMP:
        try:
            info.update(backend_for(dispatch.backend).refresh(dispatch))
        except CampaignError as exc:
            info["error"] = exc.message
        dispatch.refresh_from_db()
    info["editions"] = dispatch.all_editions()
    info["partly_sent"] = partly_sent(dispatch)
    if dispatch.backend == DispatchBackend.MAILCHIMP and not info["campaigns"]:
        from .campaigns.mailchimp_wording import stored_campaigns

        info["campaigns"] = stored_campaigns(info["editions"])
    if dispatch.backend == DispatchBackend.LOCAL:
        info["counts"] = delivery_counts(issue.pk)
        info["problems"] = list(
            issue.deliveries.exclude(error="").select_related("subscriber").order_by("-pk")[:20]
        )
    return info
