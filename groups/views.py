"""HTML pages for peer groups: the list, a group's page, joining and leaving, the facilitator's
requests page and the chat room. Thin: each page reads through groups.selectors and each form
calls one groups.services function, then shows its result or its error.

What an actor may not see is a 404, the same answer as for a group that does not exist."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from groups import permissions, selectors, services
from groups.forms import JoinRequestForm, RemoveMemberForm
from groups.models import Membership, PeerGroup

# --- reading ----------------------------------------------------------------------------------


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """Every group (names and purposes are public) with the visitor's own standing in each."""
    return render(
        request, "groups/list.html", {"listings": selectors.groups_for_list(request.user)}
    )


def _group_page(
    request: HttpRequest,
    group: PeerGroup,
    *,
    join_form: JoinRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = permissions.membership_of(request.user, group)
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "membership": membership,
            "state": membership.state if membership is not None else "",
            "sessions": selectors.upcoming_sessions(group),
            "can_enter_room": permissions.can_read_messages(request.user, group),
            "can_facilitate": permissions.can_facilitate(request.user, group),
            "join_form": join_form or JoinRequestForm(),
        },
        status=status,
    )


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """What the group is for, its guidelines, its next sessions and how to join or leave."""
    return _group_page(request, selectors.get_group(slug))


# --- joining and leaving ----------------------------------------------------------------------


@require_POST
@login_required
def group_join(request: HttpRequest, slug: str) -> HttpResponse:
    """Join an open group, or ask to join a private one with an optional note."""
    group = selectors.get_group(slug)
    # Only a request to join a private group carries a note.
    form = JoinRequestForm(request.POST if group.is_private else {})
    if not form.is_valid():
        return _group_page(request, group, join_form=form, status=400)
    try:
        membership = services.group_join(
            actor=request.user, group=group, note=form.cleaned_data["note"]
        )
    except services.GroupActionRefused as refused:
        form.add_error(None, str(refused))
        return _group_page(request, group, join_form=form, status=400)
    if membership.state == Membership.State.ACTIVE:
        messages.success(
            request,
            _("Welcome to %(group)s. The room is open whenever you're ready.")
            % {"group": group.name},
        )
    else:
        messages.success(
            request,
            _("Thank you. A facilitator will look at your request and you'll see the answer here."),
        )
    return redirect("groups:detail", slug=group.slug)


@require_POST
@login_required
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    """Leave a group, or withdraw a request to join it."""
    group = selectors.get_group(slug)
    before = permissions.membership_of(request.user, group)
    services.group_leave(actor=request.user, group=group)
    if before is not None and before.state == Membership.State.REQUESTED:
        messages.success(request, _("Your request is withdrawn. You can ask again at any time."))
    elif before is not None and before.state == Membership.State.ACTIVE:
        messages.success(
            request,
            _("You've left %(group)s. You're welcome back whenever you like.")
            % {"group": group.name},
        )
    return redirect("groups:detail", slug=group.slug)


# --- facilitators -----------------------------------------------------------------------------


def _requests_page(
    request: HttpRequest,
    group: PeerGroup,
    *,
    failed_form: tuple[int, RemoveMemberForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    members = []
    for membership in selectors.active_members(group):
        form = RemoveMemberForm(prefix=f"remove-{membership.pk}")
        if failed_form is not None and failed_form[0] == membership.pk:
            form = failed_form[1]
        members.append((membership, form))
    return render(
        request,
        "groups/requests.html",
        {
            "group": group,
            "pending": selectors.pending_requests(group),
            "members": members,
        },
        status=status,
    )


@require_GET
@login_required
def group_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """Requests waiting for an answer and the members of the group, for its facilitators and
    moderators."""
    return _requests_page(request, selectors.get_facilitated_group_for(request.user, slug))


def _decide(request: HttpRequest, slug: str, membership_id: int, *, approve: bool) -> HttpResponse:
    group = selectors.get_facilitated_group_for(request.user, slug)
    membership = selectors.membership_in_group(group, membership_id)
    if membership.state != Membership.State.REQUESTED:
        messages.info(request, _("This request has already been answered or withdrawn."))
        return redirect("groups:requests", slug=group.slug)
    service = (
        services.membership_request_approve if approve else services.membership_request_decline
    )
    try:
        service(actor=request.user, membership=membership)
    except services.GroupActionRefused as refused:
        messages.info(request, str(refused))
        return redirect("groups:requests", slug=group.slug)
    name = membership.member.pseudonym
    if approve:
        messages.success(request, _("%(name)s is now a member.") % {"name": name})
    else:
        messages.success(
            request, _("You declined %(name)s's request. They can ask again.") % {"name": name}
        )
    return redirect("groups:requests", slug=group.slug)


@require_POST
@login_required
def request_approve(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    return _decide(request, slug, membership_id, approve=True)


@require_POST
@login_required
def request_decline(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    return _decide(request, slug, membership_id, approve=False)


@require_POST
@login_required
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Remove a member from the group, with a reason they will see."""
    group = selectors.get_facilitated_group_for(request.user, slug)
    membership = selectors.membership_in_group(group, membership_id, state=Membership.State.ACTIVE)
    form = RemoveMemberForm(request.POST, prefix=f"remove-{membership.pk}")
    if not form.is_valid():
        return _requests_page(request, group, failed_form=(membership.pk, form), status=400)
    try:
        services.membership_remove(
            actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
        )
    except services.GroupActionRefused as refused:
        form.add_error("reason", str(refused))
        return _requests_page(request, group, failed_form=(membership.pk, form), status=400)
    except PermissionDenied as denied:
        form.add_error(None, str(denied) or _("You can't remove this member."))
        return _requests_page(request, group, failed_form=(membership.pk, form), status=403)
    messages.success(
        request,
        _("%(name)s is no longer in this group.") % {"name": membership.member.pseudonym},
    )
    return redirect("groups:requests", slug=group.slug)


# --- the room ---------------------------------------------------------------------------------


def _with_time(payload: dict) -> dict:
    """The payload plus `created` as a datetime, for the page's UTC fallback time."""
    if "created_at" not in payload:
        return payload
    return {**payload, "created": datetime.fromisoformat(payload["created_at"])}


@require_GET
@login_required
def group_room(request: HttpRequest, slug: str) -> HttpResponse:
    """The live chat room: the latest messages are rendered here; room.js keeps them current."""
    group = selectors.get_room_for(request.user, slug)
    history = [_with_time(payload) for payload in selectors.messages_before(request.user, group)]
    return render(
        request,
        "groups/room.html",
        {
            "group": group,
            "history": history,
            "first_seq": history[0]["seq"] if history else 0,
            "last_seq": history[-1]["seq"] if history else 0,
            "held": selectors.own_held_messages(request.user, group),
            "can_facilitate": permissions.can_facilitate(request.user, group),
            "api_base": f"/api/v1/groups/{group.slug}/",
            "ws_path": f"/ws/groups/{group.slug}/",
            "group_url": reverse("groups:detail", kwargs={"slug": group.slug}),
        },
    )
