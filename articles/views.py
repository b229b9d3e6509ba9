"""The page view (Wagtail's, routed in one query), error pages in the site's design and language, and the
article view counter.

The 500 handler renders without a request context: whatever broke (the database, a context
processor) must not break the error page too.
"""

from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail import views as wagtail_views

from . import routing, services


def serve(request, path: str = ""):
    """Wagtail's page view, with the page found in one query (articles/routing.py)."""
    routing.route_for_request(request, path)
    return wagtail_views.serve(request, path)


def page_not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path}, request))


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render({}))


@csrf_exempt  # no cookie, no session, nothing of the reader's is read or changed
@never_cache
@require_POST
def article_view_beacon(request, article_id: int):
    """Count one view for the "most read" list: the article page's script sends it once per view
    (navigator.sendBeacon), so pages served from a cache or a CDN are counted too. Nothing about the
    reader is stored, not even the IP address. Browsers say where a request comes from
    (Sec-Fetch-Site): a beacon another site makes readers' browsers send is refused."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return HttpResponseForbidden()
    counted = services.article_view_record(article_id=article_id)
    return HttpResponse(status=204 if counted else 404)
