"""Template context shared by every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from community import forum_selectors

SIGNPOST_SESSION_KEY = "pending_signpost"


def remember_signpost(request: HttpRequest, payload: dict) -> None:
    """Keep a signpost so the next page shown to this person displays it (after a redirect)."""
    request.session[SIGNPOST_SESSION_KEY] = payload


def pending_signpost(request: HttpRequest) -> dict:
    """A signpost waiting to be shown, shown once. Only the session's owner ever sees it."""
    session = getattr(request, "session", None)
    if session is None or SIGNPOST_SESSION_KEY not in session:
        return {}
    return {"signpost": session.pop(SIGNPOST_SESSION_KEY)}


def notification_bell(request: HttpRequest) -> dict:
    """The unread count on the notifications bell, worked out only if a page shows it (the
    navigation does, for members only), so visitors and bare pages pay no query."""

    def count() -> int:
        return forum_selectors.unread_notification_count(getattr(request, "user", None))

    return {"unread_notification_count": SimpleLazyObject(count)}
