"""Member-written Markdown to safe HTML: the render step of the content spine.

Two layers, so a slip in one is caught by the other:

1. markdown-it-py with raw HTML off and images disabled; every link destination
   (inline, reference, autolink and linkify) goes through :func:`_is_safe_url`.
2. nh3 with a tight allow-list of tags and attributes, http/https/mailto only,
   relative URLs dropped, and ``rel="nofollow ugc noopener noreferrer"`` on links.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

import nh3
from django.utils.translation import gettext
from markdown_it import MarkdownIt

__all__ = ["MAX_LENGTHS", "MAX_TITLE_LENGTH", "ContentTooLong", "check_length", "render_markdown"]

#: Maximum length in characters of the raw text, per content kind.
MAX_LENGTHS: dict[str, int] = {
    "chat": 2000,
    "forum_thread": 20000,
    "forum_post": 20000,
    "story": 20000,
    "profile": 2000,
}

#: Maximum length of a title (forum threads, stories); titles are plain text, never Markdown.
MAX_TITLE_LENGTH = 150

ALLOWED_TAGS: frozenset[str] = frozenset(
    {"p", "br", "em", "strong", "del", "ul", "ol", "li", "blockquote", "code", "pre", "a", "hr"}
)
ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener noreferrer"

# An allowed scheme, then a colon, at the very start of the URL (case-insensitive).
_SAFE_SCHEME_RE = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)


def _strip_invisible(value: str) -> str:
    """Drop whitespace, control, format (zero-width, soft hyphen) and unassigned chars."""
    return "".join(
        ch for ch in value if not ch.isspace() and unicodedata.category(ch)[0] not in ("C", "Z")
    )


def _is_safe_url(url: str) -> bool:
    """True only for an absolute http, https or mailto URL, however it is disguised.

    The URL must start with an allowed scheme as written, and still do so after
    decoding entities and percent-escapes (repeatedly) and removing invisible
    characters; anything relative, scheme-less or ambiguous is refused.
    """
    if not _SAFE_SCHEME_RE.match(url):
        return False
    decoded = url
    for _ in range(5):
        previous = decoded
        decoded = _strip_invisible(unquote(html.unescape(decoded)))
        if decoded == previous:
            break
    return bool(_SAFE_SCHEME_RE.match(decoded))


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["linkify", "strikethrough"])
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = _is_safe_url  # type: ignore[method-assign]
    # markdown-it renders ~~text~~ as <s>; the allow-list speaks <del>.
    md.add_render_rule("s_open", lambda *args, **kwargs: "<del>")
    md.add_render_rule("s_close", lambda *args, **kwargs: "</del>")
    # Headings would be a member shouting over the page; render them as plain paragraphs.
    md.add_render_rule("heading_open", lambda *args, **kwargs: "<p>")
    md.add_render_rule("heading_close", lambda *args, **kwargs: "</p>\n")
    return md


_MD = _build_markdown()

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={"*": set(), "a": {"href"}},  # "*": drop nh3's default lang/title
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set(ALLOWED_SCHEMES),
    url_relative="deny",
)


def render_markdown(text: str) -> str:
    """Render member-written Markdown to sanitised HTML. Pure: no database, no I/O."""
    return _CLEANER.clean(_MD.render(text or ""))


class ContentTooLong(ValueError):
    """The text is longer than the limit for its kind; the message is for the member."""

    def __init__(self, kind: str, limit: int, length: int) -> None:
        self.kind = kind
        self.limit = limit
        self.length = length
        self.message = gettext(
            "Your message is %(length)s characters long; the limit here is %(limit)s. "
            "Please shorten it, or split it into two."
        ) % {"length": f"{length:,}", "limit": f"{limit:,}"}
        super().__init__(self.message)


def check_length(text: str, kind: str) -> None:
    """Raise :class:`ContentTooLong` if ``text`` is over the limit for ``kind``.

    An unknown ``kind`` is a programming error and raises ``KeyError``.
    """
    limit = MAX_LENGTHS[kind]
    length = len(text)
    if length > limit:
        raise ContentTooLong(kind=kind, limit=limit, length=length)
