"""HTML pages for peer groups (see groups/views.py)."""

from django.urls import path

from groups import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/join/", views.group_join, name="join"),
    path("<slug:slug>/leave/", views.group_leave, name="leave"),
    path("<slug:slug>/room/", views.group_room, name="room"),
    path("<slug:slug>/requests/", views.group_requests, name="requests"),
    path(
        "<slug:slug>/requests/<int:membership_id>/approve/",
        views.request_approve,
        name="request-approve",
    ),
    path(
        "<slug:slug>/requests/<int:membership_id>/decline/",
        views.request_decline,
        name="request-decline",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
]
