"""Pages of the attachment self-check, at /me/self-check/ (see community/views/selfcheck.py)."""

from django.urls import path

from community.views import selfcheck as views

app_name = "selfcheck"
urlpatterns = [
    path("", views.self_check, name="form"),
    path("history/", views.self_check_history, name="history"),
    path("<int:check_id>/", views.self_check_result, name="result"),
    path("<int:check_id>/delete/", views.self_check_delete, name="delete"),
]
