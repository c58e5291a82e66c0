"""REST endpoints of the member's private journal and milestones (under /api/v1/me/; see
community/journal_api.py). Ids are matched as text so junk gets the API's JSON 404; the named
paths come before the ids."""

from django.urls import path

from community import journal_api as api

ENTRY = "journal/<str:entry_id>/"
MILESTONE = "milestones/<str:milestone_id>/"

urlpatterns = [
    path("journal/", api.JournalListView.as_view(), name="api-journal"),
    path("journal/search/", api.JournalSearchView.as_view(), name="api-journal-search"),
    path("journal/prompts/", api.JournalPromptsView.as_view(), name="api-journal-prompts"),
    path(ENTRY, api.JournalEntryView.as_view(), name="api-journal-entry"),
    path("milestones/", api.MilestoneListView.as_view(), name="api-milestones"),
    path(MILESTONE, api.MilestoneView.as_view(), name="api-milestone"),
    path(f"{MILESTONE}achieve/", api.MilestoneAchieveView.as_view(), name="api-milestone-achieve"),
    path(f"{MILESTONE}story/", api.MilestoneStoryView.as_view(), name="api-milestone-story"),
]
