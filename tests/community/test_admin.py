"""The admin door for members and crisis resources."""

import html

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from community.models import CrisisResource, Member
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return Member.objects.create_superuser(
        pseudonym="Site Keeper", email="keeper@example.org", password=TEST_PASSWORD
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def samaritans_gb() -> CrisisResource:
    return CrisisResource.objects.get(country_code="GB", service_name="Samaritans")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/community/member/",
        "/admin/community/member/add/",
        "/admin/community/crisisresource/",
        "/admin/community/crisisresource/add/",
        "/admin/community/category/",
        "/admin/community/category/add/",
        "/admin/community/thread/",
        "/admin/community/post/",
        "/admin/community/reaction/",
        "/admin/community/subscription/",
        "/admin/community/notification/",
        "/admin/community/story/",
        "/admin/community/storytag/",
        "/admin/community/storyreaction/",
    ],
)
def test_admin_pages_render_for_a_superuser(admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_member_change_page_renders_with_agreements_read_only(admin_client, member):
    response = admin_client.get(f"/admin/community/member/{member.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="pseudonym"' in content
    assert 'name="guidelines_version"' not in content
    assert member.guidelines_version in content


def test_crisis_resource_change_page_renders(admin_client):
    response = admin_client.get(f"/admin/community/crisisresource/{samaritans_gb().pk}/change/")
    assert response.status_code == 200
    assert "Samaritans" in html.unescape(response.content.decode())


def test_member_list_shows_pseudonyms_and_can_search_by_email(admin_client, member, other_member):
    response = admin_client.get("/admin/community/member/?q=robin.test@example.org")
    content = response.content.decode()
    assert "Robin Test" in content
    assert "Kit Other" not in content


def test_member_list_filters_by_moderator(admin_client, member, moderator):
    content = admin_client.get("/admin/community/member/?is_moderator__exact=1").content.decode()
    assert "Mo Moderator" in content
    assert "Robin Test" not in content


def test_crisis_resource_list_filters_by_country_and_status(admin_client):
    content = html.unescape(
        admin_client.get(
            "/admin/community/crisisresource/?country_code=IE&status__exact=check"
        ).content.decode()
    )
    assert "112 or 999" in content
    assert "Samaritans" not in content


def test_superuser_adds_a_member_through_the_admin(admin_client):
    response = admin_client.post(
        "/admin/community/member/add/",
        {
            "pseudonym": "Admin Made",
            "email": "made@example.org",
            "password1": "lanterns-over-quiet-water",
            "password2": "lanterns-over-quiet-water",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(pseudonym="Admin Made")
    assert member.check_password("lanterns-over-quiet-water")


def test_admin_refuses_a_pseudonym_already_used_in_another_case(admin_client, member):
    response = admin_client.post(
        "/admin/community/member/add/",
        {
            "pseudonym": "ROBIN TEST",
            "email": "copy@example.org",
            "password1": "lanterns-over-quiet-water",
            "password2": "lanterns-over-quiet-water",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert Member.objects.filter(pseudonym__iexact="robin test").count() == 1


def test_superuser_hides_a_crisis_resource_from_the_list(admin_client):
    resource = samaritans_gb()
    rows = list(CrisisResource.objects.order_by("country_code", "order"))
    form = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for n, row in enumerate(rows):
        form[f"form-{n}-id"] = str(row.pk)
        form[f"form-{n}-order"] = str(row.order)
        if row.is_active and row.pk != resource.pk:
            form[f"form-{n}-is_active"] = "on"
    response = admin_client.post("/admin/community/crisisresource/", form)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.is_active is False
    assert "Samaritans" not in admin_client.get("/help/?country=GB").content.decode()


def test_moderator_without_permissions_cannot_see_the_member_list(client, moderator):
    client.force_login(moderator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/community/member/").status_code == 403
    member = MemberFactory()
    assert client.get(f"/admin/community/member/{member.pk}/change/").status_code == 403


def test_moderator_with_view_permission_sees_the_member_list_but_cannot_change(client, moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="view_member"))
    client.force_login(moderator)
    assert client.get("/admin/community/member/").status_code == 200
    member = MemberFactory(pseudonym="Viewed Person")
    response = client.post(f"/admin/community/member/{member.pk}/change/", {"pseudonym": "Changed"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.pseudonym == "Viewed Person"


def test_member_who_is_not_staff_is_sent_to_the_admin_login(member_client):
    response = member_client.get("/admin/community/member/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_visitor_is_sent_to_the_admin_login(client):
    response = client.get("/admin/community/crisisresource/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_is_titled_with_the_product_name(admin_client):
    content = admin_client.get("/admin/").content.decode()
    assert "Steady Ground" in content


def test_forum_thread_and_reply_change_pages_show_the_text(admin_client, member):
    from community.models import Category, Post, Thread

    category = Category.objects.get(slug="small-wins")
    thread = Thread.objects.create(
        author=member,
        category=category,
        title="Waited an hour",
        body="It felt long.",
        body_html="<p>It felt long.</p>",
    )
    post = Post.objects.create(
        author=member, thread=thread, body="Proud of me.", body_html="<p>Proud of me.</p>"
    )
    page = admin_client.get(f"/admin/community/thread/{thread.pk}/change/").content.decode()
    assert "Waited an hour" in page and "It felt long." in page
    page = admin_client.get(f"/admin/community/post/{post.pk}/change/").content.decode()
    assert "Proud of me." in page


def test_deactivating_a_member_in_the_admin_signs_them_out_everywhere(member):
    from types import SimpleNamespace

    from django.test import Client

    browser = Client()
    browser.force_login(member)
    model_admin = admin.site._registry[Member]
    member.is_active = False
    model_admin.save_model(None, member, SimpleNamespace(changed_data=["is_active"]), True)
    member.refresh_from_db()
    assert member.session_generation == 1
    assert browser.get("/me/").status_code == 302


def test_other_admin_changes_leave_sessions_alone(member):
    from types import SimpleNamespace

    model_admin = admin.site._registry[Member]
    member.country = "IE"
    model_admin.save_model(None, member, SimpleNamespace(changed_data=["country"]), True)
    member.refresh_from_db()
    assert member.session_generation == 0
