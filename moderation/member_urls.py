"""A member's own moderation page: outcomes of their reports, removals and sanctions, appeals,
and the supportive messages the moderation team sent them."""

from django.urls import path

from moderation import member_views

app_name = "my-moderation"

urlpatterns = [
    path("", member_views.overview, name="overview"),
    path("appeal/", member_views.appeal, name="appeal"),
    path("support/", member_views.support, name="support"),
]
