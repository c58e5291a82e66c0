from django.urls import path

from community import token_api

urlpatterns = [
    path("", token_api.ApiTokenListView.as_view(), name="api-me-tokens"),
    path("<int:token_id>/", token_api.ApiTokenDetailView.as_view(), name="api-me-token"),
]
