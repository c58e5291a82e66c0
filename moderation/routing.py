"""Websocket routes of the moderation app (its consumers arrive with its own issue)."""

websocket_urlpatterns: list = []
