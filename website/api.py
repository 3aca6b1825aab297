"""Wagtail API v2 for pages.

Only fields listed in a model's `api_fields` are served, and researcher e-mail
addresses are in none of them; asking for `?fields=email` is a 400. The same holds
for the contact address of an opportunity (`editorial.OpportunityPage.contact_email`);
news and opportunities are served with their public fields only
(`?type=editorial.NewsPage`, `?type=editorial.OpportunityPage`). Hostile
query values (see `website.api_input`) are a 400 too, never a 500. Error texts come
in the caller's language (`?lang=es`, or Accept-Language; `website.api_messages`).

Pages: Wagtail's endpoint already serves only live pages without view restrictions;
newsletter issues not yet sent are left out as well (see `NewsletterIssuePage.serve`).

No images endpoint: Wagtail's lists every image in the library, the photos of
unpublished and view-restricted profiles included, and nothing here needs it (pages
carry their own renditions: `photo_thumbnail`, `image_thumbnail`). Listing only the
images used on public pages would mean tracking every place an image can be used.
"""

from wagtail.api.v2 import views as page_views
from wagtail.api.v2.router import WagtailAPIRouter

from common.unlisted import unlisted_page_ids
from website.api_input import CheckedInputMixin
from website.api_messages import LANGUAGE_PARAMETER, TranslatedMessagesMixin


class PublicPagesAPIViewSet(TranslatedMessagesMixin, CheckedInputMixin, page_views.PagesAPIViewSet):
    filter_backends = CheckedInputMixin.checked_filters(page_views.PagesAPIViewSet.filter_backends)
    known_query_parameters = page_views.PagesAPIViewSet.known_query_parameters | {
        LANGUAGE_PARAMETER
    }

    def get_base_queryset(self):
        return super().get_base_queryset().exclude(pk__in=unlisted_page_ids())


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
