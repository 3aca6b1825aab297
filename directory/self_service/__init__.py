"""A researcher's own profile: the front-end editor, ORCID import, data export and erasure.

Separate from the Wagtail admin (`directory/permissions.py`): researchers edit here,
at /my-profile/, with a form that knows only their own profile (docs/directory.md).
"""
