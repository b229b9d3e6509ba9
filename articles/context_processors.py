"""What every public page's header and footer need: the edition's home page and its sections.

Both come from per-request memos that <head> metadata, the front page and search share (see
`selectors.request_memo`), so the chrome adds one query (the sections) to a page, not a dozen.
"""

from wagtail.models import Locale

from . import editions, selectors
from .models import HomePage


def site_chrome(request):
    if request.path.startswith("/admin/"):
        return {}
    home = editions.edition_home(request)
    if home is None or not home.live:
        # No live edition home on this site in the active language: any live home in that language.
        try:
            locale = Locale.get_active()
        except Locale.DoesNotExist:
            return {}
        home = HomePage.objects.live().filter(locale=locale).first()
    if home is None:
        return {"edition_home": None, "nav_sections": []}
    return {
        "edition_home": home,
        "nav_sections": selectors.request_memo(request, ("sections", home.pk), lambda: selectors.sections(home=home)),
    }
