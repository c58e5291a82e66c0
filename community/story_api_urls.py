"""REST endpoints of success stories (under /api/v1/; see community/story_api.py).

Ids are matched as text so that junk and out-of-range ones get the API's JSON 404; the named
lists come before `stories/<story_id>/` so that they are not taken for ids."""

from django.urls import path

from community import story_api as api

STORY = "stories/<str:story_id>/"

urlpatterns = [
    path("stories/", api.StoryListView.as_view(), name="api-stories"),
    path("stories/mine/", api.MyStoriesView.as_view(), name="api-stories-mine"),
    path("stories/tags/", api.StoryTagListView.as_view(), name="api-story-tags"),
    path("stories/review/", api.StoryReviewListView.as_view(), name="api-stories-review"),
    path(STORY, api.StoryDetailView.as_view(), name="api-story"),
    path(f"{STORY}hope/", api.StoryHopeView.as_view(), name="api-story-hope"),
    path(f"{STORY}approve/", api.StoryApproveView.as_view(), name="api-story-approve"),
    path(f"{STORY}return/", api.StoryReturnView.as_view(), name="api-story-return"),
    path(f"{STORY}remove/", api.StoryRemoveView.as_view(), name="api-story-remove"),
    path(f"{STORY}feature/", api.StoryFeatureView.as_view(), name="api-story-feature"),
]
