"""community.markup: Markdown renders to inert HTML, and length limits are enforced."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from community.markup import MAX_LENGTHS, ContentTooLong, check_length, render_markdown

ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "ul", "ol", "li", "blockquote", "code", "pre"}
ALLOWED_TAGS |= {"a", "hr"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
REL = "nofollow ugc noopener noreferrer"


class _Collector(HTMLParser):
    """Records every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _parse(output: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Collector()
    parser.feed(output)
    parser.close()
    return parser.tags


def assert_inert(output: str) -> None:
    """Only allow-listed tags, only href/rel on <a>, only safe schemes, no script."""
    assert "<script" not in output.lower()
    for tag, attrs in _parse(output):
        assert tag in ALLOWED_TAGS, f"tag <{tag}> in {output!r}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} in {output!r}"
            if tag != "a":
                pytest.fail(f"attribute {name} on <{tag}> in {output!r}")
            assert name in {"href", "rel"}, f"attribute {name} on <a> in {output!r}"
            if name == "href":
                assert value is not None
                scheme = urlsplit(value).scheme.lower()
                assert scheme in ALLOWED_SCHEMES, f"href {value!r} in {output!r}"
            if name == "rel":
                assert value == REL


def _links(output: str) -> list[dict[str, str | None]]:
    return [dict(attrs) for tag, attrs in _parse(output) if tag == "a"]


XSS_VECTORS = [
    # Raw HTML: script, event handlers on many tags, dangerous elements.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<div onmouseover=alert(1)>hover</div>",
    "<p onclick=alert(1)>click</p>",
    "<a href=# onfocus=alert(1) autofocus>x</a>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<a href="javascript:alert(1)">raw link</a>',
    "<a href='http://ok.example' style='position:fixed' id=x name=y class=z>styled</a>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>go</button></form>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    # SVG / MathML / mutation XSS.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math href=javascript:alert(1)>click</math>",
    # Malformed and unclosed tags, comments.
    "<img src=x onerror=alert(1)",
    "<<script>alert(1)//<</script>",
    "<a href=javascript:alert(1)",
    "<!-- <script>alert(1)</script> -->",
    "<!--><img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Markdown links with dangerous schemes, in every disguise.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
    "[x](&#0000106&#0000097vascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java\u200bscript:alert(1))",
    "[x](java\u00adscript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](java\nscript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x](%256Aavascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "[x](//evil.example/path)",
    "[x](/relative/path)",
    '[x](http://ok.example "title" onclick="alert(1)")',
    '[x](http://ok.example/"onmouseover="alert(1))',
    "[click](javascript://%0aalert(1))",
    # Images in every form: none may render.
    "![x](javascript:alert(1))",
    "![x](http://ok.example/pixel.gif)",
    '![x" onerror="alert(1)](http://ok.example/x.png)',
    "![x][img]\n\n[img]: http://ok.example/x.png",
    "[![x](http://ok.example/x.png)](javascript:alert(1))",
    # Reference-style links.
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: &#106;avascript:alert(1)",
    "[r]\n\n[r]: <data:text/html,<script>alert(1)</script>>",
    # Autolinks and linkify.
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html;base64,PHNjcmlwdD4=>",
    "<&#106;avascript:alert(1)>",
    "javascript:alert(1)",
    "see www.ok.example/?q=<script>alert(1)</script>",
    "http://ok.example/<img src=x onerror=alert(1)>",
    "mailto:x@ok.example?body=<script>alert(1)</script>",
    # Headings must not carry ids; code must stay code.
    "# Heading {#evil onclick=alert(1)}",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vector_renders_inert(vector: str) -> None:
    assert_inert(render_markdown(vector))


def test_corpus_has_at_least_45_vectors() -> None:
    assert len(XSS_VECTORS) >= 45


@pytest.mark.parametrize(
    "vector",
    [
        "![x](http://ok.example/pixel.gif)",
        "![x][img]\n\n[img]: http://ok.example/x.png",
        "<img src=http://ok.example/x.png>",
    ],
)
def test_images_never_render_as_img(vector: str) -> None:
    assert "<img" not in render_markdown(vector)


def test_raw_html_is_shown_as_text_not_markup() -> None:
    output = render_markdown("<b>bold?</b>")
    assert "<b>" not in output
    assert "&lt;b&gt;bold?&lt;/b&gt;" in output


def test_dangerous_markdown_link_is_left_as_plain_text() -> None:
    output = render_markdown("[click me](javascript:alert(1))")
    assert _links(output) == []
    assert "click me" in output


def test_emphasis_strong_and_strikethrough_survive() -> None:
    output = render_markdown("*soft* and **firm** and ~~gone~~")
    assert "<em>soft</em>" in output
    assert "<strong>firm</strong>" in output
    assert "<del>gone</del>" in output


def test_lists_survive() -> None:
    output = render_markdown("- one\n- two\n\n1. first\n2. second")
    assert "<ul>" in output and "<ol>" in output
    assert "<li>one</li>" in output and "<li>second</li>" in output


def test_blockquote_and_rule_survive() -> None:
    output = render_markdown("> you are not alone\n\n---\n")
    assert "<blockquote>" in output and "you are not alone" in output
    assert "<hr>" in output


def test_code_blocks_and_inline_code_survive_without_classes() -> None:
    output = render_markdown("Use `git status`.\n\n```python\nprint('hi')\n```")
    assert "<code>git status</code>" in output
    assert "<pre><code>print('hi')\n</code></pre>" in output
    assert "class=" not in output


def test_http_link_becomes_anchor_with_rel_and_no_target() -> None:
    output = render_markdown("[Samaritans](https://www.samaritans.org/)")
    assert _links(output) == [{"href": "https://www.samaritans.org/", "rel": REL}]
    assert "target=" not in output
    assert_inert(output)


def test_mailto_link_is_allowed() -> None:
    output = render_markdown("[write to us](mailto:help@example.org)")
    assert _links(output) == [{"href": "mailto:help@example.org", "rel": REL}]


def test_bare_urls_and_www_are_linkified() -> None:
    output = render_markdown("See https://example.org/page and www.example.com today")
    hrefs = [link["href"] for link in _links(output)]
    assert hrefs == ["https://example.org/page", "http://www.example.com"]
    assert all(link["rel"] == REL for link in _links(output))


def test_link_title_is_dropped() -> None:
    output = render_markdown('[x](https://example.org "a title")')
    assert "title=" not in output
    assert _links(output) == [{"href": "https://example.org", "rel": REL}]


def test_hard_line_breaks_become_br() -> None:
    output = render_markdown("first line  \nsecond line\\\nthird line")
    assert output.count("<br>") == 2


def test_paragraphs_are_separated() -> None:
    output = render_markdown("one\n\ntwo")
    assert output.count("<p>") == 2


def test_headings_render_as_plain_paragraphs() -> None:
    output = render_markdown("# Big news\ntext")
    assert "<h1" not in output
    assert "<p>Big news</p>" in output


def test_empty_input_renders_empty() -> None:
    assert render_markdown("") == ""


def test_very_long_input_renders_without_error() -> None:
    chunk = "Some *text* with a [link](https://example.org) and `code`.\n\n"
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    assert len(text) == 100_000
    output = render_markdown(text)
    assert "<em>text</em>" in output
    assert_inert(output)


@pytest.mark.parametrize("kind,limit", sorted(MAX_LENGTHS.items()))
def test_check_length_accepts_text_at_the_limit(kind: str, limit: int) -> None:
    check_length("x" * limit, kind)


@pytest.mark.parametrize("kind,limit", sorted(MAX_LENGTHS.items()))
def test_check_length_rejects_one_character_over(kind: str, limit: int) -> None:
    with pytest.raises(ContentTooLong) as excinfo:
        check_length("x" * (limit + 1), kind)
    assert excinfo.value.kind == kind
    assert excinfo.value.limit == limit
    assert excinfo.value.length == limit + 1


def test_content_too_long_message_is_friendly_and_grouped() -> None:
    with pytest.raises(ContentTooLong) as excinfo:
        check_length("x" * 2345, "chat")
    assert str(excinfo.value) == (
        "Your message is 2,345 characters long; the limit here is 2,000. "
        "Please shorten it, or split it into two."
    )
    assert isinstance(excinfo.value, ValueError)


def test_max_lengths_match_the_agreed_limits() -> None:
    assert MAX_LENGTHS == {
        "chat": 2000,
        "forum_thread": 20000,
        "forum_post": 20000,
        "story": 20000,
        "profile": 2000,
    }


def test_check_length_unknown_kind_raises_key_error() -> None:
    with pytest.raises(KeyError):
        check_length("hi", "no_such_kind")
