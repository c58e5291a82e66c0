from django.contrib import admin

from groups.models import ChatMessage, GroupSession, Membership, PeerGroup
from moderation.admin import ModeratedContentAdmin


class GroupSessionInline(admin.TabularInline):
    model = GroupSession
    extra = 0
    autocomplete_fields = ["facilitator"]


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "is_premoderated", "last_seq", "created_at"]
    list_filter = ["visibility", "is_premoderated"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["last_seq", "created_at"]
    inlines = [GroupSessionInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "group", "role", "state", "changed_at"]
    list_filter = ["state", "role", "group"]
    search_fields = ["member__pseudonym", "group__name"]
    list_select_related = ["member", "group"]
    autocomplete_fields = ["member", "group"]


@admin.register(ChatMessage)
class ChatMessageAdmin(ModeratedContentAdmin):
    list_display = ["__str__", "group", "author", "status", "excerpt", "created_at"]
    list_filter = ["status", "group", "created_at"]
    list_select_related = ["author", "group"]
