"""The member's own moderation page (/me/moderation/) and the appeal form."""

import pytest
from django.urls import reverse

from community.models import Category, ProfileText
from moderation import services
from moderation.models import Appeal, Report, Sanction
from tests.community.forum_helpers import make_category, make_thread
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

REASON = "This names another member in a way that could hurt them."
OVERVIEW = "/me/moderation/"
APPEAL_URL = "/me/moderation/appeal/"


def _about(author, body="Practising saying what I need, kindly and clearly."):
    return ProfileText.objects.create(author=author, body=body, body_html=f"<p>{body}</p>")


@pytest.fixture
def removed_thread(member, moderator):
    thread = make_thread(make_category(Category.Visibility.PUBLIC), member, title="About my ex")
    return services.content_remove(actor=moderator, content=thread, reason=REASON)


def test_urls_are_named():
    assert reverse("my-moderation:overview") == OVERVIEW
    assert reverse("my-moderation:appeal") == APPEAL_URL


def test_visitors_are_sent_to_log_in(client):
    for url in (OVERVIEW, APPEAL_URL + "?sanction=1"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_my_account_links_to_the_page(member_client):
    assert OVERVIEW in member_client.get("/me/").content.decode()


def test_page_shows_report_outcomes_without_the_moderator(
    member_client, member, other_member, moderator
):
    content = _about(other_member)
    services.content_report(actor=member, content=content, reason=Report.Reason.HARASSMENT)
    services.content_remove(actor=moderator, content=content, reason=REASON)
    page = member_client.get(OVERVIEW).content.decode()
    assert "A moderator took it down." in page
    assert "harassment or bullying" in page
    assert moderator.pseudonym not in page
    assert content.body not in page  # what was taken down is not shown again


def test_page_shows_removals_and_sanctions_with_reasons_and_appeal_links(
    member_client, member, moderator, removed_thread
):
    sanction = services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason="Please be gentle."
    )
    page = member_client.get(OVERVIEW).content.decode()
    assert "About my ex" in page
    assert REASON in page
    assert f"?content=community.thread:{removed_thread.pk}" in page
    assert "Please be gentle." in page
    assert f"?sanction={sanction.pk}" in page
    assert moderator.pseudonym not in page


def test_page_never_shows_another_members_records(client, member, other_member, moderator):
    services.content_remove(actor=moderator, content=_about(member), reason=REASON)
    services.member_sanction(
        actor=moderator, member=member, kind=Sanction.Kind.WARN, reason="Private warning."
    )
    client.force_login(other_member)
    page = client.get(OVERVIEW).content.decode()
    assert REASON not in page and "Private warning." not in page


def test_appeal_form_has_a_labelled_textarea_and_csrf(member_client, removed_thread):
    response = member_client.get(f"{APPEAL_URL}?content=community.thread:{removed_thread.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<label for="id_text">' in page
    assert 'maxlength="2000"' in page
    assert "csrfmiddlewaretoken" in page
    assert "different moderator" in page
    assert REASON in page


def test_appealing_redirects_with_a_kind_message_and_shows_the_state(
    member_client, member, removed_thread
):
    response = member_client.post(
        APPEAL_URL,
        {"content": f"community.thread:{removed_thread.pk}", "text": "I was sharing my own story."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == OVERVIEW
    page = response.content.decode()
    assert "your appeal is sent" in page
    assert "You appealed this" in page
    assert f"?content=community.thread:{removed_thread.pk}" not in page
    assert Appeal.objects.get().appellant == member


def test_a_too_long_appeal_is_shown_again_with_the_text_kept(member_client, removed_thread):
    text = "z" * 2001
    response = member_client.post(
        f"{APPEAL_URL}?content=community.thread:{removed_thread.pk}", {"text": text}
    )
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Appeal.objects.exists()


def test_a_second_appeal_is_refused_kindly(member_client, removed_thread):
    data = {"content": f"community.thread:{removed_thread.pk}", "text": "Please look again."}
    member_client.post(APPEAL_URL, data)
    response = member_client.post(APPEAL_URL, data)
    assert response.status_code == 409
    assert "already appealed" in response.content.decode()


def test_appealing_what_is_not_yours_is_not_found(client, other_member, removed_thread, moderator):
    client.force_login(other_member)
    sanction = services.member_sanction(
        actor=moderator, member=MemberFactory(), kind=Sanction.Kind.WARN, reason="x"
    )
    for query in (
        f"?content=community.thread:{removed_thread.pk}",
        f"?sanction={sanction.pk}",
        "?content=community.nothing:1",
        "?content=community.thread:abc",
        "",
    ):
        assert client.get(APPEAL_URL + query).status_code == 404
    response = client.post(
        APPEAL_URL, {"content": f"community.thread:{removed_thread.pk}", "text": "mine?"}
    )
    assert response.status_code == 404
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        f"?content=community.thread:{2**63}",
        f"?content=community.thread:{10**30}",
        "?content=community.thread:-1",
        f"?sanction={2**63}",
        "?sanction=1e9",
    ],
)
def test_ids_out_of_the_databases_range_are_not_found(member_client, query):
    assert member_client.get(APPEAL_URL + query).status_code == 404
