"""Keep denormalised fields and per-profile permissions in step with edits."""

from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver

from directory.models import Institution, ResearcherPage
from directory.permissions import grant_profile_access, revoke_profile_access


@receiver(post_save, sender=Institution)
def update_researcher_countries(sender, instance: Institution, **kwargs) -> None:
    """Researchers without their own country follow their institution's."""
    ResearcherPage.objects.filter(institution=instance, country="").exclude(
        country_code=instance.country.code
    ).update(country_code=instance.country.code)


@receiver(pre_delete, sender=Institution)
def clear_researcher_countries(sender, instance: Institution, **kwargs) -> None:
    """The institution's deletion sets `institution` to NULL with a bare UPDATE that
    skips `save()`, so the country derived from it is cleared here."""
    ResearcherPage.objects.filter(institution=instance, country="").update(country_code="")


@receiver(pre_save, sender=ResearcherPage)
def remember_previous_user(sender, instance: ResearcherPage, update_fields=None, **kwargs) -> None:
    """Edit rights follow the `user` column of the page row, never a draft.

    Wagtail writes a page's fields to its row only when it is created or published;
    saving a draft (`save_revision`) saves the row with `update_fields` that leave
    `user` out, while the instance in memory holds the draft's account. Acting on that
    would hand out (or take away) admin access without moderation.
    """
    if update_fields is not None and "user" not in update_fields:
        instance._user_unchanged = True
        return
    instance._user_unchanged = False
    instance._previous_user_id = (
        ResearcherPage.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
        if instance.pk
        else None
    )


@receiver(post_save, sender=ResearcherPage)
def sync_profile_permissions(sender, instance: ResearcherPage, **kwargs) -> None:
    if getattr(instance, "_user_unchanged", False):
        return
    previous = getattr(instance, "_previous_user_id", None)
    if previous and previous != instance.user_id:
        from django.contrib.auth import get_user_model

        old_user = get_user_model().objects.filter(pk=previous).first()
        if old_user:
            revoke_profile_access(old_user)
    if instance.user_id and previous != instance.user_id:
        grant_profile_access(instance)
