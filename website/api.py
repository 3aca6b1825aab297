"""Wagtail API v2 for pages and images.

Only fields listed in a model's `api_fields` are served, and researcher e-mail
addresses are in none of them; asking for `?fields=email` is a 400.
"""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
