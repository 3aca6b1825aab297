"""Where uploaded files live: the local disk, or an S3-compatible bucket.

Kept apart from base.py so that the choice can be tested with a plain mapping
(`storages_from(environ)`) without touching the real environment or S3; base.py
calls it with `os.environ`, so the environment is still read there only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Uploaded images and documents when no bucket is configured.
LOCAL_MEDIA = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STATICFILES = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

#: Environment variable → django-storages' S3 option, for the optional ones.
_S3_OPTIONAL = {
    "AWS_S3_ENDPOINT_URL": "endpoint_url",
    "AWS_S3_REGION_NAME": "region_name",
    "AWS_ACCESS_KEY_ID": "access_key",
    "AWS_SECRET_ACCESS_KEY": "secret_key",
    "AWS_S3_CUSTOM_DOMAIN": "custom_domain",
    "AWS_LOCATION": "location",
}


def s3_options(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """django-storages' S3 options from the environment, or None without a bucket.

    Private by default: every file is served through a signed, expiring URL unless
    AWS_QUERYSTRING_AUTH=false (a public bucket, or AWS_S3_CUSTOM_DOMAIN on a CDN,
    where signatures would defeat the cache). Files are never overwritten: a second
    upload of the same name gets a suffix, as on the local disk. Without the keys,
    boto3 finds credentials itself (an instance role, ~/.aws).
    """
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not bucket:
        return None
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": environ.get("AWS_QUERYSTRING_AUTH", "true").strip().lower()
        in {"1", "true", "yes", "on"},
    }
    for name, option in _S3_OPTIONAL.items():
        value = environ.get(name, "").strip()
        if value:
            options[option] = value
    return options


def storages_from(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """Django's STORAGES: media on S3 when AWS_STORAGE_BUCKET_NAME is set, on disk otherwise.

    Static files stay with WhiteNoise either way: every web process has them from
    `collectstatic` in its own image or checkout, so they hold no state.
    """
    options = s3_options(environ)
    default = (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
        if options
        else dict(LOCAL_MEDIA)
    )
    return {"default": default, "staticfiles": dict(STATICFILES)}
