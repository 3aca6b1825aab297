from newsletter.models.subscribers import (
    Consent,
    ConsentKind,
    NewsletterLanguage,
    Subscriber,
    SubscriberStatus,
    normalise_email,
    subscriber_changed,
    subscriber_erased,
)

__all__ = [
    "Consent",
    "ConsentKind",
    "NewsletterLanguage",
    "Subscriber",
    "SubscriberStatus",
    "normalise_email",
    "subscriber_changed",
    "subscriber_erased",
]
