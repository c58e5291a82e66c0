"""Test settings: the real settings, with debug-time conveniences (no HTTPS redirect, a dev
secret key) because the test client speaks plain HTTP. Production values are tested by running
`manage.py check --deploy` in a subprocess with production environment variables."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from community.settings import *  # noqa: F403
from community.settings import VAR_DIR

# Fast hashing: tests create many members.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The suite makes many API calls quickly from one client; throttle tests set low rates themselves.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"user": "100000/min", "anon": "100000/min"},
}

# Data exports are built at once, in the test's own thread (the live server uses the real
# background runner: see tests/fixtures/servers.py).
DATA_EXPORT_RUNNER = "inline"
