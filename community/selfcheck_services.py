"""Writes for the attachment self-check: storing a completed check and deleting one. Every door
(pages, REST API) calls these, so the rules live here once.

A self-check belongs to its member alone. Nothing here passes the moderation pipeline, writes
an audit row, queues anything or tells anyone: the answers are numbers chosen from a fixed
scale, with no words of the member's own to screen."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community import selfcheck
from community.ids import not_found
from community.models import SelfCheck
from community.private_space import PrivateSpaceRateLimited, check_private_space
from community.ratelimit import SlidingWindow

DAILY_LIMIT = 10
DAY_SECONDS = 24 * 60 * 60


class SelfCheckRateLimited(PrivateSpaceRateLimited):
    """Many self-checks in the last day; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        hours = max(1, (retry_after + 3599) // 3600)
        super().__init__(
            retry_after,
            _(
                "You've taken the self-check %(limit)s times today, which is plenty. Your "
                "answers are more useful with a little time between them: please come back "
                "in about %(hours)s hours."
            )
            % {"limit": DAILY_LIMIT, "hours": hours},
        )


def rate_window(member) -> SlidingWindow:
    return SlidingWindow(
        scope="self-check",
        subject=str(member.pk),
        limit=DAILY_LIMIT,
        window_seconds=DAY_SECONDS,
    )


def clean_answers(answers) -> dict[str, int]:
    """Every item answered with a whole number from 1 to 5, and nothing else. Raises a
    ValidationError naming each item that is missing or wrong, and each unknown key."""
    if not isinstance(answers, dict):
        raise ValidationError(
            {"answers": [_("Please answer each statement with a number from 1 to 5.")]}
        )
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int] = {}
    for key in selfcheck.ITEM_KEYS:
        value = answers.get(key)
        if value is None:
            errors[key] = [_("Please choose an answer for this statement.")]
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not selfcheck.ANSWER_MIN <= value <= selfcheck.ANSWER_MAX
        ):
            errors[key] = [_("Please choose one of the answers, from 1 to 5.")]
        else:
            cleaned[key] = value
    for key in answers:
        if key not in selfcheck.ITEMS_BY_KEY:
            errors[str(key)] = [_("This isn't one of the self-check's statements.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def self_check_submit(*, actor, answers: dict) -> SelfCheck:
    """Store one completed self-check with its two scores.

    Refuses: a visitor or an erased account (PermissionDenied); any item missing, not a whole
    number from 1 to 5, or an unknown key (ValidationError per item key; nothing is stored);
    more than DAILY_LIMIT in a day (SelfCheckRateLimited, with retry_after)."""
    check_private_space(actor)
    cleaned = clean_answers(answers)
    window = rate_window(actor)
    retry_after = window.retry_after()
    if retry_after:
        raise SelfCheckRateLimited(retry_after)
    anxiety, avoidance = selfcheck.score(cleaned)
    with transaction.atomic():
        check = SelfCheck.objects.create(
            member=actor, answers=cleaned, anxiety=anxiety, avoidance=avoidance
        )
    window.add()
    return check


def self_check_delete(*, actor, check: SelfCheck) -> None:
    """Delete one of the actor's own results for good. Someone else's is refused as if it did
    not exist (callers fetch it with `get_self_check_for`, which already says 404)."""
    check_private_space(actor)
    if check.member_id != actor.pk:
        raise not_found()
    with transaction.atomic():
        SelfCheck.objects.filter(pk=check.pk, member=actor).delete()
