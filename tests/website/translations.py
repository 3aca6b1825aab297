"""Translating a page the way an editor does with wagtail-localize, for the i18n tests."""

from __future__ import annotations

from wagtail.models import Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation


def submit_for_translation(client, page: Page, language: str) -> Translation:
    """The admin's "Translate this page" form, submitted by the signed-in `client`."""
    locale = Locale.objects.get(language_code=language)
    response = client.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [locale.pk]})
    assert response.status_code == 302, response.content[:2000]
    return Translation.objects.get(source__object_id=page.translation_key, target_locale=locale)


def translate_strings(translation: Translation, strings: dict[str, str]) -> None:
    """Enter translations for the source strings listed (as the editor's form does)."""
    segments = StringSegment.objects.filter(source=translation.source).select_related(
        "string", "context"
    )
    for segment in segments:
        if segment.string.data in strings:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=translation.target_locale,
                context=segment.context,
                defaults={"data": strings[segment.string.data]},
            )


def publish(translation: Translation, capture_on_commit) -> Page:
    """Publish the translated page (wagtail-localize publishes on commit)."""
    with capture_on_commit(execute=True):
        translation.save_target(publish=True)
    source = translation.source.get_source_instance()
    return source.get_translation(translation.target_locale)
