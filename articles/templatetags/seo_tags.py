"""Template tags for <head> metadata and the language switcher; the logic lives in
articles.seo and articles.editions."""

from django import template
from wagtail.models import Page

from .. import editions, seo

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_metadata(context) -> dict:
    """Canonical URL, description, OpenGraph, Twitter, hreflang, feeds and JSON-LD for the page being read."""
    return seo.page_metadata(context)


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list:
    """One link per edition: the page's translation when it has one, else that edition's home page."""
    request = context.get("request")
    if request is None:
        return []
    page = context.get("page")
    return editions.alternates(request, page if isinstance(page, Page) else None)
