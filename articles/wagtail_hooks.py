"""The admin for the data both editions share: each translated field edited side by side, Arabic and English.

models.py says which fields editors see; django-modeltranslation (translation.py) splits a translated
field into one column per language (name_ar, name_en). Here each such panel becomes a row with one input
per language, labelled with the language and set right-to-left or left-to-right, because the Arabic
admin otherwise shows English text right-to-left. Tags get a snippet so their names can be translated.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator
from wagtail.admin.panels import FieldPanel, FieldRowPanel, Panel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author, NavigationLink, NewsroomSettings, Tag

LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)


def language_row(model, field_name: str) -> FieldRowPanel:
    """One input per language for `field_name`, each with its language's direction and `lang`."""
    panels = []
    for code in LANGUAGES:
        name = f"{field_name}_{code}"
        field = model._meta.get_field(name)
        widget = type(field.formfield().widget)(
            attrs={"dir": "rtl" if code in settings.LANGUAGES_BIDI else "ltr", "lang": code}
        )
        label = f"{field.verbose_name} ({get_language_info(code)['name_local']})"
        panels.append(FieldPanel(name, widget=widget, heading=label))
    return FieldRowPanel(panels)


def side_by_side(model, panels: list[Panel]) -> list[Panel]:
    """`panels` with every translated field replaced by a row of its per-language fields."""
    try:
        translated = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return panels
    result = []
    for panel in panels:
        if isinstance(panel, FieldPanel) and panel.field_name in translated:
            result.append(language_row(model, panel.field_name))
        else:
            if getattr(panel, "children", None):
                panel.children = side_by_side(model, panel.children)
            result.append(panel)
    return result


for _model in (Author, NewsroomSettings, NavigationLink):
    _model.panels = side_by_side(_model, _model.panels)


class TagViewSet(SnippetViewSet):
    """Tags are created while tagging an article; here editors give them their English names."""

    model = Tag
    icon = "tag"
    menu_label = _("Tags")
    list_display = ["name_ar", "name_en", "slug"]
    search_fields = ["name_ar", "name_en"]
    search_backend_name = None  # tags are not in the search index: filter them in the database
    panels = side_by_side(Tag, [FieldPanel("name"), FieldPanel("slug")])


register_snippet(TagViewSet)
