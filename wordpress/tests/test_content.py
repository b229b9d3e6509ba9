"""Post bodies → our blocks: classic (wpautop) and block-editor posts, shortcodes, embeds, cleaning."""

from wordpress.content import ImageRef, convert


def _types(body):
    return [block_type for block_type, _ in body.blocks]


def test_classic_posts_get_paragraphs_from_blank_lines_and_breaks_from_single_ones():
    body = convert("سطر أول\nسطر ثانٍ\n\nفقرة ثانية")
    assert body.blocks == [
        ("paragraph", "<p>سطر أول<br/>سطر ثانٍ</p>"),
        ("paragraph", "<p>فقرة ثانية</p>"),
    ]


def test_text_is_kept_exactly_as_typed():
    text = "«اﻷسد» والـــمدينة ١٢٣ “اقتباس”"
    assert convert(text).blocks == [("paragraph", f"<p>{text}</p>")]


def test_html_is_cleaned_to_the_paragraph_features():
    body = convert(
        '<span style="color:red">نص <strong>عريض</strong> <em>مائل</em> <u>مسطر</u></span> '
        '<a href="javascript:alert(1)">سيء</a> <a href="https://example.org/" onclick="x()">جيد</a>'
        "<script>alert(1)</script>"
    )
    assert body.blocks == [
        ("paragraph", '<p>نص <b>عريض</b> <i>مائل</i> مسطر سيء <a href="https://example.org/">جيد</a></p>')
    ]


def test_headings_quotes_and_lists_become_their_blocks():
    body = convert(
        "<h2>عنوان</h2>\n<h4>فرعي</h4>\n<blockquote>قول<cite>قائل</cite></blockquote>\n<ol><li>أ</li><li>ب</li></ol>"
    )
    assert body.blocks == [
        ("heading", {"text": "عنوان", "level": "h2"}),
        ("heading", {"text": "فرعي", "level": "h3"}),
        ("quote", {"text": "قول", "attribution": "قائل"}),
        ("paragraph", "<ol><li>أ</li><li>ب</li></ol>"),
    ]


def test_caption_and_gallery_shortcodes_become_image_blocks():
    body = convert(
        'قبل\n\n[caption id="attachment_9" width="300"]<a href="x">'
        '<img src="https://o.example/wp-content/uploads/a-300x200.jpg" '
        'alt="بديل" /></a> تعليق الصورة[/caption]\n\n[gallery ids="4,5"]\n\nبعد'
    )
    assert body.blocks == [
        ("paragraph", "<p>قبل</p>"),
        (
            "image",
            ImageRef(
                wp_id="9", url="https://o.example/wp-content/uploads/a-300x200.jpg", alt="بديل", caption="تعليق الصورة"
            ),
        ),
        ("image", ImageRef(wp_id="4")),
        ("image", ImageRef(wp_id="5")),
        ("paragraph", "<p>بعد</p>"),
    ]


def test_a_youtube_or_x_url_alone_on_a_line_is_an_embed_but_not_inside_a_sentence():
    body = convert(
        "https://www.youtube.com/watch?v=abc\n\nشاهد https://youtu.be/abc الآن\n\n"
        "[embed]https://vimeo.com/123[/embed]\nhttps://x.com/someone/status/42"
    )
    assert body.blocks == [
        ("embed", "https://www.youtube.com/watch?v=abc"),
        ("paragraph", "<p>شاهد https://youtu.be/abc الآن</p>"),
        ("embed", "https://vimeo.com/123"),
        ("embed", "https://x.com/someone/status/42"),
    ]


def test_unknown_shortcodes_are_kept_as_text_and_reported():
    body = convert('نموذج: [contact-form-7 id="3"] وهذا [1] رقم')
    assert body.blocks == [("paragraph", '<p>نموذج: [contact-form-7 id="3"] وهذا [1] رقم</p>')]
    assert body.notes == ["unknown shortcode [contact-form-7] kept as text"]


def test_block_editor_posts_lose_their_comments_and_keep_their_blocks():
    body = convert(
        "<!-- wp:paragraph -->\n<p>فقرة\nواحدة</p>\n<!-- /wp:paragraph -->\n"
        '<!-- wp:heading {"level":3} -->\n<h3>عنوان</h3>\n<!-- /wp:heading -->\n'
        '<!-- wp:image {"id":12} -->\n<figure class="wp-block-image"><img src="a.jpg" alt="x"/>'
        "<figcaption>تعليق</figcaption></figure>\n<!-- /wp:image -->\n"
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=z"} -->\n<figure><div>\nhttps://www.youtube.com/watch?v=z\n'
        "</div></figure>\n<!-- /wp:embed -->\n"
        '<!-- wp:gallery {"ids":[3,4]} -->\n<figure class="wp-block-gallery"></figure>\n<!-- /wp:gallery -->\n'
        "<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>بند</li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->\n"
        "<!-- wp:separator /-->"
    )
    assert body.blocks == [
        ("paragraph", "<p>فقرة واحدة</p>"),
        ("heading", {"text": "عنوان", "level": "h3"}),
        ("image", ImageRef(wp_id="12", url="a.jpg", alt="x", caption="تعليق")),
        ("embed", "https://www.youtube.com/watch?v=z"),
        ("image", ImageRef(wp_id="3")),
        ("image", ImageRef(wp_id="4")),
        ("paragraph", "<ul><li>بند</li></ul>"),
    ]
    assert not any("wp:" in str(value) for _, value in body.blocks)
