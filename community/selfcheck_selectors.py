"""Reads for the attachment self-check. A result is its member's alone: every read here is
filtered by the actor, so another member, a facilitator or a moderator gets the same 404 as for
a result that does not exist.

Also the suggestions a result comes with: peer groups the actor may join (or is in) and forum
categories the actor may read, chosen by words in their name and purpose that fit the result."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from community import selfcheck
from community.forum_permissions import readable_categories_q
from community.models import Category, SelfCheck
from community.private_space import private_row_or_404, private_rows

SUGGESTIONS_PER_KIND = 3

# Word stems matched (case-insensitively) against names, purposes and descriptions.
KEYWORDS = {
    selfcheck.ANXIETY: ("wait", "repl", "reassur", "abandon", "anxi", "texting", "worry"),
    selfcheck.AVOIDANCE: ("distance", "space", "closeness", "boundar", "avoid", "need", "commit"),
    # For a settled result: places for understanding and keeping up what helps.
    "settled": ("heal", "understand", "practi", "wins"),
}


def _owned(actor) -> QuerySet[SelfCheck]:
    return private_rows(actor, SelfCheck)


def self_checks_for(actor) -> QuerySet[SelfCheck]:
    """The actor's own results, newest first (nothing for a visitor)."""
    return _owned(actor).order_by("-created_at", "-pk")


def get_self_check_for(actor, check_id) -> SelfCheck:
    """One of the actor's own results; Http404 for anything else, whoever asks (moderators
    too), the same answer as for an id that does not exist."""
    return private_row_or_404(actor, SelfCheck, check_id)


@dataclass(frozen=True)
class Change:
    """How a result differs from the one before it (latest minus previous)."""

    latest: SelfCheck
    previous: SelfCheck
    anxiety: Decimal
    avoidance: Decimal

    @property
    def anxiety_words(self) -> str:
        return selfcheck.change_words(self.anxiety)

    @property
    def avoidance_words(self) -> str:
        return selfcheck.change_words(self.avoidance)

    def as_payload(self) -> dict:
        return {
            "previous_id": self.previous.pk,
            "previous_at": self.previous.created_at,
            "anxiety": float(self.anxiety),
            "avoidance": float(self.avoidance),
        }


def _change(latest: SelfCheck, previous: SelfCheck | None) -> Change | None:
    if previous is None:
        return None
    return Change(
        latest=latest,
        previous=previous,
        anxiety=Decimal(latest.anxiety) - Decimal(previous.anxiety),
        avoidance=Decimal(latest.avoidance) - Decimal(previous.avoidance),
    )


def change_since_last(actor) -> Change | None:
    """The latest result against the one before it; None with fewer than two. One query."""
    latest_two = list(self_checks_for(actor)[:2])
    if len(latest_two) < 2:
        return None
    return _change(latest_two[0], latest_two[1])


def change_for(actor, check: SelfCheck) -> Change | None:
    """`check` (one of the actor's) against the actor's result just before it."""
    earlier = (
        self_checks_for(actor)
        .filter(
            Q(created_at__lt=check.created_at) | Q(created_at=check.created_at, pk__lt=check.pk)
        )
        .first()
    )
    return _change(check, earlier)


@dataclass(frozen=True)
class HistoryRow:
    check: SelfCheck
    change: Change | None


@dataclass(frozen=True)
class History:
    rows: list[HistoryRow]  # newest first
    chart: selfcheck.Chart | None  # oldest first; None with fewer than two results


def history_for(actor) -> History:
    """Every result of the actor, newest first, each with its change from the one before, and
    the points of a chart of both scores over time. One query."""
    checks = list(self_checks_for(actor))
    rows = [
        HistoryRow(
            check=check, change=_change(check, checks[i + 1] if i + 1 < len(checks) else None)
        )
        for i, check in enumerate(checks)
    ]
    scores = [(check.anxiety, check.avoidance) for check in reversed(checks)]
    return History(rows=rows, chart=selfcheck.chart(scores) if len(scores) > 1 else None)


# --- suggestions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "group" or "category"
    slug: str
    name: str
    about: str
    url: str
    joined: bool = False  # a group the actor is already in

    def as_payload(self) -> dict:
        return {
            "kind": self.kind,
            "slug": self.slug,
            "name": self.name,
            "about": self.about,
            "url": self.url,
            "joined": self.joined,
        }


@dataclass(frozen=True)
class Suggestions:
    groups: list[Suggestion]
    categories: list[Suggestion]

    def as_payload(self) -> dict:
        return {
            "groups": [s.as_payload() for s in self.groups],
            "categories": [s.as_payload() for s in self.categories],
        }


def _keywords(anxiety: Decimal, avoidance: Decimal) -> list[tuple[str, ...]]:
    """The keyword sets that fit a result, the stronger dimension first."""
    wanted = []
    if selfcheck.is_higher(anxiety):
        wanted.append((Decimal(anxiety), KEYWORDS[selfcheck.ANXIETY]))
    if selfcheck.is_higher(avoidance):
        wanted.append((Decimal(avoidance), KEYWORDS[selfcheck.AVOIDANCE]))
    wanted.sort(key=lambda pair: pair[0], reverse=True)
    return [words for _score, words in wanted] or [KEYWORDS["settled"]]


def _matches(text: str, keyword_sets: list[tuple[str, ...]]) -> tuple[int, ...]:
    text = text.lower()
    return tuple(sum(1 for word in words if word in text) for words in keyword_sets)


def _pick(candidates: list, text_of, keyword_sets) -> list:
    """Up to three candidates that match the keywords best (in their original order among
    equals), topped up with the first of the rest when fewer match."""
    scored = [
        (_matches(text_of(row), keyword_sets), index, row) for index, row in enumerate(candidates)
    ]
    matching = [entry for entry in scored if any(entry[0])]
    matching.sort(key=lambda entry: (tuple(-n for n in entry[0]), entry[1]))
    chosen = [row for _m, _i, row in matching][:SUGGESTIONS_PER_KIND]
    for row in candidates:
        if len(chosen) >= SUGGESTIONS_PER_KIND:
            break
        if row not in chosen:
            chosen.append(row)
    return chosen


def _group_candidates(actor) -> list:
    """Open groups the actor may join or is in, and private groups they are already in; not a
    group they were removed from or turned down for."""
    from groups.models import Membership
    from groups.selectors import groups_for_list

    closed = {Membership.State.REMOVED, Membership.State.DECLINED}
    candidates = []
    for listing in groups_for_list(actor):
        if listing.membership_state in closed:
            continue
        joined = listing.membership_state == Membership.State.ACTIVE
        if listing.group.is_private and not joined:
            continue
        candidates.append((listing.group, joined))
    return candidates


def _category_candidates(actor) -> list[Category]:
    """Categories the actor may read. A group's own forum only when the actor is an active
    member of the group (a moderator may read every group's forum, but it is not theirs)."""
    from groups.models import Membership

    readable = Category.objects.filter(readable_categories_q(actor))
    if not getattr(actor, "is_authenticated", False):
        return list(readable.filter(group__isnull=True).order_by("order", "name"))
    in_group = Membership.objects.filter(
        group=OuterRef("group"), member=actor, state=Membership.State.ACTIVE
    )
    return list(
        readable.filter(Q(group__isnull=True) | Q(Exists(in_group))).order_by("order", "name")
    )


def suggestions_for(actor, anxiety: Decimal, avoidance: Decimal) -> Suggestions:
    """Up to three peer groups and three forum categories that may fit a result, only from
    what the actor may see. Three queries."""
    keyword_sets = _keywords(anxiety, avoidance)
    groups = _pick(
        _group_candidates(actor),
        lambda pair: f"{pair[0].name} {pair[0].purpose}",
        keyword_sets,
    )
    categories = _pick(
        _category_candidates(actor),
        lambda category: f"{category.name} {category.description}",
        keyword_sets,
    )
    return Suggestions(
        groups=[
            Suggestion(
                kind="group",
                slug=group.slug,
                name=group.name,
                about=group.purpose,
                url=reverse("groups:detail", args=[group.slug]),
                joined=joined,
            )
            for group, joined in groups
        ],
        categories=[
            Suggestion(
                kind="category",
                slug=category.slug,
                name=category.name,
                about=category.description,
                url=reverse("forums:category", args=[category.slug]),
            )
            for category in categories
        ],
    )
