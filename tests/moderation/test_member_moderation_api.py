"""REST doors: a member's reports, removals and appeals; moderators' appeal decisions."""

import pytest
from django.urls import include, path
from rest_framework.test import APIClient

from community.models import Category, ProfileText
from moderation import member_api, services
from moderation.models import Appeal, ContentStatus, Report, Sanction
from tests.community.forum_helpers import join, make_category, make_thread
from tests.factories import MemberFactory

# The moderator endpoints are mounted here as they will be in community.urls.
urlpatterns = [
    path("api/v1/moderation/appeals/", member_api.ModerationAppealsView.as_view()),
    path(
        "api/v1/moderation/appeals/<int:appeal_id>/decide/",
        member_api.AppealDecideView.as_view(),
    ),
    path("", include("community.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

REASON = "This names another member in a way that could hurt them."


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _about(author, body="Practising saying what I need, kindly and clearly."):
    return ProfileText.objects.create(author=author, body=body, body_html=f"<p>{body}</p>")


@pytest.fixture
def removed(member, moderator):
    return services.content_remove(actor=moderator, content=_about(member), reason=REASON)


def test_visitors_are_refused_member_endpoints_and_get_404_from_moderator_ones():
    for url in ("/api/v1/me/reports/", "/api/v1/me/moderation/", "/api/v1/me/appeals/"):
        assert _api().get(url).status_code in (401, 403)
    assert _api().get("/api/v1/moderation/appeals/").status_code == 404


def test_my_reports_show_the_outcome_but_not_the_moderator(member, other_member, moderator):
    content = _about(other_member)
    services.content_report(actor=member, content=content, reason=Report.Reason.SPAM)
    services.content_remove(actor=moderator, content=content, reason=REASON)
    response = _api(member).get("/api/v1/me/reports/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["outcome"] == "removed"
    assert row["outcome_text"] == "A moderator took it down."
    assert row["content_kind"] == "community.profiletext"
    assert moderator.pseudonym not in str(response.json())
    assert _api(other_member).get("/api/v1/me/reports/").json()["results"] == []


def test_my_moderation_lists_removals_and_sanctions(member, other_member, moderator, removed):
    services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason="Gently, please."
    )
    data = _api(member).get("/api/v1/me/moderation/").json()
    assert [(r["content_id"], r["reason"], r["may_appeal"]) for r in data["removed"]] == [
        (removed.pk, REASON, True)
    ]
    assert [(s["kind"], s["reason"], s["appeal"]) for s in data["sanctions"]] == [
        ("warn", "Gently, please.", None)
    ]
    assert _api(other_member).get("/api/v1/me/moderation/").json() == {
        "removed": [],
        "sanctions": [],
    }


def test_submitting_an_appeal_returns_201_then_409(member, removed):
    body = {"content_kind": "community.profiletext", "content_id": removed.pk, "text": "Fair?"}
    response = _api(member).post("/api/v1/me/appeals/", body, format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "open"
    again = _api(member).post("/api/v1/me/appeals/", body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_appealed"
    assert [a["id"] for a in _api(member).get("/api/v1/me/appeals/").json()["results"]] == [
        Appeal.objects.get().pk
    ]


def test_bad_appeal_input_is_400(member, removed):
    client = _api(member)
    for body in (
        {"text": "no target"},
        {"content_kind": "community.profiletext", "content_id": removed.pk, "text": "  "},
        {"content_kind": "community.profiletext", "content_id": removed.pk, "text": "x" * 2001},
        {"content_kind": "community.profiletext", "sanction_id": 1, "text": "both"},
    ):
        assert client.post("/api/v1/me/appeals/", body, format="json").status_code == 400


def test_appealing_what_is_not_yours_is_404(other_member, removed, moderator, member):
    sanction = services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason="x"
    )
    client = _api(other_member)
    for body in (
        {"content_kind": "community.profiletext", "content_id": removed.pk, "text": "t"},
        {"sanction_id": sanction.pk, "text": "t"},
        {"content_kind": "nope.nope", "content_id": 1, "text": "t"},
    ):
        assert client.post("/api/v1/me/appeals/", body, format="json").status_code == 404


def test_moderator_endpoints_list_and_decide_but_not_for_the_original_moderator(
    member, moderator, removed
):
    appeal = services.appeal_submit(actor=member, content=removed, text="Please look again.")
    other = MemberFactory(is_moderator=True)
    assert _api(member).get("/api/v1/moderation/appeals/").status_code == 404
    listed = _api(other).get("/api/v1/moderation/appeals/").json()["results"]
    assert [(a["id"], a["acted_by"]) for a in listed] == [(appeal.pk, moderator.pseudonym)]
    url = f"/api/v1/moderation/appeals/{appeal.pk}/decide/"
    refused = _api(moderator).post(url, {"grant": True}, format="json")
    assert refused.status_code == 403
    assert "different moderator" in refused.json()["detail"]
    assert _api(member).post(url, {"grant": True}, format="json").status_code == 404
    decided = _api(other).post(url, {"grant": True, "note": "Back up."}, format="json")
    assert decided.status_code == 200
    assert decided.json()["state"] == "granted"
    removed.refresh_from_db()
    assert removed.status == ContentStatus.PUBLISHED
    conflict = _api(other).post(url, {"grant": False, "note": "No."}, format="json")
    assert conflict.status_code == 409
    mine = _api(member).get("/api/v1/me/appeals/").json()["results"]
    assert (mine[0]["state"], mine[0]["decision_note"]) == ("granted", "Back up.")
    assert other.pseudonym not in str(mine)


def test_facilitator_of_another_group_gets_404(member, moderator):
    category = make_category(Category.Visibility.GROUP)
    join(category.group, member)
    thread = make_thread(category, member)
    services.content_remove(actor=moderator, content=thread, reason=REASON)
    appeal = services.appeal_submit(actor=member, content=thread, text="Please.")
    elsewhere = MemberFactory()
    join(make_category(Category.Visibility.GROUP).group, elsewhere, role="facilitator")
    url = f"/api/v1/moderation/appeals/{appeal.pk}/decide/"
    assert _api(elsewhere).post(url, {"grant": True}, format="json").status_code == 404
    assert _api(elsewhere).get("/api/v1/moderation/appeals/").json()["results"] == []
