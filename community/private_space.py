"""The one rule of the private space at /me/ (self-check, journal, mood, milestones): a row is
readable and changeable by its member alone. Every selector of those features reads through
here, so no door (page, API) can forget it; tests/community/test_private_space_privacy.py
sweeps every route."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from community.ids import db_id_or_404, not_found

M = TypeVar("M", bound=Model)


def private_rows(actor, model: type[M]) -> QuerySet[M]:
    """The actor's own rows of `model`: none for a visitor, an inactive or a deleted account,
    and never anyone else's (moderators and staff included)."""
    if (
        not getattr(actor, "is_authenticated", False)
        or not actor.is_active
        or actor.erased_at is not None
    ):
        return model.objects.none()
    return model.objects.filter(member=actor)


def private_row_or_404(actor, model: type[M], raw_id) -> M:
    """One of the actor's own rows; Http404 for anyone else's, a junk id or one that does not
    exist, all the same answer."""
    row = private_rows(actor, model).filter(pk=db_id_or_404(raw_id)).first()
    if row is None:
        raise not_found()
    return row
