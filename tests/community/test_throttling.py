"""API throttles: per member (session or token) and per visitor address, answered with 429 and
Retry-After; X-Forwarded-For counts only when DJANGO_NUM_PROXIES says proxies are in front."""

import pytest
from django.test import Client

from community import tokens

pytestmark = pytest.mark.django_db

HELP = "/api/v1/help/"


@pytest.fixture
def rates(settings):
    """Low rates (and a chosen proxy count) for one test; the suite's own rates are generous."""

    def set_rates(*, user="3/min", anon="2/min", num_proxies=0):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"user": user, "anon": anon},
            "NUM_PROXIES": num_proxies,
        }

    return set_rates


def test_production_defaults_are_documented_values():
    from community import settings as production

    assert production.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {
        "user": production.API_THROTTLE_USER,
        "anon": production.API_THROTTLE_ANON,
    }
    assert production.REST_FRAMEWORK["NUM_PROXIES"] == production.NUM_PROXIES


def test_visitors_are_throttled_per_address_with_retry_after(rates):
    rates(anon="2/min")
    client = Client(REMOTE_ADDR="203.0.113.5")
    assert [client.get(HELP).status_code for _ in range(2)] == [200, 200]
    response = client.get(HELP)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="203.0.113.6").get(HELP).status_code == 200


def test_members_are_throttled_per_member_across_addresses(rates, member):
    rates(user="3/min", anon="1/min")
    first = Client(REMOTE_ADDR="203.0.113.5")
    first.force_login(member)
    second = Client(REMOTE_ADDR="198.51.100.7")
    second.force_login(member)
    assert [first.get("/api/v1/me/").status_code for _ in range(2)] == [200, 200]
    assert second.get("/api/v1/me/").status_code == 200
    response = second.get("/api/v1/me/")
    assert response.status_code == 429
    assert "Retry-After" in response


def test_a_token_shares_its_owners_bucket(rates, member):
    rates(user="2/min")
    _, secret = tokens.api_token_create(owner=member, name="script")
    session = Client()
    session.force_login(member)
    assert session.get("/api/v1/me/").status_code == 200
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert Client().get("/api/v1/me/", **headers).status_code == 200
    assert Client().get("/api/v1/me/", **headers).status_code == 429


def test_one_member_being_throttled_leaves_others_alone(rates, member, other_member):
    rates(user="1/min")
    client = Client()
    client.force_login(member)
    client.get("/api/v1/me/")
    assert client.get("/api/v1/me/").status_code == 429
    other = Client()
    other.force_login(other_member)
    assert other.get("/api/v1/me/").status_code == 200


def test_forwarded_for_is_ignored_without_trusted_proxies(rates):
    rates(anon="2/min", num_proxies=0)
    codes = [
        Client(REMOTE_ADDR="203.0.113.5").get(HELP, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_with_one_proxy_the_right_most_forwarded_address_counts(rates):
    rates(anon="1/min", num_proxies=1)
    proxy = "192.0.2.1"

    def get(forwarded: str) -> int:
        return Client(REMOTE_ADDR=proxy).get(HELP, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert get("203.0.113.5") == 200
    assert get("203.0.113.5") == 429
    # A client cannot escape by adding its own address on the left: the proxy's entry counts.
    assert get("10.9.9.9, 203.0.113.5") == 429
    assert get("198.51.100.7") == 200
