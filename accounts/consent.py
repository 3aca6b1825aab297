"""The statements people agree to, and recording that they did.

The text is stored as the person read it (in their language), so that a later
rewording never changes what an old record says was agreed.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Consent, ConsentSource

#: Shown beside the checkbox of the "new profile" form and the claim button.
PUBLICATION_STATEMENT = _(
    "I agree that the network publishes this profile in its public directory (everything "
    "in it except my e-mail address), and I know I can hide, change or delete it at any "
    "time from my account."
)
#: Recorded for each profile an import creates: the editors collected the consent.
IMPORT_STATEMENT = _(
    "Imported by the network's editors from a list of researchers who agreed to be "
    "listed in the directory."
)


def record(profile, how: str, *, user=None, text=None) -> Consent:
    """Record consent to publish `profile`, given `how` (a `ConsentSource`)."""
    if text is None:
        text = IMPORT_STATEMENT if how == ConsentSource.IMPORT else PUBLICATION_STATEMENT
    return Consent.objects.create(
        profile=profile,
        profile_name=profile.title,
        user=user,
        how=how,
        text=str(text),
        language=translation.get_language() or "",
    )
