"""Pages of the member's private journal, at /me/journal/ (see community/views/journal.py)."""

from django.urls import path

from community.views import journal as views

app_name = "journal"
urlpatterns = [
    path("", views.journal_list, name="list"),
    path("new/", views.journal_new, name="new"),
    path("search/", views.journal_search, name="search"),
    path("<int:entry_id>/", views.journal_detail, name="detail"),
    path("<int:entry_id>/edit/", views.journal_edit, name="edit"),
    path("<int:entry_id>/delete/", views.journal_delete, name="delete"),
]
