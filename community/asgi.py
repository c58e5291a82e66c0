"""ASGI entry point: daphne serves HTTP and websockets from this one application.

The Django app is built first (so models are loaded before consumers import them); websockets
pass the origin check against ALLOWED_HOSTS, then the session/auth stack, then the router.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from community import websocket_limits  # noqa: E402
from community.routing import websocket_urlpatterns  # noqa: E402

# Under daphne: drop a websocket whose client has stopped reading (see websocket_limits).
websocket_limits.install()

application = ProtocolTypeRouter(
    {
        # The app serves its own small stylesheet, so `make run` needs no separate web server.
        "http": ASGIStaticFilesHandler(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
