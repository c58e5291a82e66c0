"""Websocket routes of the groups app (its consumers arrive with its own issue)."""

websocket_urlpatterns: list = []
