"""The review queue and its items, under /moderation/ (names in the `moderation` namespace).
Every page and form here answers 404 to members and visitors."""

from django.urls import path

from moderation import dashboard_views as views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("rows/", views.queue_rows, name="queue-rows"),
    path("bulk/", views.bulk, name="bulk"),
    path("items/<int:item_id>/", views.item, name="item"),
    path("items/<int:item_id>/claim/", views.item_claim, name="item-claim"),
    path("items/<int:item_id>/release/", views.item_release, name="item-release"),
    path("items/<int:item_id>/resolve/", views.item_resolve, name="item-resolve"),
    path("items/<int:item_id>/approve/", views.item_approve, name="item-approve"),
    path("items/<int:item_id>/remove/", views.item_remove, name="item-remove"),
    path("items/<int:item_id>/restore/", views.item_restore, name="item-restore"),
    path("items/<int:item_id>/sanction/", views.item_sanction, name="item-sanction"),
    path("items/<int:item_id>/notes/", views.item_note, name="item-note"),
    path("items/<int:item_id>/support/", views.item_support, name="item-support"),
    path("items/<int:item_id>/crisis/signpost/", views.item_signpost, name="item-crisis-signpost"),
    path(
        "items/<int:item_id>/crisis/follow-up/",
        views.item_follow_up,
        name="item-crisis-follow-up",
    ),
    path("items/<int:item_id>/crisis/escalate/", views.item_escalate, name="item-crisis-escalate"),
    path("items/<int:item_id>/appeal/", views.item_appeal, name="item-appeal"),
]
