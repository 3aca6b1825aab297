"""The small interface both ways of sending an issue implement.

Why our own interface and not wagtail-newsletter's `CampaignBackend`: that one is
shaped around a Mailchimp audience/segment picked in the admin and a synchronous
send; ours must also describe a local, batched, resumable send, target topics
rather than audiences, and work from an immutable snapshot (`Dispatch`). The
method names follow wagtail-newsletter's where the meaning is the same.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext

if TYPE_CHECKING:
    from newsletter.issues.editions import EditionContent
    from newsletter.issues.models import Dispatch


class CampaignError(Exception):
    """A failure worded for the editor: what went wrong and what to do next.

    Views show `message` as an admin error message; nothing above this layer
    needs to know which backend or which HTTP status was involved (`status` is
    kept for the few callers that branch on it, e.g. recreate-on-404).
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


class CampaignBackend(ABC):
    #: A `DispatchBackend` value, stored on the Dispatch.
    name: ClassVar[str]
    #: Which footer the shared e-mail template renders (see `rendering`).
    footer: ClassVar[str]

    def validate_schedule_time(self, when: datetime) -> None:
        """Refuse a time before anything is changed or any API is called."""
        if timezone.is_naive(when):
            raise CampaignError(gettext("The schedule time needs a time zone."))
        if when <= timezone.now():
            raise CampaignError(gettext("The schedule time must be in the future."))

    @abstractmethod
    def send_test(self, dispatch: Dispatch, email: str, edition: EditionContent) -> None:
        """Send one edition (a language) of the dispatch to one address, and nobody else."""

    @abstractmethod
    def send(self, dispatch: Dispatch) -> None:
        """Start sending the snapshot to every recipient (may return before it's done)."""

    @abstractmethod
    def schedule(self, dispatch: Dispatch, when: datetime) -> None:
        """Arrange for `send` to happen at `when` (already validated)."""

    @abstractmethod
    def unschedule(self, dispatch: Dispatch) -> None:
        """Undo `schedule`; the dispatch goes back to a draft."""

    def refresh(self, dispatch: Dispatch) -> dict[str, Any]:
        """Bring the dispatch up to date with the outside world; extra status to show."""
        return {}

    def discard_campaigns(self, campaign_ids: list[str]) -> None:
        """Delete draft campaigns no edition needs any more (best effort)."""
        return None
