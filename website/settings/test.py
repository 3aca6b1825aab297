from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Uploads on the local disk (a per-test MEDIA_ROOT), whatever bucket the environment names.
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Django's test client signs in without a request, which django-axes refuses; the
# throttle's own tests (tests/website/test_security.py) switch it back on.
AXES_ENABLED = False
# No page cache and no CDN in tests, whatever the environment says; the page cache's
# own tests (tests/website/test_page_cache.py) switch them on.
PAGE_CACHE_SECONDS = 0
WAGTAILFRONTENDCACHE = {}
