"""Reads of the member's private journal and milestones. Every read is of the actor's own rows:
anything else, whoever asks (another member, a facilitator, a moderator), is Http404, the same
answer as for what does not exist."""

from __future__ import annotations

import re

from django.core.paginator import Page
from django.db.models import Q, QuerySet

from community.forum_selectors import clean_search_query, rows_page
from community.models import JournalEntry, Milestone
from community.private_space import private_row_or_404, private_rows

ENTRIES_PER_PAGE = 20
SEARCH_MAX_WORDS = 10


def journal_entries(actor) -> QuerySet[JournalEntry]:
    """The actor's own entries, newest first (none for a visitor)."""
    return private_rows(actor, JournalEntry).order_by("-created_at", "-pk")


def journal_page(actor, number: int) -> Page:
    return rows_page(journal_entries(actor), ENTRIES_PER_PAGE, number)


def get_journal_entry_for(actor, entry_id) -> JournalEntry:
    """The actor's own entry; Http404 for anyone else's (moderators too) and for junk ids."""
    return private_row_or_404(actor, JournalEntry, entry_id)


def journal_search(actor, words) -> QuerySet[JournalEntry]:
    """The actor's own entries containing every word (case-insensitive), in the text or the
    prompt, newest first. Raises SearchQueryInvalid for words too short or too long."""
    query = clean_search_query(words)
    rows = journal_entries(actor)
    for word in re.findall(r"\w+", query)[:SEARCH_MAX_WORDS]:
        rows = rows.filter(Q(body__icontains=word) | Q(prompt__icontains=word))
    return rows


def milestones(actor) -> QuerySet[Milestone]:
    """The actor's own milestones: open goals first, then the most recently achieved."""
    return private_rows(actor, Milestone).select_related("story")


def get_milestone_for(actor, milestone_id) -> Milestone:
    """The actor's own milestone; Http404 for anyone else's (moderators too) and junk ids."""
    return private_row_or_404(actor, Milestone, milestone_id)
