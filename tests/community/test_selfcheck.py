"""The attachment self-check: scoring, what a result may mean, storing a result (and refusing
bad answers), the daily limit, history and change, and suggestions from what the member may
see. The doors (pages and API) and who may read what are in test_selfcheck_doors.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from community import selfcheck
from community import selfcheck_selectors as selectors
from community import selfcheck_services as services
from community.forum_services import category_for_group
from community.models import Category, SelfCheck
from tests.community.forum_helpers import join, make_category
from tests.factories import GroupFactory

ALL_THREES = dict.fromkeys(selfcheck.ITEM_KEYS, 3)


def answers(anxiety: int, avoidance: int) -> dict[str, int]:
    """Answers that score exactly (anxiety, avoidance): reverse items get 6 - the value."""
    chosen = {}
    for item in selfcheck.ITEMS:
        value = anxiety if item.dimension == selfcheck.ANXIETY else avoidance
        chosen[item.key] = 6 - value if item.reverse else value
    return chosen


# --- the questions ------------------------------------------------------------------------------


def test_there_are_six_statements_per_dimension_with_a_few_worded_the_other_way():
    by_dimension = {dimension: [] for dimension in selfcheck.DIMENSIONS}
    for item in selfcheck.ITEMS:
        by_dimension[item.dimension].append(item)
    assert {dimension: len(items) for dimension, items in by_dimension.items()} == {
        selfcheck.ANXIETY: 6,
        selfcheck.AVOIDANCE: 6,
    }
    assert 2 <= sum(item.reverse for item in selfcheck.ITEMS) <= 3
    assert len(set(selfcheck.ITEM_KEYS)) == 12


def test_the_scale_runs_from_not_like_me_at_all_to_very_like_me():
    assert [value for value, _label in selfcheck.SCALE] == [1, 2, 3, 4, 5]
    assert str(selfcheck.SCALE[0][1]) == "Not like me at all"
    assert str(selfcheck.SCALE[-1][1]) == "Very like me"


# --- scoring ------------------------------------------------------------------------------------


def test_scores_are_the_mean_of_each_dimension():
    assert selfcheck.score(answers(4, 2)) == (Decimal("4.00"), Decimal("2.00"))
    assert selfcheck.score(answers(1, 5)) == (Decimal("1.00"), Decimal("5.00"))


def test_reverse_worded_statements_count_as_six_minus_the_answer():
    all_fives = dict.fromkeys(selfcheck.ITEM_KEYS, 5)
    # Anxiety: five 5s and one reversed 5 (= 1) -> 26 / 6; avoidance: four 5s and two 1s.
    assert selfcheck.score(all_fives) == (Decimal("4.33"), Decimal("3.67"))
    reverse = next(i for i in selfcheck.ITEMS if i.reverse and i.dimension == selfcheck.ANXIETY)
    lower = {**answers(3, 3), reverse.key: 1}  # 1 on a reversed statement counts as 5
    assert selfcheck.score(lower)[0] == Decimal("3.33")


def test_scores_are_rounded_half_up_to_two_decimals():
    anxious = [i.key for i in selfcheck.ITEMS if i.dimension == selfcheck.ANXIETY and not i.reverse]
    # 3,3,3,3,3 + one raised to 4 -> 19 / 6 = 3.1666... -> 3.17
    chosen = {**answers(3, 3), anxious[0]: 4}
    assert selfcheck.score(chosen)[0] == Decimal("3.17")
    # 3 * 5 + 4 + ... : 20 / 6 = 3.333... -> 3.33
    chosen[anxious[1]] = 4
    assert selfcheck.score(chosen)[0] == Decimal("3.33")


# --- what a result may mean ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "pattern", "words"),
    [
        ("2.00", "2.00", selfcheck.SETTLED, "fairly secure"),
        ("3.00", "3.00", selfcheck.SETTLED, "fairly secure"),
        ("4.20", "2.10", selfcheck.CLOSENESS_WORRY, "waiting or distance may feel alarming"),
        ("2.10", "4.20", selfcheck.KEEPING_DISTANCE, "keeping some distance"),
        ("3.50", "3.50", selfcheck.BOTH, "want closeness and fear it at the same time"),
    ],
)
def test_each_pattern_is_explained_kindly_with_the_not_a_diagnosis_note(
    anxiety, avoidance, pattern, words
):
    meaning = selfcheck.interpretation(Decimal(anxiety), Decimal(avoidance))
    assert meaning.pattern == pattern
    text = " ".join([meaning.title, *meaning.paragraphs, meaning.note])
    assert words in text
    assert "This is a reflection, not a diagnosis or a test" in meaning.note
    assert "professional" in meaning.note
    assert "disorder" not in text.lower()


def test_no_text_of_the_self_check_says_disorder():
    texts = [str(item.text) for item in selfcheck.ITEMS] + [str(x) for _v, x in selfcheck.SCALE]
    for pattern_scores in [("1", "1"), ("5", "1"), ("1", "5"), ("5", "5")]:
        meaning = selfcheck.interpretation(*map(Decimal, pattern_scores))
        texts += [meaning.title, *meaning.paragraphs, meaning.note]
    assert all("disorder" not in text.lower() for text in texts)


def test_scores_in_words():
    assert selfcheck.level(Decimal("1.50")) == "on the lower side"
    assert selfcheck.level(Decimal("3.00")) == "around the middle"
    assert selfcheck.level(Decimal("4.17")) == "on the higher side"
    assert selfcheck.change_words(Decimal("-0.50")) == "went down by 0.50"
    assert selfcheck.change_words(Decimal("0.25")) == "went up by 0.25"
    assert selfcheck.change_words(Decimal("0")) == "stayed the same"


# --- storing a result ---------------------------------------------------------------------------


def test_a_complete_answer_is_stored_with_its_scores(member):
    check = services.self_check_submit(actor=member, answers=answers(4, 2))
    check.refresh_from_db()
    assert check.member == member
    assert (check.anxiety, check.avoidance) == (Decimal("4.00"), Decimal("2.00"))
    assert check.answers == answers(4, 2)


@pytest.mark.parametrize(
    ("change", "bad_key"),
    [
        (lambda a: a.pop("fear_left"), "fear_left"),
        (lambda a: a.update(fear_left=0), "fear_left"),
        (lambda a: a.update(fear_left=6), "fear_left"),
        (lambda a: a.update(fear_left="4"), "fear_left"),
        (lambda a: a.update(fear_left=3.5), "fear_left"),
        (lambda a: a.update(fear_left=True), "fear_left"),
        (lambda a: a.update(fear_left=None), "fear_left"),
        (lambda a: a.update(fear_left=[3]), "fear_left"),
        (lambda a: a.update(something_else=3), "something_else"),
    ],
    ids=["missing", "zero", "six", "text", "fraction", "true", "null", "list", "unknown key"],
)
def test_a_wrong_answer_is_refused_by_its_key_and_nothing_is_stored(member, change, bad_key):
    chosen = dict(ALL_THREES)
    change(chosen)
    with pytest.raises(ValidationError) as refused:
        services.self_check_submit(actor=member, answers=chosen)
    assert list(refused.value.message_dict) == [bad_key]
    assert not SelfCheck.objects.exists()


def test_answers_that_are_not_an_object_are_refused(member):
    with pytest.raises(ValidationError) as refused:
        services.self_check_submit(actor=member, answers=[3] * 12)
    assert "answers" in refused.value.message_dict
    assert not SelfCheck.objects.exists()


def test_every_missing_statement_is_named(member):
    with pytest.raises(ValidationError) as refused:
        services.self_check_submit(actor=member, answers={"fear_left": 3})
    assert set(refused.value.message_dict) == set(selfcheck.ITEM_KEYS) - {"fear_left"}


def test_a_visitor_or_an_erased_account_cannot_store_a_result(member):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.self_check_submit(actor=AnonymousUser(), answers=ALL_THREES)
    member.erased_at = timezone.now()
    with pytest.raises(PermissionDenied):
        services.self_check_submit(actor=member, answers=ALL_THREES)
    assert not SelfCheck.objects.exists()


def test_ten_a_day_then_a_kind_refusal_with_when_to_come_back(member, clock):
    for _ in range(services.DAILY_LIMIT):
        services.self_check_submit(actor=member, answers=ALL_THREES)
    with pytest.raises(services.SelfCheckRateLimited) as refused:
        services.self_check_submit(actor=member, answers=ALL_THREES)
    assert 0 < refused.value.retry_after <= services.DAY_SECONDS
    assert "come back" in str(refused.value)
    assert SelfCheck.objects.count() == services.DAILY_LIMIT
    clock.advance(services.DAY_SECONDS + 1)
    services.self_check_submit(actor=member, answers=ALL_THREES)
    assert SelfCheck.objects.count() == services.DAILY_LIMIT + 1


def test_the_daily_limit_is_per_member(member, other_member):
    for _ in range(services.DAILY_LIMIT):
        services.self_check_submit(actor=member, answers=ALL_THREES)
    services.self_check_submit(actor=other_member, answers=ALL_THREES)


def test_a_member_deletes_their_own_result_and_not_anyone_elses(member, other_member):
    mine = services.self_check_submit(actor=member, answers=ALL_THREES)
    theirs = services.self_check_submit(actor=other_member, answers=ALL_THREES)
    with pytest.raises(Http404):
        services.self_check_delete(actor=member, check=theirs)
    services.self_check_delete(actor=member, check=mine)
    assert list(SelfCheck.objects.all()) == [theirs]


# --- history and change -------------------------------------------------------------------------


def _at(member, days_ago: int, anxiety: int, avoidance: int) -> SelfCheck:
    scores = selfcheck.score(answers(anxiety, avoidance))
    return SelfCheck.objects.create(
        member=member,
        answers=answers(anxiety, avoidance),
        anxiety=scores[0],
        avoidance=scores[1],
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_change_since_last_compares_the_latest_with_the_one_before(member, other_member):
    assert selectors.change_since_last(member) is None
    first = _at(member, 20, 4, 2)
    assert selectors.change_since_last(member) is None
    second = _at(member, 10, 3, 3)
    _at(other_member, 1, 1, 5)  # someone else's never counts
    change = selectors.change_since_last(member)
    assert (change.latest, change.previous) == (second, first)
    assert (change.anxiety, change.avoidance) == (Decimal("-1.00"), Decimal("1.00"))
    assert change.anxiety_words == "went down by 1.00"


def test_history_lists_every_result_newest_first_with_its_change(member, other_member):
    oldest, middle, newest = _at(member, 30, 5, 1), _at(member, 20, 4, 2), _at(member, 2, 2, 2)
    _at(other_member, 1, 3, 3)
    history = selectors.history_for(member)
    assert [row.check for row in history.rows] == [newest, middle, oldest]
    assert [row.change and row.change.anxiety for row in history.rows] == [
        Decimal("-2.00"),
        Decimal("-1.00"),
        None,
    ]
    assert len(history.chart.anxiety) == 3
    assert history.chart.anxiety[0].value == Decimal("5.00")  # the chart runs oldest first
    assert selectors.change_for(member, middle).previous == oldest


def test_a_single_result_has_no_chart(member):
    _at(member, 1, 3, 3)
    assert selectors.history_for(member).chart is None


# --- suggestions --------------------------------------------------------------------------------


def test_closeness_worry_suggests_places_about_waiting_and_reassurance(member):
    GroupFactory(name="Boundaries practice", slug="boundaries", purpose="Saying what you need.")
    GroupFactory(
        name="Waiting for a reply", slug="waiting", purpose="For the minutes after you hit send."
    )
    found = selectors.suggestions_for(member, Decimal("4.50"), Decimal("1.50"))
    assert found.groups[0].slug == "waiting"
    assert found.categories[0].slug in {"texting-and-waiting", "small-wins"}
    assert "texting-and-waiting" in {s.slug for s in found.categories}
    assert len(found.groups) <= 3 and len(found.categories) <= 3


def test_keeping_distance_suggests_places_about_boundaries_and_space(member):
    GroupFactory(name="Waiting for a reply", slug="waiting", purpose="After you hit send.")
    GroupFactory(name="Boundaries practice", slug="boundaries", purpose="Saying what you need.")
    found = selectors.suggestions_for(member, Decimal("1.50"), Decimal("4.50"))
    assert found.groups[0].slug == "boundaries"


def test_with_no_match_the_first_open_groups_and_categories_are_suggested(member):
    GroupFactory(name="Alpha", slug="alpha", purpose="Plain.")
    found = selectors.suggestions_for(member, Decimal("4.50"), Decimal("4.50"))
    assert [s.slug for s in found.groups] == ["alpha"]
    assert len(found.categories) == 3


def test_a_private_groups_forum_is_suggested_only_to_its_members(member, other_member, moderator):
    group = GroupFactory(
        name="Waiting and reassurance circle", slug="private-wait", visibility="private"
    )
    forum = category_for_group(group)
    Category.objects.filter(pk=forum.pk).update(
        name="Waiting, replies and reassurance", description="Waiting for a reply, anxious."
    )
    join(group, member)
    anxious = (Decimal("5.00"), Decimal("1.00"))

    def slugs(actor):
        found = selectors.suggestions_for(actor, *anxious)
        return {s.slug for s in found.groups}, {s.slug for s in found.categories}

    groups, categories = slugs(member)
    assert "private-wait" in groups and forum.slug in categories
    for outsider in (other_member, moderator):
        groups, categories = slugs(outsider)
        assert "private-wait" not in groups
        assert forum.slug not in categories


def test_a_members_only_category_is_suggested_to_members_and_a_removed_group_is_not(member):
    members_only = make_category(
        Category.Visibility.MEMBERS, name="Waiting, members", description="Reassurance."
    )
    removed_from = GroupFactory(name="Waiting room", slug="waiting-room", purpose="Waiting.")
    join(removed_from, member, state="removed")
    found = selectors.suggestions_for(member, Decimal("5.00"), Decimal("1.00"))
    assert members_only.slug in {s.slug for s in found.categories}
    assert "waiting-room" not in {s.slug for s in found.groups}


def test_the_demo_community_gets_sensible_suggestions(member):
    from groups.demo import DEMO_GROUPS

    for spec in DEMO_GROUPS:
        GroupFactory(**{key: spec[key] for key in ("slug", "name", "purpose", "visibility")})
    anxious = selectors.suggestions_for(member, Decimal("4.50"), Decimal("2.00"))
    assert anxious.groups[0].slug == "waiting-for-a-reply"
    assert "texting-and-waiting" in {s.slug for s in anxious.categories}
    distant = selectors.suggestions_for(member, Decimal("2.00"), Decimal("4.50"))
    assert distant.groups[0].slug == "boundaries-practice"
    every_slug = {s.slug for s in anxious.groups + distant.groups}
    assert "partners-and-family" not in every_slug  # private, and the member isn't in it
