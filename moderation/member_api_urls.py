"""REST endpoints for a member's own moderation record and appeals (under /api/v1/me/)."""

from django.urls import path

from moderation import member_api
from moderation.support_api import SupportMessagesReadView, SupportMessagesView, SupportMessageView

urlpatterns = [
    path("reports/", member_api.MyReportsView.as_view(), name="api-my-reports"),
    path("moderation/", member_api.MyModerationView.as_view(), name="api-my-moderation"),
    path("appeals/", member_api.MyAppealsView.as_view(), name="api-my-appeals"),
    path("support-messages/", SupportMessagesView.as_view(), name="api-my-support-messages"),
    path("support-messages/read/", SupportMessagesReadView.as_view(), name="api-my-support-read"),
    path("support-messages/<int:message_id>/", SupportMessageView.as_view(), name="api-my-support"),
]
