"""Signals the apps send about public content, for website/ to wire to its caches.

`bulk_content_changed`: public content changed without the model signals a cache
would listen to (an import writes pages with `bulk_create` and `bulk_update`). Sent
with `reason`, a short word for logs.
"""

from django.dispatch import Signal

bulk_content_changed = Signal()
