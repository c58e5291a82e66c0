"""What every moderator page shares: who may open it (moderators, and facilitators of at least
one group; everyone else gets the same 404 as for a page that does not exist) and the urgent
count in its header."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from moderation import permissions
from moderation.queue_selectors import check_may_use_queue, urgent_count_for_header


def moderator_page(view: Callable) -> Callable:
    """Open the view only to those who may use the queue; 404 for everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        check_may_use_queue(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def render_moderation_page(
    request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200
) -> HttpResponse:
    """Render a moderator page with its header: the urgent count and whether the actor is a
    moderator (facilitators see fewer links)."""
    page_context = {
        "urgent_count": urgent_count_for_header(request.user),
        "is_moderator": permissions.is_moderator(request.user),
        **(context or {}),
    }
    return render(request, template, page_context, status=status)
