"""Mood check-in pages, at /me/mood/ (see community/views/mood.py)."""

from django.urls import path

from community.views import mood

app_name = "mood"

urlpatterns = [
    path("", mood.mood_index, name="index"),
    path("reminder/", mood.mood_reminder, name="reminder"),
    path("reminder/not-today/", mood.mood_reminder_dismiss, name="dismiss"),
    path("<str:checkin_id>/delete/", mood.mood_delete, name="delete"),
]
