"""Browser tests: Playwright drives Debian's Chromium against the live daphne server.

Run them in their own pytest invocation (`pytest tests/e2e`): pytest-playwright keeps an event
loop running that upsets pytest-asyncio tests later in the same run.

Without /usr/bin/chromium the tests are skipped, unless `REQUIRE_BROWSER=1` (CI), which turns
the skip into a failure.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from tests.factories import TEST_PASSWORD, MemberFactory

# Playwright's sync API runs an event loop in the main thread; Django's database calls made
# by fixtures (flush, factories) would otherwise refuse to run "from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
LOCALE = "en-GB"
PHONE_VIEWPORT = {"width": 375, "height": 812}
SHOTS_DIR = Path("/tmp/shots")
SERIOUS_IMPACTS = {"serious", "critical"}


# pytest-playwright 0.10 defines its session fixture `base_url` as a method, which pytest 9
# reports as deprecated on every run; nothing here can change that.
_PLAYWRIGHT_BASE_URL_WARNING = pytest.mark.filterwarnings(
    "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(_PLAYWRIGHT_BASE_URL_WARNING)


@pytest.fixture(scope="session", autouse=True)
def _chromium_is_installed() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}:
        pytest.fail(f"REQUIRE_BROWSER=1 but {message}.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def _server_starts_before_browser(_chromium_is_installed, daphne_server) -> None:
    """Fork the daphne process before Playwright starts its driver and event loop."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # The locale sets Accept-Language, which the help page uses to guess the country.
    return {**browser_context_args, "locale": LOCALE}


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused because of the Content-Security-Policy, during the test."""
    return []


@pytest.fixture
def new_context(new_context, csp_violations: list[str]) -> Iterator:
    """Every browser context of a test (`page` and `phone` included) reports anything the
    strict CSP blocked: a blocked style or script is a page that looks or works broken."""

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(f"{message.text} (on {message.location.get('url')})")

    def create(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        context.on("console", record)
        return context

    yield create
    assert not csp_violations, "The page broke its CSP:\n" + "\n".join(csp_violations)


@pytest.fixture(autouse=True)
def crisis_resources(transactional_db) -> None:
    """The helplines that the data migration seeds. A transactional test empties every table
    when it ends, so put them back before each test, as a real database always has them."""
    from django.apps import apps

    migration = importlib.import_module("community.migrations.0002_seed_crisis_resources")
    migration.seed(apps, None)
    # The forum categories are seeded by a migration too.
    importlib.import_module("community.migrations.0005_forum_categories").add_categories(apps, None)


@pytest.fixture
def site(live_server_url: str) -> str:
    """Base URL of the running site, without a trailing slash."""
    return live_server_url


@pytest.fixture
def existing_member(transactional_db):
    return MemberFactory(pseudonym="Jordan Calm", email="jordan@example.org", country="GB")


@pytest.fixture
def axe_context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser context for accessibility checks only, with CSP bypassed so the script that
    axe injects can never be blocked by the site's strict policy. (Playwright's evaluate is
    not blocked today; axe gives the same results with and without the bypass.)"""
    context = browser.new_context(bypass_csp=True, locale=LOCALE)
    yield context
    context.close()


@pytest.fixture
def axe_page(axe_context: BrowserContext) -> Page:
    return axe_context.new_page()


def serious_violations(page: Page) -> list[str]:
    """Every axe violation of impact serious or critical on the page, one line each."""
    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS_IMPACTS:
            continue
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"-> {' | '.join(targets)}"
        )
    return lines


def assert_accessible(page: Page) -> None:
    """Fail, listing each one, if axe finds any serious or critical violation."""
    violations = serious_violations(page)
    assert not violations, f"axe found serious/critical violations on {page.url}:\n" + "\n".join(
        violations
    )


def log_in(page: Page, site: str, identifier: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Pseudonym or email").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/me/")
