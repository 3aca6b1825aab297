"""allauth's ORCID provider, with its addresses read from the settings.

allauth's own provider fixes `https://orcid.org` (or `BASE_DOMAIN`) when its module
is imported; this one reads ORCID_BASE_URL and ORCID_API_URL each time, so that the
sandbox, production and the local fake (tests/fakes/orcid_oauth.py) are all one
setting away.
"""
