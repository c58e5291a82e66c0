"""REST endpoints for peer groups under /api/v1/ (see groups/api.py)."""

urlpatterns: list = []
