"""The site's public base URL, and the Wagtail `Site` record that must agree with it.

`WAGTAILADMIN_BASE_URL` is the one place the public address is configured. Wagtail
builds every page's absolute URL (`full_url`: the sitemap, JSON-LD, the API's
`html_url`, the contact e-mail) from the default `Site` record instead, which a fresh
database creates as `localhost:80`. So after every `migrate` the default site's
hostname and port are set from the base URL (`sync_default_site`, connected in
`website.apps`): deployments already run `migrate`, and a changed base URL then takes
effect without anyone editing the Site in the admin (edits there are overwritten).

Wagtail derives the scheme from the port (443 is https, anything else http), so an
https base URL on another port cannot be represented: it is logged as an error.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from django.db import DEFAULT_DB_ALIAS

from common.base_url import base_url

logger = logging.getLogger(__name__)


def site_address() -> tuple[str, int]:
    """(hostname, port) of the base URL, as Wagtail's `Site` stores them."""
    parts = urlsplit(base_url())
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    if https and port != 443:
        logger.error(
            "WAGTAILADMIN_BASE_URL %s: Wagtail serves https only on port 443; "
            "page URLs will use http://%s:%s",
            base_url(),
            parts.hostname,
            port,
        )
    return parts.hostname or "localhost", port


def sync_default_site(using: str = DEFAULT_DB_ALIAS) -> None:
    """Point the default `Site` at the base URL's hostname and port."""
    from wagtail.models import Site

    hostname, port = site_address()
    site = Site.objects.using(using).filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return
    if Site.objects.using(using).filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        logger.error(
            "Another Wagtail site already uses %s:%s; default site left alone", hostname, port
        )
        return
    site.hostname, site.port = hostname, port
    site.save(using=using)  # Site's post_save clears Wagtail's cached site root paths


def sync_default_site_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    sync_default_site(using)
