"""REST endpoints for peer groups under /api/v1/ (see groups/api.py)."""

from django.urls import path

from groups import api

urlpatterns = [
    path("groups/", api.GroupListView.as_view(), name="api-groups"),
    path("groups/<slug:slug>/", api.GroupDetailView.as_view(), name="api-group"),
    path("groups/<slug:slug>/join/", api.GroupJoinView.as_view(), name="api-group-join"),
    path(
        "groups/<slug:slug>/membership/",
        api.GroupMembershipView.as_view(),
        name="api-group-membership",
    ),
    path(
        "groups/<slug:slug>/requests/",
        api.JoinRequestListView.as_view(),
        name="api-group-requests",
    ),
    path(
        "groups/<slug:slug>/requests/<int:pk>/approve/",
        api.JoinRequestApproveView.as_view(),
        name="api-group-request-approve",
    ),
    path(
        "groups/<slug:slug>/requests/<int:pk>/decline/",
        api.JoinRequestDeclineView.as_view(),
        name="api-group-request-decline",
    ),
    path(
        "groups/<slug:slug>/members/<str:pseudonym>/remove/",
        api.MemberRemoveView.as_view(),
        name="api-group-member-remove",
    ),
    path(
        "groups/<slug:slug>/messages/",
        api.MessageListView.as_view(),
        name="api-group-messages",
    ),
    path(
        "groups/<slug:slug>/messages/<int:pk>/remove/",
        api.MessageRemoveView.as_view(),
        name="api-group-message-remove",
    ),
    path("groups/<slug:slug>/mutes/", api.MuteView.as_view(), name="api-group-mutes"),
    path("ignores/", api.IgnoreListView.as_view(), name="api-ignores"),
    path("ignores/<str:pseudonym>/", api.IgnoreView.as_view(), name="api-ignore"),
]
