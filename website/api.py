"""Wagtail API v2 for pages and images.

Only fields listed in a model's `api_fields` are served, and researcher e-mail
addresses are in none of them; asking for `?fields=email` is a 400. Hostile
query values (see `website.api_input`) are a 400 too, never a 500.
"""

from wagtail.api.v2 import views as page_views
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.images.api.v2 import views as image_views

from website.api_input import CheckedInputMixin


class PagesAPIViewSet(CheckedInputMixin, page_views.PagesAPIViewSet):
    filter_backends = CheckedInputMixin.checked_filters(page_views.PagesAPIViewSet.filter_backends)


class ImagesAPIViewSet(CheckedInputMixin, image_views.ImagesAPIViewSet):
    filter_backends = CheckedInputMixin.checked_filters(
        image_views.ImagesAPIViewSet.filter_backends
    )


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
