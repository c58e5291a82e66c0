"""Milestones: goals a member sets and marks achieved over time, and one click that turns a
milestone into a draft success story (the same draft the second time), on every door."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from community import journal_selectors, journal_services
from community.journal_services import MILESTONES_PER_HOUR, PrivateSpaceRateLimited
from community.models import Milestone, Story
from community.models.selfhelp import MILESTONE_TITLE_MAX_LENGTH, NOTE_MAX_LENGTH
from moderation.models import ModerationAction, QueueItem, Signpost
from tests.factories import MemberFactory
from tests.moderation.conftest import CONCERN_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled_member(db):
    """Joined a month ago, so new-member rules don't apply to their story drafts."""
    return MemberFactory(
        pseudonym="Sage Settled", country="GB", date_joined=timezone.now() - timedelta(days=30)
    )


def make(member, title="Waited an hour before replying", note=""):
    milestone, _offer = journal_services.milestone_create(actor=member, title=title, note=note)
    return milestone


def test_setting_a_goal_and_marking_it_achieved_over_time(member):
    goal = make(member)
    assert goal.achieved_at is None
    journal_services.milestone_achieve(actor=member, milestone=goal, achieved=True)
    first = goal.achieved_at
    assert first is not None
    journal_services.milestone_achieve(actor=member, milestone=goal, achieved=True)
    assert goal.achieved_at == first  # marking it again keeps the day it happened
    journal_services.milestone_achieve(actor=member, milestone=goal, achieved=False)
    goal.refresh_from_db()
    assert goal.achieved_at is None


def test_open_goals_come_first_then_the_latest_achieved(member):
    older = make(member, "Set a boundary")
    newer = make(member, "Said what I need")
    open_goal = make(member, "Waited a day")
    journal_services.milestone_achieve(actor=member, milestone=older, achieved=True)
    journal_services.milestone_achieve(actor=member, milestone=newer, achieved=True)
    assert list(journal_selectors.milestones(member)) == [open_goal, newer, older]


@pytest.mark.parametrize(
    ("title", "note", "field"),
    [
        ("", "", "title"),
        ("   ", "", "title"),
        ("x" * (MILESTONE_TITLE_MAX_LENGTH + 1), "", "title"),
        ("Fine", "x" * (NOTE_MAX_LENGTH + 1), "note"),
    ],
)
def test_empty_or_too_long_milestones_are_refused_by_field(member, title, note, field):
    with pytest.raises(ValidationError) as error:
        make(member, title, note)
    assert field in error.value.message_dict
    assert not Milestone.objects.exists()


def test_editing_a_milestone(member):
    goal = make(member)
    journal_services.milestone_edit(actor=member, milestone=goal, note="It was hard.")
    goal.refresh_from_db()
    assert goal.title == "Waited an hour before replying" and goal.note == "It was hard."


def test_milestones_past_the_hourly_limit_wait(member, clock):
    for number in range(MILESTONES_PER_HOUR):
        make(member, f"Goal {number}")
    with pytest.raises(PrivateSpaceRateLimited) as error:
        make(member, "One more")
    assert error.value.retry_after > 0
    clock.advance(3601)
    make(member, "One more")


def test_risk_in_a_milestone_shows_help_and_nobody_is_told(member):
    _milestone, offer = journal_services.milestone_create(
        actor=member, title="Get through the week", note=CONCERN_TEXT
    )
    assert offer is not None and offer.tier == "concern"
    assert not QueueItem.objects.exists()
    assert not Signpost.objects.exists()
    assert not ModerationAction.objects.exists()


def test_deleting_a_milestone_keeps_its_draft_story(settled_member):
    goal = make(settled_member)
    story = journal_services.milestone_to_story(actor=settled_member, milestone=goal)
    journal_services.milestone_delete(actor=settled_member, milestone=goal)
    assert not Milestone.objects.exists()
    assert Story.objects.filter(pk=story.pk).exists()


# --- into a draft story -----------------------------------------------------------------------


def test_a_milestone_becomes_a_draft_story_not_sent_for_review(settled_member):
    goal = make(settled_member, "Set a boundary", "Told my sister I needed a day.")
    journal_services.milestone_achieve(actor=settled_member, milestone=goal, achieved=True)
    story = journal_services.milestone_to_story(actor=settled_member, milestone=goal)
    assert story.state == Story.State.DRAFT
    assert story.author == settled_member
    assert story.audience == Story.Audience.MEMBERS
    assert story.title == "Set a boundary"
    assert "Set a boundary" in story.body and "Told my sister" in story.body
    goal.refresh_from_db()
    assert goal.story == story
    assert not QueueItem.objects.exists()


def test_the_second_click_returns_the_same_draft(settled_member):
    goal = make(settled_member)
    first = journal_services.milestone_to_story(actor=settled_member, milestone=goal)
    second = journal_services.milestone_to_story(actor=settled_member, milestone=goal)
    assert first == second
    assert Story.objects.count() == 1


def test_a_deleted_draft_is_made_again(settled_member):
    from community import story_services

    goal = make(settled_member)
    first = journal_services.milestone_to_story(actor=settled_member, milestone=goal)
    story_services.story_delete(actor=settled_member, story=first)
    second = journal_services.milestone_to_story(actor=settled_member, milestone=goal)
    assert second != first and second.state == Story.State.DRAFT


# --- pages ------------------------------------------------------------------------------------


def test_the_milestones_page_sets_marks_and_lists_with_dates(client, settled_member):
    client.force_login(settled_member)
    url = reverse("milestones:list")
    page = client.get(url).content.decode()
    assert "Only you can see this." in page and "nobody else is told" in page
    assert client.post(url, {"title": "Set a boundary", "note": ""}).status_code == 302
    goal = Milestone.objects.get()
    client.post(reverse("milestones:achieve", args=[goal.pk]), {"achieved": "yes"})
    goal.refresh_from_db()
    page = client.get(url).content.decode()
    assert "Achieved on" in page and goal.achieved_at.strftime("%Y") in page
    assert "Turn “Set a boundary” into a draft story" in page
    response = client.post(reverse("milestones:story", args=[goal.pk]))
    goal.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("stories:edit", kwargs={"story_id": goal.story_id})
    again = client.post(reverse("milestones:story", args=[goal.pk]))
    assert again.url == response.url
    client.post(reverse("milestones:achieve", args=[goal.pk]), {"achieved": "no"})
    goal.refresh_from_db()
    assert goal.achieved_at is None


def test_an_empty_goal_on_the_page_is_refused_kindly(member_client):
    response = member_client.post(reverse("milestones:list"), {"title": " ", "note": ""})
    assert response.status_code == 400
    assert "Please write your milestone first." in response.content.decode()


def test_edit_and_delete_pages(member_client, member):
    goal = make(member)
    assert member_client.get(reverse("milestones:edit", args=[goal.pk])).status_code == 200
    member_client.post(reverse("milestones:edit", args=[goal.pk]), {"title": "Waited a day"})
    goal.refresh_from_db()
    assert goal.title == "Waited a day"
    assert member_client.get(reverse("milestones:delete", args=[goal.pk])).status_code == 200
    member_client.post(reverse("milestones:delete", args=[goal.pk]))
    assert not Milestone.objects.exists()
