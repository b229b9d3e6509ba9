"""Under `make run` (DEBUG on) a reader sees the product's own 404 and 500 pages, in the edition's
language, instead of Django's English debug pages; the developer still gets the traceback in the console.

Django shows its debug pages whenever DEBUG is on and offers no setting to turn them off, so this
middleware answers first: `process_exception` catches what a view raised (every page is served by
Wagtail's view, which raises Http404 for a missing page), and `__call__` replaces the debug 404 Django
writes when no URL pattern matched at all (the request then has no `resolver_match`)."""

from __future__ import annotations

import logging

from django.http import Http404

from articles import views

logger = logging.getLogger("django.request")


class SiteErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and getattr(request, "resolver_match", None) is None:
            return views.page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404):
            return views.page_not_found(request, exception)
        logger.error("Internal Server Error: %s", request.path, exc_info=exception, extra={"request": request})
        return views.server_error(request)
