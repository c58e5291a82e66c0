"""Websocket routes of the groups app."""

from django.urls import path

from groups.consumers import ChatConsumer

websocket_urlpatterns = [
    path("ws/groups/<slug:slug>/", ChatConsumer.as_asgi()),
]
