"""No third-party scripts, fonts, styles, images or trackers: nothing a page loads comes from
another origin, so no other company learns who reads what here.

Only contexts that load something count: a plain link (<a href>) to a helpline's website is
something a person chooses to follow, not a resource the page fetches."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.community.forum_helpers import join, make_category, make_post, make_thread
from tests.factories import CrisisResourceFactory, GroupFactory, MemberFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("community", "groups", "moderation")

# An absolute (http://, https://, ws://, wss://) or protocol-relative (//host) address.
FOREIGN = r"""(?:(?:https?|wss?):)?//[^\s"'<>)]+"""
TEMPLATE_LOADS = [
    # src= on any element (script, img, iframe, source, audio, video, embed, input).
    re.compile(rf"""\bsrcset\s*=\s*["']?[^"'>]*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""\bsrc\s*=\s*["']?\s*{FOREIGN}""", re.IGNORECASE),
    # href= on <link> (stylesheets, fonts, preloads, icons, manifests).
    re.compile(rf"""<link\b[^>]*\bhref\s*=\s*["']?\s*{FOREIGN}""", re.IGNORECASE),
    # <object data=...>, form-less resource attributes.
    re.compile(rf"""<object\b[^>]*\bdata\s*=\s*["']?\s*{FOREIGN}""", re.IGNORECASE),
]
CSS_LOADS = [
    re.compile(rf"""url\(\s*["']?\s*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""@import\s+(?:url\()?\s*["']?\s*{FOREIGN}""", re.IGNORECASE),
]
SCRIPT_LOADS = [
    re.compile(rf"""\bfetch\(\s*[`"']\s*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""\bnew\s+WebSocket\(\s*[`"']\s*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""\bnew\s+EventSource\(\s*[`"']\s*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""\.open\(\s*[`"']\w+[`"']\s*,\s*[`"']\s*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""\bsendBeacon\(\s*[`"']\s*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""\bimport(?:\s*\(|\s+[^;]*?from\s*)\s*[`"']\s*{FOREIGN}""", re.IGNORECASE),
    re.compile(rf"""\.src\s*=\s*[`"']\s*{FOREIGN}""", re.IGNORECASE),
]


def template_files() -> list[Path]:
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]
    return sorted(p for folder in folders if folder.exists() for p in folder.rglob("*.html"))


def static_files() -> list[Path]:
    files = []
    for app in APPS:
        folder = ROOT / app / "static"
        if folder.exists():
            files += [p for p in folder.rglob("*") if p.suffix in {".js", ".css", ".html", ".svg"}]
    return sorted(files)


def loads_in(path: Path) -> list[str]:
    text = path.read_text(errors="replace")
    patterns = {
        ".html": TEMPLATE_LOADS + CSS_LOADS + SCRIPT_LOADS,
        ".svg": TEMPLATE_LOADS + CSS_LOADS,
        ".css": CSS_LOADS,
        ".js": SCRIPT_LOADS + CSS_LOADS,
    }[path.suffix]
    return [match.group(0) for pattern in patterns for match in pattern.finditer(text)]


def test_the_scanner_finds_what_it_is_looking_for(tmp_path):
    samples = {
        "a.html": '<script src="https://cdn.example.com/x.js"></script>',
        "b.html": "<link rel=stylesheet href='//fonts.example.com/css'>",
        "c.css": "body { background: url(https://tracker.example.com/p.gif) }",
        "d.css": '@import "https://fonts.example.com/font.css";',
        "e.js": 'fetch("https://analytics.example.com/collect")',
        "f.js": "new WebSocket('wss://chat.example.com/ws')",
        "g.html": '<img srcset="/a.png 1x, https://img.example.com/b.png 2x">',
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text)
        assert loads_in(tmp_path / name), name
    (tmp_path / "link.html").write_text('<a href="https://www.samaritans.org/">Samaritans</a>')
    assert loads_in(tmp_path / "link.html") == []


def test_templates_load_nothing_from_another_origin():
    files = template_files()
    assert len(files) > 20
    found = {str(p.relative_to(ROOT)): loads_in(p) for p in files}
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_static_files_load_nothing_from_another_origin():
    files = static_files()
    assert any(p.suffix == ".js" for p in files) and any(p.suffix == ".css" for p in files)
    found = {str(p.relative_to(ROOT)): loads_in(p) for p in files}
    assert {path: hits for path, hits in found.items() if hits} == {}


class ResourceCollector(HTMLParser):
    """The address of everything a browser would fetch on its own while showing the page."""

    LOADING = {
        "script": ("src",),
        "link": ("href",),
        "img": ("src", "srcset"),
        "iframe": ("src",),
        "frame": ("src",),
        "source": ("src", "srcset"),
        "audio": ("src",),
        "video": ("src", "poster"),
        "track": ("src",),
        "embed": ("src",),
        "object": ("data",),
        "input": ("src",),
    }

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[tuple[str, str]] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in self.LOADING.get(tag, ()):
            value = attributes.get(name)
            if value:
                for part in value.split(","):
                    self.addresses.append((tag, part.strip().split(" ")[0]))
        style = attributes.get("style") or ""
        self.addresses += [("style", url) for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", style)]
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.addresses += [("style", u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", data)]


def foreign(address: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", address, re.IGNORECASE))


@pytest.mark.django_db
def test_rendered_pages_load_no_resource_from_another_origin():
    member = MemberFactory(pseudonym="Sol Sameorigin", country="GB")
    CrisisResourceFactory(country_code="GB", url="https://helpline.example.org/")
    group = GroupFactory(name="Same origin circle", slug="same-origin-circle")
    join(group, member)
    thread = make_thread(make_category(), member, title="Where things load from")
    make_post(thread, member, body="See [this](https://example.org/) and https://example.net/")
    client = Client()
    client.force_login(member)
    pages = [
        reverse("home"),
        reverse("help"),
        reverse("help") + "?country=GB",
        reverse("forums:thread", kwargs={"thread_id": thread.pk}),
        reverse("groups:detail", kwargs={"slug": group.slug}),
        reverse("groups:room", kwargs={"slug": group.slug}),
        reverse("privacy"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        collector = ResourceCollector()
        collector.feed(response.content.decode())
        assert collector.addresses, page  # at least the site's own stylesheet
        outside = [(tag, address) for tag, address in collector.addresses if foreign(address)]
        assert outside == [], page
    # Links to other sites are still there to follow; they are not loaded.
    help_page = client.get(reverse("help") + "?country=GB").content.decode()
    assert 'href="https://helpline.example.org/"' in help_page
