"""Pages of the member's private milestones, at /me/milestones/ (community/views/journal.py)."""

from django.urls import path

from community.views import journal as views

app_name = "milestones"
urlpatterns = [
    path("", views.milestone_list, name="list"),
    path("<int:milestone_id>/edit/", views.milestone_edit, name="edit"),
    path("<int:milestone_id>/achieve/", views.milestone_achieve, name="achieve"),
    path("<int:milestone_id>/delete/", views.milestone_delete, name="delete"),
    path("<int:milestone_id>/story/", views.milestone_story, name="story"),
]
