"""Reading a WordPress export (WXR 1.0, 1.1 and 1.2) as a stream of plain records.

WordPress's Tools → Export writes one RSS file with the whole site: authors, categories and tags in the
channel, then one `<item>` per post, page, attachment or menu entry, each post carrying its comments.
Exports from different WordPress versions and hosts name the `wp:` namespace differently
(`http://wordpress.org/export/1.2/`, `https://wordpress.org/export/1.2/`, `…/1.1/`, `…/1.0/`), so tags are
matched by their local name within any WordPress export namespace, never by one URI.

The file is read with `XMLPullParser` in chunks and every finished `<item>` is cleared, so memory stays
bounded whatever the archive's size. A file that is not well-formed XML raises `WXRError` naming the line.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO

CHUNK_SIZE = 256 * 1024
EMPTY_DATE = "0000-00-00 00:00:00"

_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
_KNOWN_NS = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WXRError(Exception):
    """The file cannot be read as a WordPress export (not XML, or not a WXR file)."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: str = ""


@dataclass
class Term:
    """A category or a tag of the channel."""

    taxonomy: str  # "category" or "post_tag"
    term_id: str
    slug: str
    name: str
    parent_slug: str = ""
    description: str = ""


@dataclass
class Comment:
    wp_id: str
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    user_agent: str = ""
    date_gmt: str = ""
    date: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: str = "0"
    user_id: str = "0"


@dataclass
class Item:
    """A post, page, attachment or any other post type, as WordPress exported it."""

    post_id: str
    post_type: str = "post"
    title: str = ""
    link: str = ""
    guid: str = ""
    pub_date: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    status: str = ""
    slug: str = ""
    parent: str = "0"
    is_sticky: bool = False
    password: str = ""
    attachment_url: str = ""
    categories: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, nicename, name)
    meta: dict[str, list[str]] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)

    def meta_first(self, key: str) -> str:
        values = self.meta.get(key)
        return values[0] if values else ""


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""
    language: str = ""


def parse_gmt(value: str) -> datetime | None:
    """A WordPress `*_gmt` value as an aware UTC datetime; None for drafts' `0000-00-00 00:00:00`."""
    value = (value or "").strip()
    if not value or value.startswith("0000-00-00"):
        return None
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def _local(tag: str, cache: dict[str, str] = {}) -> str:  # noqa: B006 - a deliberate module-level memo
    """`{https://wordpress.org/export/1.2/}post_id` → `wp:post_id`, whatever the export's namespace URI."""
    name = cache.get(tag)
    if name is None:
        if tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            if _WP_NS.match(uri):
                prefix = "wp"
            elif _EXCERPT_NS.match(uri):
                prefix = "excerpt"
            else:
                prefix = _KNOWN_NS.get(uri, uri)
            name = f"{prefix}:{local}"
        else:
            name = tag
        cache[tag] = name
    return name


def _text(element: ET.Element | None) -> str:
    return (element.text or "") if element is not None else ""


def _children(element: ET.Element) -> Iterator[tuple[str, ET.Element]]:
    for child in element:
        yield _local(child.tag), child


def _author(element: ET.Element) -> Author:
    values = {name: _text(child) for name, child in _children(element)}
    return Author(
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
        wp_id=values.get("wp:author_id", "").strip(),
    )


def _category(element: ET.Element) -> Term:
    values = {name: _text(child) for name, child in _children(element)}
    return Term(
        taxonomy="category",
        term_id=values.get("wp:term_id", "").strip(),
        slug=values.get("wp:category_nicename", "").strip(),
        name=values.get("wp:cat_name", "").strip(),
        parent_slug=values.get("wp:category_parent", "").strip(),
        description=values.get("wp:category_description", "").strip(),
    )


def _tag(element: ET.Element) -> Term:
    values = {name: _text(child) for name, child in _children(element)}
    return Term(
        taxonomy="post_tag",
        term_id=values.get("wp:term_id", "").strip(),
        slug=values.get("wp:tag_slug", "").strip(),
        name=values.get("wp:tag_name", "").strip(),
        description=values.get("wp:tag_description", "").strip(),
    )


def _comment(element: ET.Element) -> Comment:
    values = {name: _text(child) for name, child in _children(element)}
    return Comment(
        wp_id=values.get("wp:comment_id", "").strip(),
        author=values.get("wp:comment_author", "").strip(),
        author_email=values.get("wp:comment_author_email", "").strip(),
        author_url=values.get("wp:comment_author_url", "").strip(),
        author_ip=values.get("wp:comment_author_IP", "").strip(),
        user_agent=values.get("wp:comment_agent", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", "").strip(),
        date=values.get("wp:comment_date", "").strip(),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=values.get("wp:comment_parent", "0").strip() or "0",
        user_id=values.get("wp:comment_user_id", "0").strip() or "0",
    )


def _item(element: ET.Element) -> Item:
    item = Item(post_id="")
    for name, child in _children(element):
        text = _text(child)
        if name == "title":
            item.title = text.strip()
        elif name == "link":
            item.link = text.strip()
        elif name == "guid":
            item.guid = text.strip()
        elif name == "pubDate":
            item.pub_date = text.strip()
        elif name == "dc:creator":
            item.creator = text.strip()
        elif name == "content:encoded":
            item.content = text
        elif name == "excerpt:encoded":
            item.excerpt = text
        elif name == "wp:post_id":
            item.post_id = text.strip()
        elif name == "wp:post_date":
            item.post_date = text.strip()
        elif name == "wp:post_date_gmt":
            item.post_date_gmt = text.strip()
        elif name == "wp:status":
            item.status = text.strip()
        elif name == "wp:post_name":
            item.slug = text.strip()
        elif name == "wp:post_parent":
            item.parent = text.strip() or "0"
        elif name == "wp:post_type":
            item.post_type = text.strip()
        elif name == "wp:post_password":
            item.password = text
        elif name == "wp:is_sticky":
            item.is_sticky = text.strip() == "1"
        elif name == "wp:attachment_url":
            item.attachment_url = text.strip()
        elif name == "category":
            item.categories.append((child.get("domain", ""), child.get("nicename", ""), text.strip()))
        elif name == "wp:postmeta":
            values = {n: _text(c) for n, c in _children(child)}
            key = values.get("wp:meta_key", "").strip()
            if key:
                item.meta.setdefault(key, []).append(values.get("wp:meta_value", ""))
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    if not item.post_id.isdigit():
        raise ValueError(f"an item has no numeric wp:post_id (title {item.title!r})")
    return item


# HTML's named entities (`&nbsp;`, `&hellip;`…), which old exports leave outside CDATA. XML knows only five,
# so they are declared in an internal DTD put in front of the document, on the first line so that the
# line numbers of errors stay the file's own.
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_DOCTYPE = (
    "<!DOCTYPE rss ["
    + "".join(
        f'<!ENTITY {name} "&#{code};">'
        for name, code in sorted(html.entities.name2codepoint.items())
        if name not in _XML_ENTITIES
    )
    + "]>"
).encode()
_XML_DECL = re.compile(rb"^(\xef\xbb\xbf)?\s*<\?xml[^>]*\?>")


def _with_entities(first_chunk: bytes) -> bytes:
    """Put the entity declarations after the XML declaration (or first), unless the file has a DTD."""
    if b"<!DOCTYPE" in first_chunk[:4096]:
        return first_chunk
    match = _XML_DECL.match(first_chunk)
    if match:
        return first_chunk[: match.end()] + _DOCTYPE + first_chunk[match.end() :]
    return _DOCTYPE + first_chunk


@dataclass
class Record:
    """One thing read from the file: `kind` is "channel", "author", "term", "item" or "bad_item"."""

    kind: str
    value: object
    error: str = ""


def read(source: BinaryIO, *, items: bool = True) -> Iterator[Record]:
    """Stream the records of an export. `items=False` still walks (and checks) the whole file but skips
    building items whose post type is not an attachment: the cheap first pass of an import.

    Raises WXRError for a file that is not well-formed XML, or not a WordPress export at all."""
    pull = ET.XMLPullParser(events=("start", "end"))
    first = True
    depth = 0
    channel = Channel()
    channel_sent = False
    saw_rss = False
    channel_element: ET.Element | None = None
    shift = 0  # bytes of entity declarations put in front of line 1
    while True:
        chunk = source.read(CHUNK_SIZE)
        if first:
            if not chunk:
                raise WXRError("the file is empty")
            prepared = _with_entities(chunk)
            shift, chunk, first = len(prepared) - len(chunk), prepared, False
        try:
            if chunk:
                pull.feed(chunk)
            else:
                pull.close()
            events = list(pull.read_events())
        except ET.ParseError as exc:
            line = exc.position[0] if getattr(exc, "position", None) else None
            raise WXRError(_describe(exc, shift if line == 1 else 0), line) from None
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 2:
                    channel_element = element
                elif depth == 1:
                    saw_rss = _local(element.tag) == "rss"
                    if not saw_rss:
                        raise WXRError(f"not a WordPress export: the document is <{_local(element.tag)}>, not <rss>", 1)
                continue
            depth -= 1
            name = _local(element.tag)
            if depth == 2:  # a child of <channel>
                if name == "item":
                    if not channel_sent:
                        channel_sent = True
                        yield Record("channel", channel)
                    yield _item_record(element, items=items)
                    element.clear()
                    if channel_element is not None:
                        channel_element.remove(element)  # memory stays flat however many items
                elif name == "wp:author":
                    yield Record("author", _author(element))
                elif name in ("wp:category", "wp:tag"):
                    term = _category(element) if name == "wp:category" else _tag(element)
                    yield Record("term", term)
                elif name == "title":
                    channel.title = _text(element).strip()
                elif name == "link":
                    channel.link = _text(element).strip()
                elif name == "language":
                    channel.language = _text(element).strip()
                elif name == "wp:base_site_url":
                    channel.base_site_url = _text(element).strip()
                elif name == "wp:base_blog_url":
                    channel.base_blog_url = _text(element).strip()
                elif name == "wp:wxr_version":
                    channel.wxr_version = _text(element).strip()
        if not chunk:
            break
    if not saw_rss:
        raise WXRError("the file is empty")
    if not channel_sent:
        yield Record("channel", channel)


def _item_record(element: ET.Element, *, items: bool) -> Record:
    try:
        if not items:
            post_type = ""
            for child in element:
                if _local(child.tag) == "wp:post_type":
                    post_type = _text(child).strip()
                    break
            if post_type != "attachment":
                post_id = ""
                for child in element:
                    if _local(child.tag) == "wp:post_id":
                        post_id = _text(child).strip()
                        break
                return Record(
                    "item_stub", (post_id, post_type, sum(1 for c in element if _local(c.tag) == "wp:comment"))
                )
        return Record("item", _item(element))
    except Exception as exc:  # one malformed item is reported, never the end of the import
        title = next((_text(c).strip() for c in element if _local(c.tag) == "title"), "")
        return Record("bad_item", title, error=str(exc))


def _describe(exc: ET.ParseError, shift: int = 0) -> str:
    message = str(exc)
    # expat's message ends with "line N, column M", which WXRError already says in its own words.
    message = re.sub(r":\s*line \d+, column \d+$", "", message)
    if exc.position:
        message += f" (column {max(exc.position[1] - shift, 0) + 1})"
    return f"the file is not well-formed XML: {message}"
