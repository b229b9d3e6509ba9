"""Old WordPress links of the form `/?p=123` (and `?page_id=`, `?attachment_id=`).

Wagtail's redirect middleware looks for a redirect only when a page answers 404, but `/?p=123` is the
home page with a query string, which answers 200: so this hook looks the query up among the redirects
`import_wordpress` made (`/?p=123`, normalised the way Wagtail stores it) before the page is served.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail import hooks
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

LEGACY_PARAMETERS = ("p", "page_id", "attachment_id")


@hooks.register("before_serve_page")
def redirect_wordpress_query_links(page, request, serve_args, serve_kwargs):
    if request.method not in ("GET", "HEAD"):
        return None
    for name in LEGACY_PARAMETERS:
        value = request.GET.get(name, "")
        if value.isdigit():
            old_path = Redirect.normalise_path(f"{request.path}?{name}={value}")
            site = Site.find_for_request(request)
            redirect = (
                Redirect.get_for_site(site)
                .filter(old_path=old_path)
                .select_related("redirect_page")
                .order_by("-site_id")
                .first()
            )
            if redirect is None or redirect.link is None:
                return None
            response_class = HttpResponsePermanentRedirect if redirect.is_permanent else HttpResponseRedirect
            return response_class(redirect.link)
    return None
