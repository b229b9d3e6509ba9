"""The reader's comment form: django-comments-xtd's form with our limits, clean-up and honeypot policy."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core import validators
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_comments_xtd.forms import XtdCommentForm
from django_comments_xtd.models import max_thread_level_for_content_type

from articles.text import strip_bidi_controls

from .models import ReaderComment, Status

HONEYPOT_FIELD = "honeypot"
# The largest primary key a reply may point at (a 64-bit column): a larger number is refused by the
# form instead of overflowing the database driver.
MAX_PK = 2**63 - 1


NUL_MESSAGE = _("This field contains a null character, which cannot be stored. Please remove it.")


def model_max_length(field_name: str) -> int:
    """The limit the database column enforces (django-contrib-comments' model), so the form refuses
    with a message what the database would refuse with an error."""
    return ReaderComment._meta.get_field(field_name).max_length


def _clean_text(value: str) -> str:
    """Bidi controls gone; a lone surrogate (which no encoder can store) becomes U+FFFD."""
    value = strip_bidi_controls(value or "")
    return value.encode("utf-8", "replace").decode("utf-8").strip()


class ReaderCommentForm(XtdCommentForm):
    """Fields as on the seed page: comment*, name*, email*, website; a honeypot; a hidden reply_to.

    The honeypot is not a form error here (django-contrib-comments would answer a bare 400): a filled
    honeypot is stored as spam (Akismet is told about it, as WordPress does), and the bot is told what
    every reader is told, so it learns nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = {
            "NAME_MAX_LENGTH": min(settings.COMMENTS["NAME_MAX_LENGTH"], model_max_length("user_name")),
            "URL_MAX_LENGTH": min(settings.COMMENTS["URL_MAX_LENGTH"], model_max_length("user_url")),
            "EMAIL_MAX_LENGTH": model_max_length("user_email"),
        }
        max_comment = settings.COMMENT_MAX_LENGTH
        self.fields["comment"].label = _("Comment")
        self.fields["comment"].max_length = max_comment
        self.fields["comment"].widget = forms.Textarea(
            attrs={"rows": 8, "maxlength": max_comment, "required": True, "dir": "auto"}
        )
        self.fields["comment"].error_messages.update(
            {
                "required": _("Please write your comment."),
                "max_length": ngettext_lazy(
                    "Your comment is too long: it may have at most %(limit_value)d character (it has %(show_value)d).",
                    "Your comment is too long: it may have at most %(limit_value)d characters (it has %(show_value)d).",
                    "limit_value",
                ),
            }
        )
        self.fields["name"].label = _("Name")
        self.fields["name"].max_length = limits["NAME_MAX_LENGTH"]
        self.fields["name"].widget = forms.TextInput(
            attrs={"maxlength": limits["NAME_MAX_LENGTH"], "required": True, "autocomplete": "name", "dir": "auto"}
        )
        self.fields["name"].error_messages.update(
            {
                "required": _("Please give your name."),
                "max_length": ngettext_lazy(
                    "Your name is too long: it may have at most %(limit_value)d character (it has %(show_value)d).",
                    "Your name is too long: it may have at most %(limit_value)d characters (it has %(show_value)d).",
                    "limit_value",
                ),
            }
        )
        self.fields["email"].label = _("Email")
        self.fields["email"].help_text = ""
        self.fields["email"].max_length = limits["EMAIL_MAX_LENGTH"]
        self.fields["email"].widget = forms.EmailInput(
            attrs={"required": True, "autocomplete": "email", "dir": "ltr", "maxlength": limits["EMAIL_MAX_LENGTH"]}
        )
        self.fields["email"].error_messages.update(
            {
                "required": _("Please give your email address. It is not published."),
                "invalid": _("Please give a valid email address, such as name@example.com."),
                "max_length": ngettext_lazy(
                    "The email address is too long: it may have at most %(limit_value)d character "
                    "(it has %(show_value)d).",
                    "The email address is too long: it may have at most %(limit_value)d characters "
                    "(it has %(show_value)d).",
                    "limit_value",
                ),
            }
        )
        self.fields["url"].label = _("Website")
        self.fields["url"].max_length = limits["URL_MAX_LENGTH"]
        self.fields["url"].widget = forms.URLInput(
            attrs={"autocomplete": "url", "dir": "ltr", "maxlength": limits["URL_MAX_LENGTH"]}
        )
        self.fields["url"].error_messages.update(
            {
                "invalid": _("Please give a valid web address, such as https://example.com."),
                "max_length": ngettext_lazy(
                    "The web address is too long: it may have at most %(limit_value)d character.",
                    "The web address is too long: it may have at most %(limit_value)d characters.",
                    "limit_value",
                ),
            }
        )
        # Bots fill every field; people never see this one (hidden by CSS, skipped by keyboard and screen readers).
        self.fields[HONEYPOT_FIELD].label = _("Leave this field empty")
        self.fields[HONEYPOT_FIELD].widget = forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
        # Follow-up e-mails are not offered (no e-mail confirmation, so no proof the address is the reader's).
        self.fields["followup"].widget = forms.HiddenInput()
        for validator in list(self.fields["comment"].validators):
            if getattr(validator, "code", "") == "max_length":
                validator.message = self.fields["comment"].error_messages["max_length"]
        # The columns' limits, each checked first with its own message. Setting `max_length` on a field
        # after it is built adds no validator: django-contrib-comments declares the web address without
        # one (PostgreSQL would refuse a longer one with an error) and Django's e-mail field allows 320
        # characters where the column holds 254 (a 300-character address gets "too long", not "invalid").
        for name, limit in (
            ("name", limits["NAME_MAX_LENGTH"]),
            ("email", limits["EMAIL_MAX_LENGTH"]),
            ("url", limits["URL_MAX_LENGTH"]),
        ):
            field = self.fields[name]
            others = [v for v in field.validators if not isinstance(v, validators.MaxLengthValidator)]
            field.validators = [validators.MaxLengthValidator(limit, field.error_messages["max_length"]), *others]
        # A NUL character cannot be stored (PostgreSQL refuses it): Django's validator refuses it, with our words.
        for name in ("name", "email", "url", "comment", HONEYPOT_FIELD):
            for validator in self.fields[name].validators:
                if isinstance(validator, validators.ProhibitNullCharactersValidator):
                    validator.message = NUL_MESSAGE
        self.fields["reply_to"].max_value = MAX_PK
        self.fields["reply_to"].validators.append(validators.MaxValueValidator(MAX_PK))

    def clean_name(self) -> str:
        name = _clean_text(self.cleaned_data.get("name", ""))
        if not name:
            raise forms.ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name

    def clean_comment(self) -> str:
        # Line endings normalised, bidi controls gone; no profanity list (django-comments' clean_comment).
        text = _clean_text(self.cleaned_data.get("comment", "").replace("\r\n", "\n"))
        if not text:
            raise forms.ValidationError(self.fields["comment"].error_messages["required"], code="required")
        return text

    def clean_email(self) -> str:
        return _clean_text(self.cleaned_data.get("email", ""))

    def clean_url(self) -> str:
        url = _clean_text(self.cleaned_data.get("url", ""))
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(self.fields["url"].error_messages["invalid"], code="invalid")
        return url

    def clean_honeypot(self) -> str:
        return self.cleaned_data.get(HONEYPOT_FIELD, "")

    def clean_reply_to(self) -> int:
        """A reply must answer a published comment on the same article, within the allowed depth."""
        parent_id = self.cleaned_data.get("reply_to") or 0
        if not parent_id or parent_id < 0:
            return 0
        parent = (
            ReaderComment.objects.filter(pk=parent_id, status=Status.PUBLISHED, object_pk=str(self.target_object.pk))
            .select_related(None)
            .only("pk", "level", "content_type")
            .first()
        )
        if parent is None:
            raise forms.ValidationError(_("The comment you are replying to is no longer available."))
        if parent.level >= max_thread_level_for_content_type(parent.content_type):
            raise forms.ValidationError(_("Replies to this comment are not possible; please reply to the article."))
        return parent_id
