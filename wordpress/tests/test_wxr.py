"""Reading exports: every namespace WordPress has used, CDATA and entities, broken files."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import ArticlePage
from wordpress import wxr

from .conftest import ARABIC_EXPORT

REPO = Path(__file__).resolve().parents[2]


def _export(namespace: str, title: str = "<![CDATA[خبر & «اقتباس»]]>") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="{namespace}" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>موقع</title><wp:base_blog_url>https://old.example</wp:base_blog_url>
<item><title>{title}</title><wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type>
<wp:status>publish</wp:status><content:encoded><![CDATA[<p>نص</p>]]></content:encoded>
<wp:comment><wp:comment_id>3</wp:comment_id><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item></channel></rss>""".encode()


def _items(data: bytes):
    return [r.value for r in wxr.read(io.BytesIO(data)) if r.kind == "item"]


@pytest.mark.parametrize(
    "namespace",
    [
        "http://wordpress.org/export/1.0/",
        "http://wordpress.org/export/1.1/",
        "http://wordpress.org/export/1.2/",
        "https://wordpress.org/export/1.2/",
    ],
)
def test_every_wxr_namespace_reads_the_same(namespace):
    (item,) = _items(_export(namespace))
    assert (item.post_id, item.post_type, item.status, item.title) == ("7", "post", "publish", "خبر & «اقتباس»")
    assert [c.wp_id for c in item.comments] == ["3"]


def test_entities_outside_cdata_are_decoded():
    (item,) = _items(_export("http://wordpress.org/export/1.2/", title="سوق &amp; ميناء&nbsp;&hellip;"))
    assert item.title == "سوق & ميناء\xa0…"


def test_a_malformed_file_names_its_line():
    data = ARABIC_EXPORT.read_bytes().replace(b"</wp:post_name>", b"</wp:post_nam>", 3)
    with pytest.raises(wxr.WXRError) as error:
        list(wxr.read(io.BytesIO(data)))
    line = data[: data.index(b"</wp:post_nam>")].count(b"\n") + 1
    assert error.value.line == line
    assert f"line {line}" in str(error.value)


def test_a_file_that_is_not_an_export_is_refused():
    with pytest.raises(wxr.WXRError, match="not a WordPress export"):
        list(wxr.read(io.BytesIO(b"<html><body>404</body></html>")))


def test_a_malformed_file_stops_the_command_before_anything_is_written(wp_site, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(ARABIC_EXPORT.read_bytes().replace(b"</channel>", b""))
    with pytest.raises(CommandError, match=r"line \d+: the file is not well-formed XML.*Nothing was imported"):
        call_command("import_wordpress", str(broken))
    assert ArticlePage.objects.count() == 0


def test_a_malformed_file_exits_non_zero_without_a_traceback(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text('<?xml version="1.0"?>\n<rss>\n<channel>\n<item><title>x</titl></item>\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_wordpress", str(broken)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "newsroom.settings.test", "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode != 0
    assert "line 4" in result.stderr
    assert "Traceback" not in result.stderr
