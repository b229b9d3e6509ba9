"""Split Django's messages between the comments area (tagged `comments`) and the site's messages area.

`{% load comment_messages %}{% for message in messages|site_messages %}` in templates/base.html;
`messages|comments_messages` in the article's comments area. See comments/notices.py for why."""

from __future__ import annotations

from django import template

from comments import notices

register = template.Library()


@register.filter
def comments_messages(messages) -> list:
    return notices.for_comments(messages)


@register.filter
def site_messages(messages) -> list:
    return notices.not_for_comments(messages)
