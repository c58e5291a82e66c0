"""Forum pages, notifications and the group forum shortcut (see community/views/forums.py).

Fixed paths come before `forums/<slug>/`, so no category slug can hide them."""

from django.urls import path

from community.views import forums as views

app_name = "forums"
urlpatterns = [
    path("forums/", views.category_list, name="index"),
    path("forums/search/", views.search, name="search"),
    # threads (the opening post is the thread's own text)
    path("forums/threads/<int:thread_id>/", views.thread_detail, name="thread"),
    path("forums/threads/<int:thread_id>/reply/", views.thread_reply, name="reply"),
    path("forums/threads/<int:thread_id>/edit/", views.thread_edit, name="thread-edit"),
    path("forums/threads/<int:thread_id>/delete/", views.thread_delete, name="thread-delete"),
    path("forums/threads/<int:thread_id>/react/", views.thread_react, name="thread-react"),
    path("forums/threads/<int:thread_id>/report/", views.thread_report, name="thread-report"),
    path("forums/threads/<int:thread_id>/remove/", views.thread_remove, name="thread-remove"),
    path("forums/threads/<int:thread_id>/history/", views.thread_history, name="thread-history"),
    path("forums/threads/<int:thread_id>/follow/", views.thread_follow, name="follow"),
    path("forums/threads/<int:thread_id>/moderate/", views.thread_moderate, name="moderate"),
    # replies
    path("forums/posts/<int:post_id>/", views.post_permalink, name="post"),
    path("forums/posts/<int:post_id>/edit/", views.post_edit, name="post-edit"),
    path("forums/posts/<int:post_id>/delete/", views.post_delete, name="post-delete"),
    path("forums/posts/<int:post_id>/react/", views.post_react, name="post-react"),
    path("forums/posts/<int:post_id>/report/", views.post_report, name="post-report"),
    path("forums/posts/<int:post_id>/remove/", views.post_remove, name="post-remove"),
    path("forums/posts/<int:post_id>/history/", views.post_history, name="post-history"),
    # categories
    path("forums/<slug:slug>/", views.category_detail, name="category"),
    path("forums/<slug:slug>/new/", views.thread_new, name="thread-new"),
    # notifications and the group forum shortcut
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("groups/<slug:slug>/forum/", views.group_forum, name="group-forum"),
]
