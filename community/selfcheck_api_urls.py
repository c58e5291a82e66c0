"""REST endpoints of the attachment self-check, under /api/v1/me/self-check/ (see
community/selfcheck_api.py). Ids are matched as text so that junk and out-of-range ones get
the API's JSON 404; `items/` comes first so that it is not taken for an id."""

from django.urls import path

from community import selfcheck_api as api

urlpatterns = [
    path("", api.SelfCheckListView.as_view(), name="api-self-checks"),
    path("items/", api.SelfCheckItemsView.as_view(), name="api-self-check-items"),
    path("<str:check_id>/", api.SelfCheckDetailView.as_view(), name="api-self-check"),
]
