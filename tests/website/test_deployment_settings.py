"""Settings for several machines, built from a plain mapping (no S3, no Redis reached)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from storages.backends.s3 import S3Storage

from website.settings.storage import storages_from

BUCKET_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "battery-media",
    "AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
    "AWS_S3_REGION_NAME": "fr-par",
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
}


def test_without_a_bucket_uploads_stay_on_the_local_disk():
    built = storages_from({})
    assert built["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert built["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_a_blank_bucket_name_counts_as_none():
    assert storages_from({"AWS_STORAGE_BUCKET_NAME": "  "})["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )


def test_a_bucket_puts_uploads_on_s3_with_every_given_option():
    built = storages_from(BUCKET_ENV)
    assert built["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert built["default"]["OPTIONS"] == {
        "bucket_name": "battery-media",
        "endpoint_url": "https://s3.fr-par.scw.cloud",
        "region_name": "fr-par",
        "access_key": "AKIAEXAMPLE",
        "secret_key": "not-a-real-secret",
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }
    # Static files are served by each web process from its own collectstatic.
    assert built["staticfiles"]["BACKEND"].startswith("whitenoise.")


def test_a_cdn_domain_and_public_bucket_give_plain_urls():
    env = {
        **BUCKET_ENV,
        "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
        "AWS_QUERYSTRING_AUTH": "false",
    }
    options = storages_from(env)["default"]["OPTIONS"]
    storage = S3Storage(**options)
    # Building a URL is local work: no request reaches S3.
    assert storage.url("images/cell.jpg") == "https://media.example.org/images/cell.jpg"


def test_without_keys_boto3_finds_its_own_credentials():
    options = storages_from({"AWS_STORAGE_BUCKET_NAME": "b"})["default"]["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options


def test_private_bucket_urls_are_signed_and_expire():
    storage = S3Storage(**storages_from(BUCKET_ENV)["default"]["OPTIONS"])
    url = storage.url("documents/report.pdf")
    assert url.startswith("https://s3.fr-par.scw.cloud/battery-media/documents/report.pdf?")
    assert "Signature" in url and "Expires" in url


@pytest.mark.django_db
def test_the_tests_keep_uploads_on_a_local_disk_whatever_the_environment(settings, tmp_path):
    # website/settings/test.py pins the local backend; conftest points it at tmp_path.
    assert settings.STORAGES["default"]["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )
    name = storages["default"].save("probe.txt", ContentFile(b"x"))
    assert (settings.MEDIA_ROOT / name).exists()


def test_sessions_are_database_backed_and_cached_only_with_redis(monkeypatch):
    """base.py picks cached_db with REDIS_URL, so sign-in outlives a Redis outage."""
    import importlib

    import website.settings.base as base

    try:
        monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/7")
        with_redis = importlib.reload(base)
        assert with_redis.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
        assert (
            with_redis.CACHES["default"]["BACKEND"] == "common.resilient_cache.ResilientRedisCache"
        )
        assert with_redis.CACHES["default"]["OPTIONS"]["socket_connect_timeout"] == 1.0
        monkeypatch.delenv("REDIS_URL")
        without = importlib.reload(base)
        assert without.SESSION_ENGINE == "django.contrib.sessions.backends.db"
        assert without.CACHES["default"]["BACKEND"].endswith("LocMemCache")
        monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "battery-media")
        assert importlib.reload(base).STORAGES["default"]["BACKEND"] == (
            "storages.backends.s3.S3Storage"
        )
    finally:
        monkeypatch.undo()
        importlib.reload(base)


def test_connections_are_kept_and_checked_except_in_development(monkeypatch):
    """A connection per request cost a never-seen search a third of its throughput;
    runserver's thread per request would never reuse one."""
    import importlib

    import website.settings.base as base
    import website.settings.dev as dev

    try:
        monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)
        kept = importlib.reload(base).DATABASES["default"]
        assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (60, True)
        assert importlib.reload(dev).DATABASES["default"]["CONN_MAX_AGE"] == 0
        monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "0")
        assert importlib.reload(base).DATABASES["default"]["CONN_MAX_AGE"] == 0
    finally:
        monkeypatch.undo()
        importlib.reload(base)
        importlib.reload(dev)
