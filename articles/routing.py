"""Finding the page a public URL names in one query instead of two per level of the tree.

Wagtail walks from the site's root page down, one query for each child and one more for its specific
type (an article: the root page, its translation, the home's specific row, the section and its row, the
article and its row). Here the edition's home comes from the cached edition homes (editions.py) and
every page along the path is read at once by `url_path`, each already of its specific type (the section
and article tables joined), with its parent attached so `page.section` costs nothing. What is found is
handed to Wagtail's own `serve` as the route it would have found (`request._wagtail_route_for_request`),
so view restrictions, hooks, routable sub-pages and 404s stay Wagtail's.

Anything unusual (no edition home in the active language, another page type along the path) is left to
Wagtail's routing, unchanged.
"""

from __future__ import annotations

from django.http import Http404
from wagtail.models import Page

from . import editions
from .models import ArticlePage, SectionPage

# The specific page types found along a public path, by the reverse one-to-one that joins their table.
SPECIFIC_RELATIONS = {"sectionpage": SectionPage, "articlepage": ArticlePage}


def route_for_request(request, path: str) -> None:
    """Resolve `path` for the request's edition and leave the result where Wagtail's serve looks for it;
    do nothing when Wagtail's own routing should decide."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    site = editions.site_for(request)
    if site is None:
        return
    home = editions.edition_home(request)
    if home is None or not (home.live or home.pk == site.root_page_id):
        return
    components = [component for component in path.split("/") if component]
    prefixes = [home.url_path + "/".join(components[:depth]) + "/" for depth in range(1, len(components) + 1)]
    found = {}
    if prefixes:
        rows = Page.objects.filter(url_path__in=prefixes).select_related(*SPECIFIC_RELATIONS)
        found = {page.url_path: page for page in rows}
    parent, consumed = home, 0
    for prefix in prefixes:
        page = found.get(prefix)
        if page is None:
            break
        specific = _specific(page)
        if specific is None:
            return  # a page type this module does not know: Wagtail's routing
        specific._cached_parent_obj = parent  # treebeard's get_parent() reads it
        parent, consumed = specific, consumed + 1
    try:
        request._wagtail_route_for_request = parent.route(request, components[consumed:])
    except Http404:
        request._wagtail_route_for_request = None


def _specific(page: Page):
    if page.content_type_id is None:
        return None
    for relation, model in SPECIFIC_RELATIONS.items():
        if page.specific_class is model:
            return getattr(page, relation, None)
    return None
