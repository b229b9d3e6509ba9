"""Error pages in the site's design and language.

The 500 handler renders without a request context: whatever broke (the database, a context
processor) must not break the error page too.
"""

from django.http import HttpResponseNotFound, HttpResponseServerError
from django.template import loader


def page_not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", {"request_path": request.path}, request))


def server_error(request):
    return HttpResponseServerError(loader.get_template("500.html").render({}))
