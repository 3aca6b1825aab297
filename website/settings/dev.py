from .base import *  # noqa: F403
from .base import DATABASES, LOGGING, SECRET_KEY, STORAGES, TASKS, env, env_list

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# runserver answers each request in a new thread, which never reuses a kept connection
# (Django's advice: no persistent connections in development).
DATABASES["default"]["CONN_MAX_AGE"] = int(env("DATABASE_CONN_MAX_AGE", "0"))
# Tasks run inline unless TASKS_BACKEND=database asks for a worker (`manage.py db_worker`).
if env("TASKS_BACKEND", "immediate") == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# django-tasks logs two INFO lines for every task it runs (started, finished), and
# each save of a profile or news page queues one, which buries the request log in
# `make run`'s terminal. Keep its warnings and failures (logged at ERROR).
LOGGING = {
    **LOGGING,
    "loggers": {**LOGGING["loggers"], "django_tasks": {"level": "WARNING"}},
}
