"""The one rule of the private space at /me/ (self-check, journal, mood, milestones): a row is
readable and changeable by its member alone. Every selector of those features reads through
here, so no door (page, API) can forget it; tests/community/test_private_space_privacy.py
sweeps every route."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from community.ids import db_id_or_404, not_found

M = TypeVar("M", bound=Model)


class PrivateSpaceRateLimited(Exception):
    """Writing faster than the private space allows; `retry_after` is in seconds. Each tool
    may say it in its own words; every door answers it the same way (429, Retry-After)."""

    def __init__(self, retry_after: int, message: str = "") -> None:
        self.retry_after = retry_after
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            message
            or _(
                "You've written a lot in a short time, so we're pausing new entries for a "
                "moment. Please try again in %(minutes)s minutes; nothing you wrote is lost."
            )
            % {"minutes": minutes}
        )


def has_private_space(actor) -> bool:
    """A signed-in, active account that has not been deleted."""
    return bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.erased_at is None
    )


def check_private_space(actor) -> None:
    """Raise PermissionDenied unless `actor` may write in a private space."""
    if not has_private_space(actor):
        raise PermissionDenied(_("Please log in to use your private space."))


def private_rows(actor, model: type[M]) -> QuerySet[M]:
    """The actor's own rows of `model`: none for a visitor, an inactive or a deleted account,
    and never anyone else's (moderators and staff included)."""
    if not has_private_space(actor):
        return model.objects.none()
    return model.objects.filter(member=actor)


def private_row_or_404(actor, model: type[M], raw_id) -> M:
    """One of the actor's own rows; Http404 for anyone else's, a junk id or one that does not
    exist, all the same answer."""
    row = private_rows(actor, model).filter(pk=db_id_or_404(raw_id)).first()
    if row is None:
        raise not_found()
    return row
