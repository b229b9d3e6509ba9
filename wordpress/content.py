"""A WordPress post body → the article body's StreamField blocks.

WordPress stores two kinds of bodies:

- classic posts: HTML without `<p>`; WordPress adds paragraphs when it shows them (`wpautop`: a blank
  line ends a paragraph, a single line break is a `<br>`), and shortcodes (`[caption]`, `[gallery]`,
  `[embed]`) expand at display time;
- block-editor posts: HTML wrapped in block comments (`<!-- wp:paragraph -->…<!-- /wp:paragraph -->`),
  with the block's settings as JSON in the opening comment (an image's attachment ID, an embed's URL).

Both become our blocks: `paragraph` (rich text limited to the features the body's paragraph block allows:
bold, italic, links, lists), `heading`, `image`, `quote` and `embed`. Text is kept exactly as typed
(presentation-form ligatures, tatweel and all: search normalises, the archive does not).

Images are returned as references (`ImageRef`: the attachment ID when the markup names one, else the
URL), which the importer resolves to imported images; this module touches no database. Everything the
conversion could not honour (an unknown shortcode, an unknown block) is listed in `Body.notes`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

# --- Results --------------------------------------------------------------------------------------


@dataclass
class ImageRef:
    wp_id: str = ""
    url: str = ""
    alt: str = ""
    caption: str = ""


@dataclass
class Body:
    blocks: list[tuple[str, object]] = field(default_factory=list)  # (block type, value)
    notes: list[str] = field(default_factory=list)

    def add_paragraph(self, html: str) -> None:
        if _has_text(html):
            self.blocks.append(("paragraph", html))


# --- Tiny DOM ---------------------------------------------------------------------------------------

VOID = {"br", "img", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "embed", "param", "track"}
BLOCK = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "figure", "div", "table", "pre",
    "hr", "section", "article", "aside", "header", "footer", "dl", "address", "iframe", "video", "audio",
}  # fmt: skip


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """Builds a forgiving tree: unclosed tags close at their parent's end, stray end tags are ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v or "") for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: (v or "") for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def text_of(node: Node | str) -> str:
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    return "".join(text_of(child) for child in node.children)


# --- Rich text cleaning -----------------------------------------------------------------------------

_INLINE_MAP = {"b": "b", "strong": "b", "i": "i", "em": "i"}
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")


def _inline_html(nodes: list[Node | str], *, breaks: bool) -> str:
    """Serialise inline content keeping only bold, italic, links and line breaks; `breaks` turns a
    single newline into `<br/>` (wpautop's rule for classic posts)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            text = escape(node, quote=False)
            out.append(text.replace("\n", "<br/>") if breaks else re.sub(r"\s*\n\s*", " ", text))
            continue
        inner = _inline_html(node.children, breaks=breaks)
        if node.tag in _INLINE_MAP:
            if _has_text(inner):
                tag = _INLINE_MAP[node.tag]
                out.append(f"<{tag}>{inner}</{tag}>")
        elif node.tag == "a":
            href = node.attrs.get("href", "").strip()
            if href and href.lower().startswith(_SAFE_SCHEMES) and _has_text(inner):
                out.append(f'<a href="{escape(href)}">{inner}</a>')
            else:
                out.append(inner)
        elif node.tag == "br":
            out.append("<br/>")
        elif node.tag in ("script", "style"):
            continue
        else:
            out.append(inner)  # span, sup, font…: the text stays, the markup goes
    return "".join(out)


def _list_html(node: Node) -> str:
    items = []
    for child in node.children:
        if isinstance(child, Node) and child.tag == "li":
            nested = [c for c in child.children if isinstance(c, Node) and c.tag in ("ul", "ol")]
            inline = [c for c in child.children if not (isinstance(c, Node) and c.tag in ("ul", "ol"))]
            inner = _inline_html(inline, breaks=False).strip() + "".join(_list_html(n) for n in nested)
            if _has_text(inner):
                items.append(f"<li>{inner}</li>")
    return f"<{node.tag}>{''.join(items)}</{node.tag}>" if items else ""


def _has_text(html: str) -> bool:
    return bool(re.sub(r"<[^>]+>|&nbsp;|\s|\xa0", "", html))


def _paragraph(html: str) -> str:
    html = re.sub(r"^(<br/>)+|(<br/>)+$", "", html.strip()).strip()
    return f"<p>{html}</p>" if _has_text(html) else ""


# --- Embeds and shortcodes --------------------------------------------------------------------------

EMBED_URL = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?\S+|shorts/\S+|embed/\S+)|youtu\.be/\S+"
    r"|(?:twitter|x)\.com/\w+/status(?:es)?/\d+\S*|vimeo\.com/\d+\S*)$",
    re.IGNORECASE,
)
_SHORTCODE = re.compile(r"\[(\[?)([A-Za-z_][\w-]*)((?:\s[^\]]*)?)\](?:(.*?)\[/\2\])?(\]?)", re.DOTALL)
_ATTR = re.compile(r'([\w-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_WP_IMAGE_CLASS = re.compile(r"wp-image-(\d+)")
_ATTACHMENT_ID = re.compile(r"attachment_(\d+)")
_PLACEHOLDER = "\ue000{}\ue001"
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(text or "")}


def _image_from_img(node: Node, caption: str = "") -> ImageRef:
    match = _WP_IMAGE_CLASS.search(node.attrs.get("class", ""))
    return ImageRef(
        wp_id=match.group(1) if match else "",
        url=node.attrs.get("src", ""),
        alt=node.attrs.get("alt", ""),
        caption=caption,
    )


def _find(node: Node, tag: str) -> Node | None:
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                return child
            found = _find(child, tag)
            if found is not None:
                return found
    return None


def _find_all(node: Node, tag: str) -> list[Node]:
    found = []
    for child in node.children:
        if isinstance(child, Node):
            if child.tag == tag:
                found.append(child)
            found.extend(_find_all(child, tag))
    return found


class _Converter:
    def __init__(self):
        self.body = Body()
        self.special: list[tuple[str, object]] = []  # blocks standing in for placeholders

    # Shortcodes are replaced by placeholders on a paragraph of their own, converted after the HTML.
    def shortcodes(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            if match.group(1) and match.group(5):  # [[escaped]] shortcode: WordPress shows it literally
                return match.group(0)[1:-1]
            name, attrs, inner = match.group(2).lower(), _attrs(match.group(3)), match.group(4)
            blocks = self._shortcode(name, attrs, inner, match.group(0))
            if blocks is None:
                self.body.notes.append(f"unknown shortcode [{name}] kept as text")
                return match.group(0)
            placeholders = []
            for block in blocks:
                self.special.append(block)
                placeholders.append(_PLACEHOLDER.format(len(self.special) - 1))
            return "\n\n" + "\n\n".join(placeholders) + "\n\n"

        return _SHORTCODE.sub(replace, text)

    def _shortcode(self, name, attrs, inner, raw) -> list[tuple[str, object]] | None:
        if name in ("caption", "wp_caption"):
            tree = parse_html(inner or "")
            img = _find(tree, "img")
            caption = attrs.get("caption", "")
            if not caption:
                caption = re.sub(
                    r"\s+", " ", "".join(text_of(c) for c in tree.children if not _contains_img(c))
                ).strip()
            if img is None:
                return [("paragraph", _paragraph(escape(caption)))] if caption else []
            ref = _image_from_img(img, caption)
            match = _ATTACHMENT_ID.search(attrs.get("id", ""))
            if match and not ref.wp_id:
                ref.wp_id = match.group(1)
            return [("image", ref)]
        if name == "gallery":
            ids = [i.strip() for i in attrs.get("ids", attrs.get("include", "")).split(",") if i.strip().isdigit()]
            if not ids:
                self.body.notes.append("[gallery] without ids: the post's attached images are not listed in it")
                return []
            return [("image", ImageRef(wp_id=i)) for i in ids]
        if name == "embed":
            url = (inner or "").strip()
            return [("embed", url)] if url else []
        if name in ("video", "audio"):
            url = attrs.get("src") or attrs.get("mp4") or attrs.get("mp3") or ""
            if url and EMBED_URL.match(url):
                return [("embed", url)]
            return None
        return None

    # --- HTML → blocks ---

    def html(self, html: str, *, autop: bool) -> None:
        html = self.shortcodes(html)
        tree = parse_html(html)
        self._flow(tree.children, autop=autop)

    def _flow(self, nodes: list[Node | str], *, autop: bool) -> None:
        run: list[Node | str] = []
        for node in nodes:
            if isinstance(node, Node) and (node.tag in BLOCK or (node.tag == "img" and not run_has_text(run))):
                self._inline_run(run, autop=autop)
                run = []
                self._block(node, autop=autop)
            else:
                run.append(node)
        self._inline_run(run, autop=autop)

    def _inline_run(self, run: list[Node | str], *, autop: bool) -> None:
        if not run:
            return
        if autop:
            # wpautop: paragraphs are separated by blank lines; split the run's text nodes there.
            paragraphs: list[list[Node | str]] = [[]]
            for node in run:
                if isinstance(node, str):
                    parts = re.split(r"\n\s*\n", node)
                    for index, part in enumerate(parts):
                        if index:
                            paragraphs.append([])
                        paragraphs[-1].append(part)
                else:
                    paragraphs[-1].append(node)
        else:
            paragraphs = [run]
        for paragraph in paragraphs:
            self._paragraph_nodes(paragraph, autop=autop)

    def _paragraph_nodes(self, nodes: list[Node | str], *, autop: bool) -> None:
        """One paragraph's inline content; a placeholder, a bare embed URL, or an inline image inside it
        becomes its own block, splitting the paragraph around it."""
        pending: list[Node | str] = []

        def flush():
            if pending:
                self.body.add_paragraph(_paragraph(_inline_html(pending, breaks=autop).strip()))
                pending.clear()

        for node in nodes:
            if isinstance(node, str):
                pieces = _PLACEHOLDER_RE.split(node)
                for index, piece in enumerate(pieces):
                    if index % 2:
                        flush()
                        self._special(int(piece))
                        continue
                    if not piece:
                        continue
                    if autop:
                        lines = piece.split("\n")
                        buffer: list[str] = []
                        for line in lines:
                            if EMBED_URL.match(line.strip()) and not _pending_text(pending, buffer):
                                if buffer:
                                    pending.append("\n".join(buffer))
                                    buffer = []
                                flush()
                                self.body.blocks.append(("embed", line.strip()))
                            else:
                                buffer.append(line)
                        if buffer:
                            pending.append("\n".join(buffer))
                    elif EMBED_URL.match(piece.strip()) and not _has_text(_inline_html(pending, breaks=False)):
                        flush()
                        self.body.blocks.append(("embed", piece.strip()))
                    else:
                        pending.append(piece)
            elif node.tag == "img" or (node.tag == "a" and _contains_img(node) and not text_of(node).strip()):
                flush()
                img = node if node.tag == "img" else _find(node, "img")
                self.body.blocks.append(("image", _image_from_img(img)))
            else:
                pending.append(node)
        flush()

    def _special(self, index: int) -> None:
        kind, value = self.special[index]
        if kind == "paragraph":
            self.body.add_paragraph(value)
        else:
            self.body.blocks.append((kind, value))

    def _block(self, node: Node, *, autop: bool) -> None:
        tag = node.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = re.sub(r"\s+", " ", text_of(node)).strip()
            if text:
                level = "h2" if tag in ("h1", "h2") else "h3"
                self.body.blocks.append(("heading", {"text": text[:200], "level": level}))
        elif tag == "blockquote":
            cite = _find(node, "cite")
            attribution = re.sub(r"\s+", " ", text_of(cite)).strip() if cite is not None else ""
            parts = []
            for child in node.children:
                if isinstance(child, Node) and child.tag in ("cite", "footer"):
                    continue
                parts.append(text_of(child))
            text = re.sub(r"\n\s*\n+", "\n\n", "".join(parts)).strip()
            text = "\n".join(line.strip() for line in text.split("\n"))
            if text:
                self.body.blocks.append(("quote", {"text": text, "attribution": attribution[:200]}))
        elif tag in ("ul", "ol"):
            html = _list_html(node)
            if html:
                self.body.blocks.append(("paragraph", html))
        elif tag == "figure":
            img = _find(node, "img")
            caption_node = _find(node, "figcaption")
            caption = re.sub(r"\s+", " ", text_of(caption_node)).strip() if caption_node is not None else ""
            if img is not None:
                self.body.blocks.append(("image", _image_from_img(img, caption)))
                return
            iframe = _find(node, "iframe")
            if iframe is not None:
                self._block(iframe, autop=autop)
                return
            # wp:embed's figure holds the URL as text in its wrapper div
            url = text_of(node).strip().split("\n")[0].strip() if node.children else ""
            if url and EMBED_URL.match(url):
                self.body.blocks.append(("embed", url))
            else:
                self._flow(node.children, autop=autop)
        elif tag == "img":
            self.body.blocks.append(("image", _image_from_img(node)))
        elif tag == "iframe":
            src = node.attrs.get("src", "")
            url = _iframe_to_url(src)
            if url:
                self.body.blocks.append(("embed", url))
            else:
                self.body.notes.append(f"an <iframe> from {src[:80]!r} was left out")
        elif tag == "hr":
            return
        elif tag == "pre":
            text = text_of(node).strip("\n")
            if text.strip():
                self.body.add_paragraph(_paragraph(escape(text, quote=False).replace("\n", "<br/>")))
        elif tag == "table":
            for row in _find_all(node, "tr"):
                cells = [re.sub(r"\s+", " ", text_of(c)).strip() for c in row.children if isinstance(c, Node)]
                line = " | ".join(c for c in cells if c)
                if line:
                    self.body.add_paragraph(_paragraph(escape(line, quote=False)))
            self.body.notes.append("a table was flattened into paragraphs")
        elif tag == "p":
            self._paragraph_nodes(node.children, autop=autop)
        else:  # div, section… and anything else block-level: its content flows on
            self._flow(node.children, autop=autop)


def run_has_text(run: list[Node | str]) -> bool:
    return any(text_of(node).strip() for node in run)


def _pending_text(pending: list[Node | str], buffer: list[str]) -> bool:
    """Is there text on the current line before a URL? (A URL inside a sentence stays a link.)"""
    if buffer:
        return bool(buffer[-1].strip())
    if not pending:
        return False
    last = pending[-1]
    return bool(text_of(last).split("\n")[-1].strip())


def _contains_img(node: Node | str) -> bool:
    return isinstance(node, Node) and (node.tag == "img" or _find(node, "img") is not None)


def _iframe_to_url(src: str) -> str:
    match = re.match(r"^(?:https?:)?//(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]+)", src)
    if match:
        return f"https://www.youtube.com/watch?v={match.group(1)}"
    match = re.match(r"^(?:https?:)?//player\.vimeo\.com/video/(\d+)", src)
    if match:
        return f"https://vimeo.com/{match.group(1)}"
    return ""


# --- Block-editor bodies ----------------------------------------------------------------------------

_BLOCK_COMMENT = re.compile(
    r"<!--\s+(/)?wp:([a-z][a-z0-9_-]*/)?([a-z][a-z0-9_-]*)\s+(\{.*?\}\s+)?(/)?-->",
    re.DOTALL,
)


@dataclass
class GBlock:
    name: str
    attrs: dict
    inner: list[GBlock | str] = field(default_factory=list)


def parse_blocks(content: str) -> list[GBlock | str]:
    """Block-editor markup as a tree of blocks; HTML between blocks stays as strings."""
    root = GBlock("#root", {})
    stack = [root]
    position = 0
    for match in _BLOCK_COMMENT.finditer(content):
        if match.start() > position:
            stack[-1].inner.append(content[position : match.start()])
        position = match.end()
        closing, namespace, name, attrs_json, self_closing = match.groups()
        full_name = (namespace or "") + name
        if closing:
            for index in range(len(stack) - 1, 0, -1):
                if stack[index].name == full_name:
                    del stack[index:]
                    break
            continue
        try:
            attrs = json.loads(attrs_json) if attrs_json else {}
        except ValueError:
            attrs = {}
        block = GBlock(full_name, attrs if isinstance(attrs, dict) else {})
        stack[-1].inner.append(block)
        if not self_closing:
            stack.append(block)
    if position < len(content):
        stack[-1].inner.append(content[position:])
    return root.inner


def _inner_html(block: GBlock) -> str:
    return "".join(part for part in block.inner if isinstance(part, str))


KNOWN_CONTAINERS = {"group", "columns", "column", "cover", "media-text", "buttons", "button", "spacer", "separator"}


def _convert_blocks(converter: _Converter, parts: list[GBlock | str]) -> None:
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                converter.html(part, autop=True)  # "classic" HTML between blocks
            continue
        name = part.name
        if name in ("image",):
            html = _inner_html(part)
            tree = parse_html(html)
            img = _find(tree, "img")
            caption_node = _find(tree, "figcaption")
            caption = re.sub(r"\s+", " ", text_of(caption_node)).strip() if caption_node is not None else ""
            if img is not None or part.attrs.get("id"):
                ref = _image_from_img(img, caption) if img is not None else ImageRef(caption=caption)
                if part.attrs.get("id"):
                    ref.wp_id = str(part.attrs["id"])
                converter.body.blocks.append(("image", ref))
        elif name == "gallery":
            inner_images = [b for b in part.inner if isinstance(b, GBlock) and b.name == "image"]
            if inner_images:
                _convert_blocks(converter, inner_images)
            else:
                ids = part.attrs.get("ids") or []
                if ids:
                    for wp_id in ids:
                        converter.body.blocks.append(("image", ImageRef(wp_id=str(wp_id))))
                else:
                    converter.html(_inner_html(part), autop=False)
        elif name == "embed" or name.startswith("core-embed/"):
            url = part.attrs.get("url") or ""
            if not url:
                url = text_of(parse_html(_inner_html(part))).strip().split("\n")[0].strip()
            if url:
                converter.body.blocks.append(("embed", url))
        elif name in ("paragraph", "heading", "quote", "list", "list-item", "pullquote", "preformatted", "code",
                      "verse", "table", "html", "freeform", "shortcode", "more", "nextpage"):  # fmt: skip
            if name in ("more", "nextpage"):
                continue
            nested = [b for b in part.inner if isinstance(b, GBlock)]
            if nested and name in ("list", "quote"):
                # WordPress 6 lists and quotes hold their items and paragraphs as inner blocks: rebuild the HTML.
                converter.html(_flatten_html(part), autop=False)
            else:
                converter.html(_inner_html(part), autop=name in ("freeform", "html", "shortcode"))
        else:
            if name not in KNOWN_CONTAINERS:
                converter.body.notes.append(f"block wp:{name} converted by its content")
            nested = [b for b in part.inner if isinstance(b, GBlock)]
            if nested:
                _convert_blocks(converter, part.inner if False else nested)
            else:
                converter.html(_inner_html(part), autop=False)


def _flatten_html(block: GBlock) -> str:
    return "".join(part if isinstance(part, str) else _flatten_html(part) for part in block.inner)


def convert(content: str) -> Body:
    """A post's `content:encoded` as blocks, with notes on what could not be carried over."""
    converter = _Converter()
    if "<!-- wp:" in content:
        _convert_blocks(converter, parse_blocks(content))
    else:
        converter.html(content.replace("\r\n", "\n").replace("\r", "\n"), autop=True)
    return converter.body


def plain_text(html: str) -> str:
    """An excerpt or a title as plain text (tags dropped, entities decoded, whitespace collapsed)."""
    return re.sub(r"\s+", " ", text_of(parse_html(html or ""))).strip()
