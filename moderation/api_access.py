"""Who may reach the moderation API at all. Everyone else is told there is nothing here (404),
the same answer as for an address that does not exist."""

from rest_framework.permissions import BasePermission

from community.ids import not_found
from moderation import queue_selectors


class UsesQueue(BasePermission):
    """Moderators and facilitators (each then sees only what their scope allows)."""

    def has_permission(self, request, view) -> bool:
        if not queue_selectors.may_use_queue(request.user):
            raise not_found()
        return True
