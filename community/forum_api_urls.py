"""REST endpoints of the forums and notifications (under /api/v1/; see community/forum_api.py).

Ids and slugs are matched as text so that junk and out-of-range ones get the API's JSON
404."""

from django.urls import path

from community import forum_api as api

THREAD = "forums/threads/<str:thread_id>/"
POST = "forums/posts/<str:post_id>/"

urlpatterns = [
    path("forums/categories/", api.CategoryListView.as_view(), name="api-forum-categories"),
    path(
        "forums/categories/<str:slug>/",
        api.CategoryDetailView.as_view(),
        name="api-forum-category",
    ),
    path(
        "forums/categories/<str:slug>/threads/",
        api.CategoryThreadsView.as_view(),
        name="api-forum-category-threads",
    ),
    path("forums/search/", api.SearchView.as_view(), name="api-forum-search"),
    path(THREAD, api.ThreadDetailView.as_view(), name="api-forum-thread"),
    path(f"{THREAD}posts/", api.ThreadPostsView.as_view(), name="api-forum-thread-posts"),
    path(
        f"{THREAD}reactions/<str:kind>/",
        api.ThreadReactionView.as_view(),
        name="api-forum-thread-reaction",
    ),
    path(f"{THREAD}follow/", api.ThreadFollowView.as_view(), name="api-forum-thread-follow"),
    path(f"{THREAD}lock/", api.ThreadLockView.as_view(), name="api-forum-thread-lock"),
    path(f"{THREAD}pin/", api.ThreadPinView.as_view(), name="api-forum-thread-pin"),
    path(f"{THREAD}remove/", api.ThreadRemoveView.as_view(), name="api-forum-thread-remove"),
    path(f"{THREAD}report/", api.ThreadReportView.as_view(), name="api-forum-thread-report"),
    path(
        f"{THREAD}revisions/",
        api.ThreadRevisionsView.as_view(),
        name="api-forum-thread-revisions",
    ),
    path(POST, api.PostDetailView.as_view(), name="api-forum-post"),
    path(
        f"{POST}reactions/<str:kind>/",
        api.PostReactionView.as_view(),
        name="api-forum-post-reaction",
    ),
    path(f"{POST}remove/", api.PostRemoveView.as_view(), name="api-forum-post-remove"),
    path(f"{POST}report/", api.PostReportView.as_view(), name="api-forum-post-report"),
    path(f"{POST}revisions/", api.PostRevisionsView.as_view(), name="api-forum-post-revisions"),
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/unread-count/",
        api.NotificationUnreadCountView.as_view(),
        name="api-notifications-unread-count",
    ),
    path(
        "notifications/read/",
        api.NotificationsReadView.as_view(),
        name="api-notifications-read",
    ),
]
