"""Consent records for imported profiles."""

from __future__ import annotations

from django.dispatch import receiver

from accounts.consent import IMPORT_STATEMENT
from accounts.models import Consent, ConsentSource
from directory.importing import researchers_imported
from directory.models import ResearcherPage


@receiver(researchers_imported)
def record_import_consent(sender, created: list[int], **kwargs) -> None:
    """Each profile an import creates gets its consent record, in one query."""
    titles = ResearcherPage.objects.filter(pk__in=created).values_list("pk", "title")
    Consent.objects.bulk_create(
        [
            Consent(
                profile_id=pk,
                profile_name=title,
                how=ConsentSource.IMPORT,
                text=str(IMPORT_STATEMENT),
                language="en",
            )
            for pk, title in titles
        ]
    )
