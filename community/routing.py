"""All websocket routes, gathered from the apps that own them."""

from groups.routing import websocket_urlpatterns as groups_patterns
from moderation.routing import websocket_urlpatterns as moderation_patterns

websocket_urlpatterns = [*groups_patterns, *moderation_patterns]
