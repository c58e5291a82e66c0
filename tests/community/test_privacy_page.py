"""The plain-language privacy page: what we store, who can see it, how long, how to take a copy
and how to delete an account."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADINGS = [
    "What we store",
    "Who can see it",
    "How long we keep it",
    "How to get a copy of your data",
    "How to delete your account",
    "Help is always here",
]


def test_visitor_can_read_the_privacy_page_with_every_section(client):
    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    html = response.content.decode()
    for heading in HEADINGS:
        assert f">{heading}</h2>" in html
    assert f'href="{reverse("me-export")}"' in html
    assert f'href="{reverse("me-delete")}"' in html
    assert f'href="{reverse("help")}"' in html
    assert "never shown to other members" in html
    assert "Former member" in html


def test_privacy_page_tells_the_retention_period_from_the_setting(client, settings):
    def page_text() -> str:
        return " ".join(client.get(reverse("privacy")).content.decode().split())

    assert "we keep its words for 90 days" in page_text()

    settings.RETENTION_DAYS = 30
    assert "we keep its words for 30 days" in page_text()
    assert "90 days" not in page_text()


def test_privacy_page_is_linked_from_every_footer_and_from_sign_up(client):
    privacy_url = reverse("privacy")

    assert f'href="{privacy_url}"' in client.get(reverse("home")).content.decode()
    assert f'href="{privacy_url}"' in client.get(reverse("signup")).content.decode()
