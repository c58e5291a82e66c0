"""REST endpoints of mood check-ins, at /api/v1/me/mood/ (see community/mood_api.py). The named
ones come before `<checkin_id>/` so they are not taken for ids."""

from django.urls import path

from community import mood_api as api

urlpatterns = [
    path("", api.MoodListView.as_view(), name="api-mood"),
    path("chart.svg", api.MoodChartView.as_view(), name="api-mood-chart"),
    path("series/", api.MoodSeriesView.as_view(), name="api-mood-series"),
    path("reminder/", api.MoodReminderView.as_view(), name="api-mood-reminder"),
    path("<str:checkin_id>/", api.MoodDetailView.as_view(), name="api-mood-detail"),
]
