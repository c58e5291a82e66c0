"""The review dashboard's HTML door: the queue at /moderation/ (tabs, filters, bulk decisions and
the rows fragment that dashboard.js re-fetches live) and one queue item with everything needed
to decide, at /moderation/items/<id>/.

Thin, like every door: pages read through moderation.queue_selectors; each form calls one
service in moderation.services or moderation.dashboard_services and shows its result (POST,
then redirect, then a message) or its refusal, kindly, next to the form: 400 for what was
typed, 403 for what the actor may not do, 409 for a conflict such as "Sam is already working
on this". Members and visitors get the same 404 as for a page that does not exist, from every
page and every form (`moderator_page`); a facilitator gets that 404 for any item outside
their groups. Every page works without JavaScript; dashboard.js only keeps it current."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from community.signposting import URGENT, signpost_for
from moderation import dashboard_services, permissions, queue_selectors, services
from moderation.dashboard_forms import (
    ITEM_FORMS,
    BulkForm,
    QueueFilterForm,
    RemoveForm,
    SanctionForm,
    SupportForm,
    support_template_choice,
)
from moderation.models import Appeal, ContentStatus, ModeratedContent, QueueItem, ReplyTemplate
from moderation.pages import moderator_page, render_moderation_page
from moderation.queue_selectors import (
    TAB_LABELS,
    TABS,
    QueueFilterInvalid,
    QueueFilters,
)
from moderation.services import ModerationConflict

FILTER_KEYS = ("tab", "kind", "reason", "group", "state", "page")

# --- the queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    name: str
    label: str
    count: int
    url: str
    current: bool


def _query(params: dict) -> str:
    params = {key: value for key, value in params.items() if value}
    return f"?{urlencode(params)}" if params else "?"


def _queue_context(request: HttpRequest, params, *, bulk_form: BulkForm | None = None):
    """Everything the queue page and its rows fragment show, and the status to answer with
    (400 when a filter names nothing)."""
    actor = request.user
    filter_form = QueueFilterForm(
        params,
        kinds=queue_selectors.content_kind_choices(),
        groups=queue_selectors.queue_filter_groups(actor),
    )
    try:
        filters = QueueFilters.from_params(params)
    except QueueFilterInvalid as invalid:
        filter_form.add_filter_error(invalid.field, str(invalid))
        filters, page, status = QueueFilters(), None, 400
        counts = queue_selectors.queue_counts(actor)
        problem = str(invalid)
    else:
        page = queue_selectors.queue_page(actor, filters, params.get("page") or 1)
        counts, status, problem = page.counts, 200, ""
    kept = filters.as_params()
    tabs = [
        Tab(
            name=tab,
            label=str(TAB_LABELS[tab]),
            count=counts.tabs.get(tab, 0),
            url=_query({"tab": tab, **kept}),
            current=tab == filters.tab,
        )
        for tab in TABS
    ]
    base = _query({"tab": filters.tab, **kept})
    context = {
        "filter_form": filter_form,
        "filters": filters,
        "filter_problem": problem,
        "tabs": tabs,
        "current_tab": next(tab for tab in tabs if tab.current),
        "counts": counts,
        "queue": page,
        "page": page.page if page is not None else None,
        "page_base": base if base == "?" else f"{base}&",
        "return_params": {"tab": filters.tab, **kept, "page": params.get("page") or ""},
        "bulk_form": bulk_form or BulkForm(),
    }
    return context, status


@require_GET
@moderator_page
def queue(request: HttpRequest) -> HttpResponse:
    """The review queue: urgent crisis first, then reports and held content, oldest first."""
    context, status = _queue_context(request, request.GET)
    return render_moderation_page(request, "moderation/queue.html", context, status=status)


@require_GET
@moderator_page
def queue_rows(request: HttpRequest) -> HttpResponse:
    """The queue's rows and counts alone, for dashboard.js to swap in when the queue changes."""
    context, status = _queue_context(request, request.GET)
    response = render(request, "moderation/_queue_rows.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _queue_url(params) -> str:
    kept = {key: params.get(key, "") for key in FILTER_KEYS}
    query = _query(kept)
    return reverse("moderation:queue") + ("" if query == "?" else query)


@require_POST
@moderator_page
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve or close the chosen non-crisis items; then say what was done, what was left
    alone and why."""
    form = BulkForm(request.POST)
    params = {key: request.POST.get(key, "") for key in FILTER_KEYS}
    if form.is_valid():
        service = {
            "approve": dashboard_services.queue_items_bulk_approve,
            "resolve": dashboard_services.queue_items_bulk_resolve,
        }[form.cleaned_data["action"]]
        extra = (
            {"note": form.cleaned_data["note"]} if form.cleaned_data["action"] == "resolve" else {}
        )
        try:
            result = service(actor=request.user, item_ids=form.cleaned_data["items"], **extra)
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            _tell_bulk_result(request, form.cleaned_data["action"], result)
            return redirect(_queue_url(params))
    context, _status = _queue_context(request, params, bulk_form=form)
    return render_moderation_page(request, "moderation/queue.html", context, status=400)


def _item_numbers(ids) -> str:
    return ", ".join(f"#{item_id}" for item_id in ids)


def _tell_bulk_result(request: HttpRequest, action: str, result) -> None:
    count = len(result.done)
    if count:
        if action == "approve":
            text = ngettext(
                "Approved %(count)s item: %(items)s.",
                "Approved %(count)s items: %(items)s.",
                count,
            )
        else:
            text = ngettext(
                "Closed %(count)s item as no action needed: %(items)s.",
                "Closed %(count)s items as no action needed: %(items)s.",
                count,
            )
        messages.success(request, text % {"count": count, "items": _item_numbers(result.done)})
    elif not result.skipped:
        messages.info(request, _("Nothing was changed."))
    if result.skipped:
        skipped = len(result.skipped)
        messages.warning(
            request,
            ngettext(
                "%(count)s item was left as it was:",
                "%(count)s items were left as they were:",
                skipped,
            )
            % {"count": skipped},
        )
        for item_id, why in result.skipped.items():
            messages.warning(request, _("#%(item)s: %(why)s") % {"item": item_id, "why": why})


# --- one item ------------------------------------------------------------------------------------


def _item_url(item_id: int) -> str:
    return reverse("moderation:item", args=[item_id])


def _emergency_help(detail) -> dict | None:
    """For escalation: the emergency number of the member's country, and that country."""
    if not detail.is_crisis or detail.item.member is None:
        return None
    offer = signpost_for(detail.item.member, URGENT)
    numbers = [row for row in offer.resources if row.get("kind") == "emergency"]
    return {"country": offer.country_name, "numbers": numbers}


def _form_kwargs(name: str, actor, item: QueueItem) -> dict:
    """What a form needs besides the POST: a removal template's text, where a sanction may
    apply."""
    if name == RemoveForm.name:
        return {
            "templates": list(
                queue_selectors.reply_templates(actor, kind=ReplyTemplate.Kind.REMOVAL)
            )
        }
    if name == SanctionForm.name:
        return {"group": item.group, "everywhere": permissions.is_moderator(actor)}
    return {}


def _item_forms(request: HttpRequest, detail, bound) -> dict:
    """One form per action on the page; `bound` (a form that was refused) keeps what was typed
    and its errors."""
    actor = request.user
    forms = {}
    for name, form_class in ITEM_FORMS.items():
        if bound is not None and bound.name == name:
            forms[name] = bound
        elif form_class is RemoveForm:
            forms[name] = RemoveForm(templates=detail.removal_templates)
        elif form_class is SupportForm:
            chosen = support_template_choice(
                detail.support_templates, request.GET.get("support_template")
            )
            forms[name] = SupportForm(initial={"text": chosen.body} if chosen else None)
        else:
            forms[name] = form_class(**_form_kwargs(name, actor, detail.item))
    forms[SanctionForm.name].offer_kinds(
        [kind for kind, allowed in detail.may_sanction.items() if allowed]
    )
    return forms


def _offered_actions(detail) -> dict[str, bool]:
    """Which action forms the page offers. The services decide; this only leaves out what
    cannot apply (approving removed content, closing held content without a decision) and
    waits while someone else has the item (notes never wait)."""
    can_act = not detail.claimed_by_other
    status = detail.content_status
    is_content = isinstance(detail.content, ModeratedContent)
    live = is_content and status in (ContentStatus.PUBLISHED, ContentStatus.HELD)
    offered = {
        "approve": can_act and detail.is_open and live,
        "remove": can_act and live,
        "restore": can_act and is_content and status == ContentStatus.REMOVED,
        "resolve": can_act
        and detail.is_open
        and not detail.awaits_decision
        and detail.appeal is None,
        "sanction": detail.item.member_id is not None and any(detail.may_sanction.values()),
    }
    offered["decide"] = any(offered.values())
    return offered


def _item_page(
    request: HttpRequest, item_id, *, bound=None, status: int = 200, problem: str = ""
) -> HttpResponse:
    actor = request.user
    detail = queue_selectors.queue_item_detail(actor, item_id)
    is_moderator = permissions.is_moderator(actor)
    appeal = detail.appeal
    context = {
        "detail": detail,
        "item": detail.item,
        "row": detail.row,
        "content": detail.content,
        "is_content": isinstance(detail.content, ModeratedContent),
        "history": detail.author,
        "forms": _item_forms(request, detail, bound),
        "problem": problem,
        "claimed_by_me": detail.item.claimed_by_id == actor.pk,
        "can_act": not detail.claimed_by_other,
        "may": _offered_actions(detail),
        "may_escalate": is_moderator,
        "emergency": _emergency_help(detail) if is_moderator else None,
        "party_to_appeal": appeal is not None and permissions.is_party_to_appeal(actor, appeal),
        "chosen_support": request.GET.get("support_template", ""),
        "steps": {step.step: step for step in detail.checklist},
    }
    return render_moderation_page(request, "moderation/item.html", context, status=status)


@require_GET
@moderator_page
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """One item: the content in its context, the author's history, every report, notes, the
    crisis checklist or the appeal, and the actions the actor may take."""
    return _item_page(request, item_id)


def _act(
    request: HttpRequest,
    item_id: int,
    name: str,
    action: Callable[[QueueItem, object], str],
) -> HttpResponse:
    """Read the form `name`, run `action(item, form)` (one service call, returning the message
    to show), then redirect to the item; or show the item again with the refusal."""
    actor = request.user
    item = queue_selectors.get_queue_item_for(actor, item_id)
    form = ITEM_FORMS[name](request.POST, **_form_kwargs(name, actor, item))
    if not form.is_valid():
        return _item_page(request, item.pk, bound=form, status=400)
    try:
        success = action(item, form)
    except ModerationConflict as conflict:
        form.add_service_error(conflict)
        return _item_page(request, item.pk, bound=form, status=409, problem=str(conflict))
    except ValidationError as error:
        form.add_validation_error(error)
        return _item_page(request, item.pk, bound=form, status=400)
    except PermissionDenied as denied:
        message = str(denied) or _("You can't do that here.")
        form.add_service_error(message)
        return _item_page(request, item.pk, bound=form, status=403, problem=message)
    messages.success(request, success)
    return redirect(_item_url(item.pk))


def _content_of(item: QueueItem) -> ModeratedContent:
    content = item.content
    if not isinstance(content, ModeratedContent):
        raise ModerationConflict(
            _("There is no post or message here to act on. An appeal is granted or upheld.")
        )
    return content


def _appeal_of(item: QueueItem) -> Appeal:
    content = item.content
    if not isinstance(content, Appeal):
        raise ModerationConflict(_("This item is not an appeal."))
    return content


@require_POST
@moderator_page
def item_claim(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        services.queue_item_claim(actor=request.user, item=item)
        return _("You're working on this now. Others can see it's yours.")

    return _act(request, item_id, "claim", action)


@require_POST
@moderator_page
def item_release(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        services.queue_item_release(actor=request.user, item=item)
        return _("It's back in the queue for anyone to pick up.")

    return _act(request, item_id, "release", action)


@require_POST
@moderator_page
def item_resolve(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        services.queue_item_resolve(
            actor=request.user,
            item=item,
            resolution=form.cleaned_data["resolution"],
            note=form.cleaned_data["note"],
        )
        return _("Resolved. Anyone who reported it is told the outcome, never your name.")

    return _act(request, item_id, "resolve", action)


@require_POST
@moderator_page
def item_approve(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        services.content_approve(
            actor=request.user, content=_content_of(item), note=form.cleaned_data["note"]
        )
        return _("Approved. It's published, and its review items are closed.")

    return _act(request, item_id, "approve", action)


@require_POST
@moderator_page
def item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        services.content_remove(
            actor=request.user, content=_content_of(item), reason=form.cleaned_data["reason"]
        )
        return _("It's taken down. The author will see your reason.")

    return _act(request, item_id, "remove", action)


@require_POST
@moderator_page
def item_restore(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        services.content_restore(
            actor=request.user, content=_content_of(item), note=form.cleaned_data["note"]
        )
        return _("It's published again.")

    return _act(request, item_id, "restore", action)


@require_POST
@moderator_page
def item_sanction(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        sanction = dashboard_services.queue_item_sanction(
            actor=request.user,
            item=item,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            ends_at=form.ends_at(),
            in_group=form.in_group(),
        )
        return _("%(kind)s recorded for %(member)s. They will see the reason.") % {
            "kind": sanction.get_kind_display().capitalize(),
            "member": item.member,
        }

    return _act(request, item_id, "sanction", action)


@require_POST
@moderator_page
def item_note(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        dashboard_services.queue_note_add(
            actor=request.user, item=item, text=form.cleaned_data["text"]
        )
        return _("Your note is added.")

    return _act(request, item_id, "note", action)


@require_POST
@moderator_page
def item_support(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        dashboard_services.support_message_send(
            actor=request.user, item=item, text=form.cleaned_data["text"]
        )
        return _("Your message is sent. The member sees it privately, from the moderation team.")

    return _act(request, item_id, "support", action)


@require_POST
@moderator_page
def item_signpost(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        step = dashboard_services.crisis_signpost_confirm(actor=request.user, item=item)
        return _("Recorded: %(note)s") % {"note": step.note}

    return _act(request, item_id, "signpost", action)


@require_POST
@moderator_page
def item_follow_up(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        dashboard_services.crisis_follow_up_note(
            actor=request.user, item=item, note=form.cleaned_data["note"]
        )
        return _("The follow-up is noted.")

    return _act(request, item_id, "follow_up", action)


@require_POST
@moderator_page
def item_escalate(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        dashboard_services.crisis_escalate(
            actor=request.user, item=item, note=form.cleaned_data["note"]
        )
        return _("The escalation is recorded. Every open dashboard can see it.")

    return _act(request, item_id, "escalate", action)


@require_POST
@moderator_page
def item_appeal(request: HttpRequest, item_id: int) -> HttpResponse:
    def action(item, form):
        services.appeal_decide(
            actor=request.user,
            appeal=_appeal_of(item),
            grant=form.grant,
            note=form.cleaned_data["note"],
        )
        if form.grant:
            return _("Appeal granted: the decision is reversed, and the member is told.")
        return _("Appeal upheld: the decision stands, and the member is told why.")

    return _act(request, item_id, "appeal", action)
