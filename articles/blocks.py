"""StreamField blocks for an article's body.

Images and quotes carry their credit and attribution as separate fields, because a newsroom is
legally and ethically bound to credit them, and templates style them apart from the caption.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", _("Level 2")), ("h3", _("Level 3"))], default="h2", label=_("Level"))

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "articles/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=300, label=_("Caption"))
    credit = blocks.CharBlock(required=False, max_length=120, label=_("Credit"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "articles/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "articles/blocks/quote.html"


class RelatedArticlesBlock(blocks.StructBlock):
    """An inline "read also" box inside the body, distinct from the related articles under it."""

    title = blocks.CharBlock(required=False, max_length=100, label=_("Title"))
    articles = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="articles.ArticlePage"),
        min_num=1,
        max_num=5,
        label=_("Articles"),
    )

    class Meta:
        icon = "link"
        label = _("Related articles")
        template = "articles/blocks/related_articles.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"],
        label=_("Paragraph"),
        template="articles/blocks/paragraph.html",
    )
    heading = HeadingBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("Embed"), icon="media", template="articles/blocks/embed.html")
    related_articles = RelatedArticlesBlock()
