"""Story pages and the public story feed (see community/views/stories.py).

Fixed paths come before `stories/<id>/`."""

from django.urls import path

from community.story_feeds import StoryFeed
from community.views import stories as views

app_name = "stories"
urlpatterns = [
    path("stories/", views.story_list, name="list"),
    path("stories/new/", views.story_new, name="new"),
    path("stories/mine/", views.my_stories, name="mine"),
    path("stories/review/", views.review_queue, name="queue"),
    path("stories/feed/", StoryFeed(), name="feed"),
    path("stories/<int:story_id>/", views.story_detail, name="detail"),
    path("stories/<int:story_id>/edit/", views.story_edit, name="edit"),
    path("stories/<int:story_id>/delete/", views.story_delete, name="delete"),
    path("stories/<int:story_id>/hope/", views.story_hope, name="hope"),
    path("stories/<int:story_id>/review/", views.story_review, name="review"),
]
