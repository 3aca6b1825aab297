"""Which translations of an issue go out, and freezing them with the English original.

Only the English issue is sent; it takes its translations with it. A translation
goes out when it is **published** (live), as published: wagtail-localize creates
a translation as an unpublished draft holding the English text until the
translator finishes, so a draft is never sent. Languages without a published
translation receive the English edition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsletter.languages import SOURCE_LANGUAGE, newsletter_language

if TYPE_CHECKING:
    from .models import Dispatch, NewsletterIssuePage


def live_translations(issue: NewsletterIssuePage) -> dict[str, NewsletterIssuePage]:
    """newsletter language (es, pt) → the published translation of an English issue."""
    from .models import NewsletterIssuePage

    pages = (
        NewsletterIssuePage.objects.filter(translation_key=issue.translation_key)
        .exclude(pk=issue.pk)
        .live()
        .select_related("locale")
        .order_by("pk")
    )
    found: dict[str, NewsletterIssuePage] = {}
    for page in pages:
        language = newsletter_language(page.locale.language_code)
        if language != SOURCE_LANGUAGE:
            found.setdefault(language, page)
    return found


def freeze_editions(dispatch: Dispatch, issue: NewsletterIssuePage, *, footer: str) -> list[str]:
    """Freeze every published translation into an `Edition`; drop the others.

    Returns the Mailchimp campaign ids of dropped editions (a translation
    unpublished since a test made a draft campaign for it), for the caller to
    delete once its transaction has committed.
    """
    from .editions import Edition

    kept = []
    for language, page in sorted(live_translations(issue).items()):
        rendered = page.render_email(footer=footer)
        Edition.objects.update_or_create(
            dispatch=dispatch,
            language=language,
            defaults={
                "page": page,
                "subject": rendered.subject,
                "preview_text": rendered.preview_text,
                "html": rendered.html,
                "text": rendered.text,
                "revision_id": page.live_revision_id,
            },
        )
        kept.append(language)
    stale = dispatch.editions.exclude(language__in=kept)
    orphans = [edition.campaign_id for edition in stale if edition.campaign_id]
    stale.delete()
    return orphans
