"""Ids that arrive in URLs and query strings. Every door turns junk into the same 404 as for
a thing that does not exist (an id past the database's range exists nowhere, and SQLite would
raise instead of answering "no such row")."""

from django.http import Http404
from django.utils.translation import gettext as _

MAX_DB_ID = 2**63 - 1


def not_found() -> Http404:
    # The same words whether the thing never existed or the reader may not see it.
    return Http404(_("We couldn't find that. It may have been removed, or it may be private."))


def db_id_or_404(raw) -> int:
    """A database id from text or a number; Http404 for anything that can't be one."""
    if isinstance(raw, bool):
        raise not_found()
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise not_found() from None
    if not 0 < pk <= MAX_DB_ID:
        raise not_found()
    return pk
