"""Crisis screening of words in a member's private space: help for them at once, nothing kept
or sent to anyone, and no promise that a moderator will read it."""

import pytest

from community.signposting import CONCERN, SOMEONE_ELSE, URGENT, private_signpost
from moderation.models import QueueItem, Signpost
from tests.moderation.conftest import CONCERN_TEXT, URGENT_TEXT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        (URGENT_TEXT, URGENT),
        (CONCERN_TEXT, CONCERN),
        ("My friend told me she wants to die and I don't know what to do.", SOMEONE_ELSE),
    ],
)
def test_risk_in_private_words_shows_help_and_keeps_nothing(member, text, tier):
    offer = private_signpost(member, text)
    assert offer is not None and offer.tier == tier
    assert offer.resources
    assert "moderator" not in offer.text
    assert not Signpost.objects.exists()
    assert not QueueItem.objects.exists()


def test_everyday_words_and_idioms_show_nothing(member):
    assert private_signpost(member, "Waited an hour before replying today. Proud of that.") is None
    assert private_signpost(member, "This homework is killing me.") is None
    assert private_signpost(member, "") is None
