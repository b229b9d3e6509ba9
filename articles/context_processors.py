"""What every public page's header and footer need: the edition's home page and its sections.

Both come from per-request memos that <head> metadata, the front page and search share (see
`selectors.request_memo`), themselves cached per content generation (`generation.generation_cached`),
as are the site settings: the chrome costs no query on a warm cache, and an editor's change (a
publish, the settings, the menu) starts a new generation, so it shows at once.
"""

from wagtail.models import Locale

from . import editions
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
    if editions.site_for(request) is not None:
        editions.site_settings(request)  # cached per generation; the templates' `settings` find it on the request
    return {"edition_home": home, "nav_sections": editions.edition_sections(request, home)}
