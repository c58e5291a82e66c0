"""deploy/env.example, the production environment file, against community/settings.py.

README.md "Configuration" explains the variables; env.example is the file a deployment copies.
These tests keep it complete (every variable the settings read is listed, set or commented)
and keep its values right for the documented topology (one proxy hop, TLS at the proxy).
tests/deploy/test_nginx.py starts daphne with it.
"""

import re
from pathlib import Path

from community.settings import PLACEHOLDER_SECRET_KEYS
from tests.deploy.stack import ENV_EXAMPLE, ENV_NAME, REPO, read_env_file

# Read by the settings, but only the tests set it.
TEST_ONLY_VARIABLES = {"DJANGO_TEST_DATABASE_NAME"}


def commented_names(path: Path) -> set[str]:
    """Variables listed with their default, commented out: `# NAME=value`."""
    return set(re.findall(rf"^# ({ENV_NAME})=", path.read_text(), re.MULTILINE))


def variables_the_settings_read() -> set[str]:
    source = (REPO / "community" / "settings.py").read_text()
    pattern = (
        rf"(?:os\.environ\.get|os\.getenv|env_bool|env_list)\(\s*\"({ENV_NAME})\""
        rf"|os\.environ\[\"({ENV_NAME})\"\]"
    )
    return {get or index for get, index in re.findall(pattern, source)}


def test_every_variable_the_settings_read_is_in_env_example():
    read = variables_the_settings_read()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_NUM_PROXIES"} <= read
    listed = set(read_env_file(ENV_EXAMPLE)) | commented_names(ENV_EXAMPLE)
    missing = read - listed - TEST_ONLY_VARIABLES
    assert not missing, f"settings.py reads these; add to deploy/env.example: {sorted(missing)}"


def test_env_example_is_production_behind_one_tls_proxy():
    env = read_env_file(ENV_EXAMPLE)
    assert env["DJANGO_DEBUG"] == "0"
    # One trusted hop: nginx, which overwrites X-Forwarded-For and X-Forwarded-Proto.
    assert env["DJANGO_NUM_PROXIES"] == "1"
    assert env["DJANGO_BEHIND_TLS_PROXY"] == "1"
    assert env["DAPHNE_BIND"] == "127.0.0.1"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://")
    # A copy that nobody edited must not start: the settings refuse this key.
    assert env["DJANGO_SECRET_KEY"] in PLACEHOLDER_SECRET_KEYS
    # Every variable appears once, set or commented.
    names = re.findall(rf"^#? ?({ENV_NAME})=", ENV_EXAMPLE.read_text(), re.MULTILINE)
    assert len(names) == len(set(names)), sorted(name for name in names if names.count(name) > 1)
