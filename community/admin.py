from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import (
    ApiToken,
    Category,
    CrisisResource,
    DataExport,
    Member,
    Notification,
    Post,
    ProfileText,
    Reaction,
    Story,
    StoryReaction,
    StoryTag,
    Subscription,
    Thread,
)
from community.sessions import member_sessions_end
from community.validators import identity_key
from moderation.admin import ModeratedContentAdmin, ReadOnlyAdmin


class MemberIdentityMixin:
    """Admins obey the same name rules as sign-up: unique ignoring case in every script."""

    def _unique(self, field: str, key_field: str) -> str:
        value = self.cleaned_data.get(field, "")
        clashes = Member.objects.filter(**{key_field: identity_key(value)})
        if self.instance.pk:
            clashes = clashes.exclude(pk=self.instance.pk)
        if clashes.exists():
            raise ValidationError(_("Another member already uses this. Please choose another."))
        return value

    def clean_pseudonym(self) -> str:
        return self._unique("pseudonym", "pseudonym_key")

    def clean_email(self) -> str:
        return self._unique("email", "email_key")


class MemberCreationForm(MemberIdentityMixin, UserCreationForm):
    class Meta:
        model = Member
        fields = ["pseudonym", "email"]


class MemberChangeForm(MemberIdentityMixin, UserChangeForm):
    class Meta:
        model = Member
        fields = "__all__"


@admin.register(Member)
class MemberAdmin(UserAdmin):
    form = MemberChangeForm
    add_form = MemberCreationForm
    ordering = ["pseudonym"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account is signed out everywhere at once, sockets included.
            member_sessions_end(member=obj)

    list_display = [
        "pseudonym",
        "country",
        "is_moderator",
        "is_staff",
        "is_active",
        "date_joined",
        "erased_at",
    ]
    list_filter = ["is_moderator", "is_staff", "is_active", "country", "erased_at"]
    search_fields = ["pseudonym", "email"]
    readonly_fields = [
        "date_joined",
        "last_login",
        "guidelines_accepted_at",
        "guidelines_version",
        "adult_confirmed_at",
        "erased_at",
    ]
    fieldsets = [
        (None, {"fields": ["pseudonym", "email", "password"]}),
        (_("Community"), {"fields": ["country", "is_moderator"]}),
        (
            _("Agreements"),
            {"fields": ["guidelines_accepted_at", "guidelines_version", "adult_confirmed_at"]},
        ),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["date_joined", "last_login", "erased_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["pseudonym", "email", "password1", "password2"]}),
    ]


@admin.register(CrisisResource)
class CrisisResourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "country_code",
        "service_name",
        "kind",
        "contact",
        "hours",
        "status",
        "verified_on",
        "order",
        "is_active",
    ]
    list_filter = ["kind", "status", "is_active", "country_code"]
    list_editable = ["order", "is_active"]
    search_fields = ["service_name", "contact", "country_code"]
    ordering = ["country_code", "order"]


@admin.register(ProfileText)
class ProfileTextAdmin(ModeratedContentAdmin):
    list_select_related = ["author"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "group", "is_premoderated", "order"]
    list_filter = ["visibility", "is_premoderated"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["group"]


@admin.register(Thread)
class ThreadAdmin(ModeratedContentAdmin):
    list_display = [
        "title",
        "category",
        "author",
        "status",
        "is_anonymous",
        "is_pinned",
        "is_locked",
        "created_at",
    ]
    list_filter = ["status", "category", "is_pinned", "is_locked", "created_at"]
    search_fields = ["title", "body", "author__pseudonym"]
    list_select_related = ["author", "category"]
    readonly_fields = [
        "category",
        "title",
        "is_anonymous",
        "is_pinned",
        "is_locked",
        "last_activity_at",
        *ModeratedContentAdmin.readonly_fields,
    ]


@admin.register(Post)
class PostAdmin(ModeratedContentAdmin):
    list_display = [
        "__str__",
        "thread",
        "author",
        "status",
        "is_anonymous",
        "excerpt",
        "created_at",
    ]
    list_select_related = ["author", "thread"]
    readonly_fields = ["thread", "is_anonymous", *ModeratedContentAdmin.readonly_fields]


@admin.register(Reaction)
class ReactionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "member", "thread", "post", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["member", "thread", "post"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["member", "thread", "created_at"]
    list_select_related = ["member", "thread"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["kind", "recipient", "thread", "post", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "thread", "post"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are made and revoked by their owners; the admin only shows them (never the
    secret, which is not stored)."""

    list_display = ["name", "owner", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["owner"]
    exclude = ["key_hash"]


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    """Members' copies of their data. The admin shows how each build went, never the archive
    itself: it holds the member's email address and everything they wrote."""

    list_display = [
        "pk",
        "member",
        "state",
        "progress",
        "step",
        "created_at",
        "finished_at",
        "expires_at",
        "size_bytes",
        "error",
    ]
    list_filter = ["state"]
    list_select_related = ["member"]
    search_fields = ["member__pseudonym"]
    exclude = ["payload"]


@admin.register(StoryTag)
class StoryTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Story)
class StoryAdmin(ModeratedContentAdmin):
    list_display = [
        "title",
        "author",
        "state",
        "audience",
        "is_anonymous",
        "is_featured",
        "submitted_at",
        "published_at",
    ]
    list_filter = ["state", "audience", "is_featured", "tags"]
    search_fields = ["title", "body", "author__pseudonym"]
    list_select_related = ["author"]
    readonly_fields = [
        "title",
        "state",
        "audience",
        "is_anonymous",
        "is_featured",
        "return_note",
        "submitted_at",
        "published_at",
        *ModeratedContentAdmin.readonly_fields,
    ]
    exclude = ["body_html", "tags"]


@admin.register(StoryReaction)
class StoryReactionAdmin(ReadOnlyAdmin):
    list_display = ["member", "story", "created_at"]
    list_select_related = ["member", "story"]
