"""django-modeltranslation: the shared data both editions use, one row with a column per language.

Pages are translated by Wagtail's own i18n instead (one tree per language), because
modeltranslation cannot translate fields a page inherits from Page.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Author, NavigationLink, NewsroomSettings, Tag


@register(Author)
class AuthorTranslation(TranslationOptions):
    fields = ("name", "job_title", "bio")


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)


@register(NewsroomSettings)
class NewsroomSettingsTranslation(TranslationOptions):
    fields = ("site_name", "tagline", "footer_text")


@register(NavigationLink)
class NavigationLinkTranslation(TranslationOptions):
    fields = ("label",)
