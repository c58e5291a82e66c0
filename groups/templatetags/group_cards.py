"""`{% group_card listing %}`: one group of the group list (name, purpose, the reader's standing
and the one action that fits it).

Written in Python, as `{% forum_post %}` is, because it is the page's loop: a community has
dozens of groups, and the card's template (two {% url %} lookups, a {% with %} and several
translations per group) was most of the list's cost (bench/bench_forum_page.py). What members
and facilitators wrote (names, purposes) is escaped with the standard library's `html.escape`,
which Django's `escape` calls; the interface's own texts are written as they are, as
{% translate %} does.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from groups.selectors import GroupListing

register = template.Library()


@register.simple_tag(takes_context=True)
def group_card(context, listing: GroupListing) -> SafeString:
    user = context.get("user")
    return render_group_card(
        listing,
        authenticated=bool(getattr(user, "is_authenticated", False)),
        csrf=context.get("csrf_token"),
    )


_SLUG_MARK = "slug-mark"


@lru_cache(maxsize=32)
def _around_slug(name: str, script_prefix: str) -> tuple[str, str]:
    """What comes before and after the slug in URL `name`: reversed once, not once per card
    (slugs are letters, digits, "-" and "_", which need no quoting in a path)."""
    before, _mark, after = reverse(name, kwargs={"slug": _SLUG_MARK}).partition(_SLUG_MARK)
    return before, after


def _url(name: str, slug: str) -> str:
    before, after = _around_slug(name, get_script_prefix())
    return f"{before}{slug}{after}"


def _hidden(text: str) -> str:
    return f'<span class="visually-hidden">{text}</span>'


def _named(text: str, name: str) -> str:
    """A translated text around the (escaped) group name."""
    return text % {"name": name}


def render_group_card(listing: GroupListing, *, authenticated: bool, csrf) -> SafeString:
    group = listing.group
    state = listing.membership_state
    name = escape(group.name)
    detail = escape(_url("groups:detail", group.slug))
    if group.is_private:
        tags = f'<span class="tag">{_("Private: a facilitator approves each request")}</span>'
    else:
        tags = f'<span class="tag">{_("Open: anyone can join")}</span>'
    if state == "active" and listing.role == "facilitator":
        tags += f'<span class="tag tag--mine">{_("You facilitate this group")}</span>'
    elif state == "active":
        mine = _("You're a member")
        tags += f'<span class="tag tag--mine">{mine}</span>'
    elif state == "requested":
        tags += f'<span class="tag tag--mine">{_("You asked to join")}</span>'

    if state == "active":
        room = escape(_url("groups:room", group.slug))
        label, hidden = _("Go to the room"), _named(_("of %(name)s"), name)
        action = f'<a class="button" href="{room}">{label}{_hidden(" " + hidden)}</a>'
    elif state == "requested":
        label, hidden = _("See your request"), _named(_("to join %(name)s"), name)
        action = (
            f'<a class="button button--quiet" href="{detail}">{label}{_hidden(" " + hidden)}</a>'
        )
    elif state == "removed":
        action = (
            f'<a class="button button--quiet" href="{detail}">{_("About this group")}'
            f"{_hidden(': ' + name)}</a>"
        )
    elif authenticated and not group.is_private:
        join = escape(_url("groups:join", group.slug))
        token = str(csrf) if csrf else ""
        token_input = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token and token != "NOTPROVIDED"
            else ""
        )
        action = (
            f'<form method="post" action="{join}" class="inline-form">{token_input}'
            f'<button type="submit" class="button">{_("Join")}'
            f"{_hidden(' ' + name)}</button></form>"
        )
    elif authenticated:
        action = (
            f'<a class="button" href="{detail}#join">{_("Ask to join")}{_hidden(" " + name)}</a>'
        )
    else:
        label, hidden = _("Read more"), _named(_("about %(name)s"), name)
        action = (
            f'<a class="button button--quiet" href="{detail}">{label}{_hidden(" " + hidden)}</a>'
        )
    purpose = escape(normalize_newlines(group.purpose)).replace("\n", "<br>")
    return SafeString(
        '<li class="group-card">'
        f'<h2 class="group-card__name"><a href="{detail}">{name}</a></h2>'
        f'<p class="group-card__tags">{tags}</p>'
        f"<p>{purpose}</p>"
        f'<div class="actions">{action}</div>'
        "</li>"
    )
