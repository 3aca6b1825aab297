"""Form behaviour shared by the public forms (newsletter sign-up and preferences,
the directory's contact form)."""

from __future__ import annotations


class FocusFirstErrorMixin:
    """Without JavaScript, `autofocus` is how a re-shown form takes a keyboard or
    screen-reader user straight to the first field that needs fixing.

    Also drops Django's ":" label suffix, so labels read as the site's other forms.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                self.fields[name].widget.attrs["autofocus"] = True  # type: ignore[attr-defined]
                break
