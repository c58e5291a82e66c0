from django.contrib import admin

from groups.models import Group


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_private", "is_premoderated", "created_at"]
    list_filter = ["is_private", "is_premoderated"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
