"""HTML pages for peer groups (see groups/views.py)."""

app_name = "groups"
urlpatterns: list = []
