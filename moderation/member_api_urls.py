"""REST endpoints for a member's own moderation record and appeals (under /api/v1/me/)."""

from django.urls import path

from moderation import member_api

urlpatterns = [
    path("reports/", member_api.MyReportsView.as_view(), name="api-my-reports"),
    path("moderation/", member_api.MyModerationView.as_view(), name="api-my-moderation"),
    path("appeals/", member_api.MyAppealsView.as_view(), name="api-my-appeals"),
]
