"""Template context shared by every page."""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from community import forum_selectors, mood_selectors

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


# Pages that may show the gentle check-in reminder: the home page and the member's own space.
MOOD_REMINDER_PATHS = ("/", "/me/")


def mood_reminder(request: HttpRequest) -> dict:
    """`mood_reminder_due` for the banner in base.html: only for a signed-in member, only on the
    home page and /me/, and worked out only if the page asks. The answer is kept in the cache
    (see community.mood_selectors), so it usually costs no query; visitors never pay one."""
    user = getattr(request, "user", None)
    if request.path not in MOOD_REMINDER_PATHS or not getattr(user, "is_authenticated", False):
        return {"mood_reminder_due": False}

    def due() -> bool:
        return mood_selectors.mood_reminder_due(user, timezone.now())

    return {"mood_reminder_due": SimpleLazyObject(due)}
