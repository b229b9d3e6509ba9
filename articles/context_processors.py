"""What every public page's header and footer need: the edition's home page and its sections."""

from wagtail.models import Locale

from .models import HomePage, SectionPage


def site_chrome(request):
    if request.path.startswith("/admin/"):
        return {}
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return {}
    home = HomePage.objects.live().filter(locale=locale).first()
    if home is None:
        return {"edition_home": None, "nav_sections": []}
    return {
        "edition_home": home,
        "nav_sections": list(SectionPage.objects.live().public().child_of(home).order_by("path")),
    }
