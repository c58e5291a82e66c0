from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import MemberFactory

URGENT_TEXT = "I'm going to kill myself tonight. I have the pills ready."
CONCERN_TEXT = "Honestly I just want to die. Everyone would be better off without me."
SOMEONE_ELSE_TEXT = "My best friend told me she wants to die and I don't know what to do."
EVERYDAY_TEXT = (
    "He left me on read again and this waiting is killing me, but I'm breathing through it."
)


@pytest.fixture
def established(db):
    """A member who joined a month ago: new-member rules don't apply."""
    return MemberFactory(
        pseudonym="Sky Settled", country="GB", date_joined=timezone.now() - timedelta(days=30)
    )
