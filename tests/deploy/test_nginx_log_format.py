"""The proxy's access log keeps paths only: a query string can carry what a person searched for
("?q=panic attacks" from an old search link), and that must never reach a log file."""

import re
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "community.conf"


def test_access_log_format_logs_the_path_without_the_query_string():
    text = CONF.read_text()
    match = re.search(r"^log_format community (.*?);$", text, re.MULTILINE | re.DOTALL)
    assert match is not None
    log_format = match.group(1)

    assert "$uri" in log_format
    for leaky in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$arg_"):
        assert leaky not in log_format, leaky
