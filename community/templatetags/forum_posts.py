"""`{% forum_post entry %}`: one post of a thread page (the opening post or a reply).

Written in Python rather than as an included template because it is the thread page's hot loop:
a page shows up to 21 posts, and the included template cost about 140 us per post in Django's
template engine, more than half the page (bench/bench_forum_page.py); this costs a fraction
of that. Django's `format_html`/`escape` are lazy-aware wrappers that cost several
microseconds a call, so values are escaped here with the standard library's `html.escape`,
which is what Django's `escape` calls. Every value is escaped except `body_html`, which the
content pipeline has already sanitised, and the markup this module writes itself.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from community.forum_selectors import ItemView

register = template.Library()


@register.simple_tag(takes_context=True)
def forum_post(context, entry: ItemView) -> SafeString:
    """The post as `entry`'s reader sees it, with the actions they may take on it."""
    # The lazy token of the csrf context processor: read (and its cookie set) only when a
    # form is shown, as with {% csrf_token %}.
    csrf = context.get("csrf_token")
    return render_post(entry, view=context["view"], page_number=context["page"].number, csrf=csrf)


def _with_name(text: str, author: str) -> str:
    """A translated text around an (escaped) name, e.g. "the post by %(name)s", escaped."""
    return escape(text) % {"name": author}


def render_post(entry: ItemView, *, view, page_number: int, csrf) -> SafeString:
    item = entry.item
    anchor = escape(entry.anchor)
    author = escape(entry.author_label)
    classes = "post"
    if entry.notice:
        classes += " post--notice"
    if entry.is_opening:
        classes += " post--opening"
    parts = [f'<article class="{classes}" id="{anchor}" tabindex="-1">']

    if entry.is_opening:
        parts.append(f'<p class="post__meta"><span class="post__author">{author}</span>')
    else:
        parts.append(f'<h3 class="post__author">{author}</h3><p class="post__meta">')
    meta = (
        f'<a href="#{anchor}" class="post__time"><time datetime="{escape(entry.created_iso)}">'
        f"{escape(entry.created_label)} UTC</time></a>"
    )
    if item.edited_at and item.status != "deleted":
        meta += f' · <span class="post__edited">{escape(_("edited"))}</span>'
    if item.is_anonymous and entry.author_visible:
        meta += f' · <span class="tag">{escape(_("posted anonymously"))}</span>'
    parts.append(meta + "</p>")
    if entry.notice:
        parts.append(f'<p class="notice post__notice">{escape(entry.notice)}</p>')

    if entry.show_text:
        body = f'<div class="post__body">{item.body_html}</div>'  # sanitised by the pipeline
        if item.content_warning:
            warning = _("Content warning: %(warning)s") % {"warning": item.content_warning}
            body = (
                f'<details class="content-warning"><summary>{escape(warning)}'
                f'<span class="content-warning__hint"> {escape(_("(open to read)"))}</span>'
                f"</summary>{body}</details>"
            )
        parts.append(body)

    if entry.reactions:
        parts.append(_reactions(entry, csrf))
    parts.append(_actions(entry, view=view, page_number=page_number, author=author))
    if entry.may_remove:
        parts.append(_remove_form(entry, csrf, author))
    parts.append("</article>")
    return SafeString("\n".join(parts))


def _csrf_input(csrf) -> str:
    token = str(csrf) if csrf else ""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _reactions(entry: ItemView, csrf) -> str:
    rows = []
    if entry.may_react:
        action = escape(entry.react_url)
        token = _csrf_input(csrf)
    for reaction in entry.reactions:
        label = f'{escape(reaction.label)} <span class="reaction__count">{reaction.count:d}</span>'
        if entry.may_react:
            rows.append(
                f'<li><form method="post" action="{action}" class="inline-form">{token}'
                f'<input type="hidden" name="kind" value="{escape(reaction.kind)}">'
                '<input type="hidden" name="action" '
                f'value="{"remove" if reaction.mine else "add"}">'
                '<button type="submit" class="reaction" '
                f'aria-pressed="{"true" if reaction.mine else "false"}">{label}</button>'
                "</form></li>"
            )
        else:
            rows.append(f'<li><span class="reaction reaction--static">{label}</span></li>')
    return f'<ul class="reactions" aria-label="{escape(_("Reactions"))}">{"".join(rows)}</ul>'


def _action(href: str, label: str, hidden: str) -> str:
    """A link; `hidden` (read by screen readers only) must already be escaped."""
    return (
        f'<li><a href="{escape(href)}">{escape(label)}'
        f'<span class="visually-hidden"> {hidden}</span></a></li>'
    )


def _actions(entry: ItemView, *, view, page_number: int, author: str) -> str:
    item = entry.item
    by_author = _with_name(_("the post by %(name)s"), author)
    your_post = escape(_("your post"))
    links = []
    if view.may_reply and entry.show_text and item.status == "published":
        page = f"page={page_number:d}&" if page_number > 1 else ""
        quote = "opening" if entry.is_opening else f"{item.pk:d}"
        links.append(_action(f"?{page}quote={quote}#reply", _("Quote"), by_author))
    if entry.may_edit:
        links.append(_action(entry.edit_url, _("Edit"), your_post))
    if entry.may_delete:
        links.append(_action(entry.delete_url, _("Delete"), your_post))
    if entry.may_report:
        links.append(_action(entry.report_url, _("Report"), by_author))
    if entry.may_see_history and item.edited_at:
        of_post = _with_name(_("of the post by %(name)s"), author)
        links.append(_action(entry.history_url, _("Earlier versions"), of_post))
    return f'<ul class="post__actions">{"".join(links)}</ul>'


def _remove_form(entry: ItemView, csrf, author: str) -> str:
    field = escape(f"remove-{entry.anchor}")
    return (
        f'<details class="moderate-item"><summary>{escape(_("Remove…"))}'
        f'<span class="visually-hidden"> {_with_name(_("the post by %(name)s"), author)}</span>'
        f'</summary><form method="post" action="{escape(entry.remove_url)}" class="stack">'
        f'{_csrf_input(csrf)}<div class="field">'
        f'<label for="{field}">{escape(_("Reason for removing it"))}</label>'
        f'<p class="hint" id="{field}-hint">'
        f"{escape(_('The author will see this. Say what happened, kindly and plainly.'))}</p>"
        f'<input type="text" id="{field}" name="reason" aria-describedby="{field}-hint" required>'
        f'</div><button type="submit" class="button button--quiet">{escape(_("Remove it"))}'
        "</button></form></details>"
    )
