"""What an import brought in, keyed by WordPress's own IDs.

One row per imported thing (author, section, tag, image, article, comment): the export's site, the
kind, the WordPress ID and the object it became. A second run finds its rows here and updates instead of
creating again; an interrupted run finds the batches it had committed and goes on from there. The
checksum of what WordPress said lets a rerun skip what did not change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    AUTHOR = "author", _("Author")
    SECTION = "section", _("Section")
    TAG = "tag", _("Tag")
    IMAGE = "image", _("Image")
    ARTICLE = "article", _("Article")
    COMMENT = "comment", _("Comment")


class ImportedObject(models.Model):
    """`source` is the export's site address, so two WordPress sites' post 12 are two rows."""

    source = models.CharField(_("WordPress site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    wp_id = models.CharField(_("WordPress ID"), max_length=200)
    object_id = models.BigIntegerField(_("object ID"))
    checksum = models.CharField(_("checksum"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("imported WordPress object")
        verbose_name_plural = _("imported WordPress objects")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "wp_id"], name="wordpress_import_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.wp_id} → {self.object_id}"
