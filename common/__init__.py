"""Helpers that several apps share, so that no app imports another for them.

Dependencies point one way: `website/` wires the apps together and no app imports
it; `directory/` knows nothing of the mailing list. A helper needed by more than one
app lives here, one small module per helper: `ratelimit` (fixed-window limits and the
client's IP), `forms` (focus the first error), `progress` (the progress bar of every
long command), `batching` (`batched`), `converters` (the `<id:...>` path converter)
`base_url` (absolute links from `WAGTAILADMIN_BASE_URL`), `unlisted` (live pages
that an app keeps off public listings for now) and `hub` (sections other apps add to
a topic's page). It is a plain package,
not a Django app: it has no models, templates or static files.
"""
