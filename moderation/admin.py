"""Admin views for moderation: every model has a page. Every change goes through the moderation
services, so permission checks and the audit log apply here too; records only services write
(notes, supportive messages, crisis steps, the audit log) are read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from moderation import dashboard_services, permissions, services
from moderation.models import (
    Appeal,
    ContentRevision,
    CrisisStep,
    ModerationAction,
    QueueItem,
    QueueNote,
    ReplyTemplate,
    Report,
    Sanction,
    Signpost,
    SupportMessage,
    WatchedWord,
)
from moderation.services import ModerationConflict

ADMIN_REMOVAL_REASON = _("It doesn't follow the community guidelines.")


def _run(modeladmin, request, objects, action, done_message) -> None:
    """Apply a service to each selected object and report how it went, one line per problem."""
    done = 0
    for obj in objects:
        try:
            action(obj)
        except (ModerationConflict, PermissionDenied) as error:
            modeladmin.message_user(request, f"{obj}: {error}", level=messages.WARNING)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, level=messages.SUCCESS)


def _is_moderator(request) -> bool:
    user = request.user
    return bool(user.is_active and (user.is_superuser or user.is_moderator))


class ModeratorOnlyAdmin(admin.ModelAdmin):
    """Visible to moderators with admin access (and superusers)."""

    def has_module_permission(self, request) -> bool:
        return _is_moderator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_moderator(request)


class ModeratedContentAdmin(ModeratorOnlyAdmin):
    """Base for every kind of member content: read-only text, moderated by actions."""

    list_display = ["__str__", "author", "status", "excerpt", "created_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["body", "author__pseudonym"]
    readonly_fields = [
        "author",
        "body",
        "shown_as",
        "status",
        "content_warning",
        "removal_reason",
        "screening",
        "created_at",
        "edited_at",
    ]
    exclude = ["body_html"]
    actions = ["approve", "remove", "restore"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("text"))
    def excerpt(self, obj) -> str:
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("as shown"))
    def shown_as(self, obj) -> str:
        # body_html was produced by community.markup (Markdown, then the nh3 allow-list).
        sanitised = mark_safe(obj.body_html)  # noqa: S308
        return format_html('<div class="moderated-html">{}</div>', sanitised)

    @admin.action(description=_("Approve (publish held items)"))
    def approve(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda obj: services.content_approve(actor=request.user, content=obj),
            _("%(count)s approved."),
        )

    @admin.action(description=_("Remove (the author sees: it doesn't follow the guidelines)"))
    def remove(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda obj: services.content_remove(
                actor=request.user, content=obj, reason=str(ADMIN_REMOVAL_REASON)
            ),
            _("%(count)s removed."),
        )

    @admin.action(description=_("Restore removed items"))
    def restore(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda obj: services.content_restore(actor=request.user, content=obj),
            _("%(count)s restored."),
        )


@admin.register(WatchedWord)
class WatchedWordAdmin(ModeratorOnlyAdmin):
    list_display = ["phrase", "action", "reason", "is_active", "created_by", "created_at"]
    list_filter = ["action", "is_active"]
    search_fields = ["phrase", "reason"]
    fields = ["phrase", "action", "reason", "is_active"]

    def has_add_permission(self, request) -> bool:
        return _is_moderator(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_moderator(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_moderator(request)

    def save_model(self, request, obj, form, change) -> None:
        services.watched_word_save(actor=request.user, word=obj)

    def delete_model(self, request, obj) -> None:
        services.watched_word_delete(actor=request.user, word=obj)

    def delete_queryset(self, request, queryset) -> None:
        for word in queryset:
            services.watched_word_delete(actor=request.user, word=word)


@admin.register(QueueItem)
class QueueItemAdmin(ModeratorOnlyAdmin):
    list_display = [
        "priority",
        "reason",
        "state",
        "excerpt",
        "member",
        "group",
        "claimed_by",
        "created_at",
    ]
    list_filter = ["state", "reason", "group"]
    list_select_related = ["claimed_by", "group", "content_type", "member"]
    search_fields = ["member__pseudonym", "snapshot"]
    readonly_fields = [
        "content_type",
        "object_id",
        "member",
        "reason",
        "detail",
        "snapshot",
        "priority",
        "state",
        "group",
        "created_at",
        "claimed_by",
        "claimed_at",
        "resolved_by",
        "resolved_at",
        "resolution",
        "resolution_note",
    ]
    actions = ["claim", "release", "resolve_no_action", "resolve_support_offered"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("state", "priority", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("text when queued"))
    def excerpt(self, obj) -> str:
        return Truncator(obj.snapshot).chars(80)

    @admin.action(description=_("Claim: I'll look at these"))
    def claim(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda item: services.queue_item_claim(actor=request.user, item=item),
            _("%(count)s claimed."),
        )

    @admin.action(description=_("Release back to the queue"))
    def release(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda item: services.queue_item_release(actor=request.user, item=item),
            _("%(count)s released."),
        )

    @admin.action(description=_("Resolve: no action needed"))
    def resolve_no_action(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda item: services.queue_item_resolve(
                actor=request.user, item=item, resolution=QueueItem.Resolution.NO_ACTION
            ),
            _("%(count)s resolved."),
        )

    @admin.action(description=_("Resolve: support offered"))
    def resolve_support_offered(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda item: services.queue_item_resolve(
                actor=request.user, item=item, resolution=QueueItem.Resolution.SUPPORT_OFFERED
            ),
            _("%(count)s resolved."),
        )


class ReadOnlyAdmin(ModeratorOnlyAdmin):
    """Records written only by services: moderators read them here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["reason", "reporter", "created_at", "queue_item", "outcome"]
    list_filter = ["reason", "outcome"]
    search_fields = ["reporter__pseudonym", "note"]
    list_select_related = ["reporter", "queue_item"]
    readonly_fields = [
        "reporter",
        "reason",
        "note",
        "content_type",
        "object_id",
        "queue_item",
        "created_at",
        "outcome",
        "outcome_at",
    ]


@admin.register(ContentRevision)
class ContentRevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "content_type", "object_id", "excerpt", "editor", "created_at"]
    list_filter = ["content_type"]
    list_select_related = ["editor", "content_type"]
    readonly_fields = [
        "content_type",
        "object_id",
        "title",
        "body",
        "content_warning",
        "editor",
        "created_at",
    ]

    @admin.display(description=_("text"))
    def excerpt(self, obj) -> str:
        return Truncator(obj.body).chars(80)


@admin.register(Sanction)
class SanctionAdmin(ModeratorOnlyAdmin):
    list_display = ["member", "kind", "group", "starts_at", "ends_at", "lifted_at", "created_by"]
    list_filter = ["kind", "lifted_at"]
    search_fields = ["member__pseudonym", "reason"]
    list_select_related = ["member", "group", "created_by"]
    autocomplete_fields = ["member"]
    actions = ["lift"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["member", "kind", "group", "reason", "ends_at"]
        return [
            "member",
            "kind",
            "group",
            "reason",
            "starts_at",
            "ends_at",
            "created_by",
            "lifted_at",
            "lifted_by",
            "lift_reason",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def has_add_permission(self, request) -> bool:
        return _is_moderator(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            raise PermissionDenied
        created = services.member_sanction(
            actor=request.user,
            member=obj.member,
            kind=obj.kind,
            reason=obj.reason,
            group=obj.group,
            ends_at=obj.ends_at,
        )
        obj.pk = created.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form = _sanction_form(form, request)
        return form

    @admin.action(description=_("Lift the selected sanctions"))
    def lift(self, request, queryset) -> None:
        _run(
            self,
            request,
            queryset,
            lambda sanction: services.sanction_lift(
                actor=request.user, sanction=sanction, reason="Lifted in the admin."
            ),
            _("%(count)s lifted."),
        )


def _sanction_form(form_class, request):
    """Check the sanction with the service's rules before saving, so the admin form shows
    problems next to the fields instead of failing on save."""

    class SanctionAddForm(form_class):
        def clean(self):
            cleaned = super().clean()
            member = cleaned.get("member")
            if member is None:
                return cleaned
            try:
                services.member_sanction_check(
                    actor=request.user,
                    member=member,
                    kind=cleaned.get("kind", ""),
                    reason=cleaned.get("reason", ""),
                    group=cleaned.get("group"),
                    ends_at=cleaned.get("ends_at"),
                )
            except (ModerationConflict, PermissionDenied) as error:
                raise ValidationError(str(error)) from error
            return cleaned

    return SanctionAddForm


@admin.register(Signpost)
class SignpostAdmin(ModeratorOnlyAdmin):
    list_display = ["member", "tier", "country_code", "created_at"]
    list_filter = ["tier", "country_code"]
    search_fields = ["member__pseudonym"]
    readonly_fields = [
        "member",
        "tier",
        "country_code",
        "text",
        "resources",
        "content_type",
        "object_id",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(ModeratorOnlyAdmin):
    """The audit log: read-only, for everyone, superusers included."""

    list_display = ["created_at", "verb", "actor", "member", "reason"]
    list_filter = ["verb", "created_at"]
    search_fields = ["reason", "actor__pseudonym", "member__pseudonym"]
    list_select_related = ["actor", "member"]
    readonly_fields = [
        "created_at",
        "verb",
        "actor",
        "member",
        "content_type",
        "object_id",
        "queue_item",
        "sanction",
        "reason",
        "details",
    ]
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    """Appeals are decided through the services (dashboard and API), by someone other than the
    moderator who acted; here moderators read them."""

    list_display = ["pk", "appellant", "state", "acted_by", "decided_by", "created_at"]
    list_filter = ["state"]
    list_select_related = ["appellant", "acted_by", "decided_by"]
    search_fields = ["appellant__pseudonym"]


@admin.register(QueueNote)
class QueueNoteAdmin(ReadOnlyAdmin):
    """Internal notes are left on the dashboard, where they are audited; here they are read."""

    list_display = ["queue_item", "author", "excerpt", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["text", "author__pseudonym"]
    list_select_related = ["queue_item", "author"]
    readonly_fields = ["queue_item", "author", "text", "created_at"]

    @admin.display(description=_("note"))
    def excerpt(self, obj) -> str:
        return Truncator(obj.text).chars(80)


class _DryRun(Exception):
    """Raised to roll back a service call made only to check the form."""


class ReplyTemplateAdminForm(forms.ModelForm):
    """Checks the template with the service's own rules before saving, so the admin shows
    problems (such as a title already used, in any case) next to the fields instead of failing
    on save. The check calls `reply_template_save` and rolls it back."""

    actor = None  # set per request by ReplyTemplateAdmin.get_form

    class Meta:
        model = ReplyTemplate
        fields = ["kind", "title", "body", "is_active", "order"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                dashboard_services.reply_template_save(
                    actor=self.actor,
                    template=ReplyTemplate.objects.get(pk=self.instance.pk)
                    if self.instance.pk
                    else None,
                    kind=cleaned.get("kind", ""),
                    title=cleaned.get("title", ""),
                    body=cleaned.get("body", ""),
                    is_active=bool(cleaned.get("is_active")),
                    order=cleaned.get("order") or 0,
                )
                raise _DryRun
        except _DryRun:
            pass
        except PermissionDenied as denied:
            raise ValidationError(str(denied)) from denied
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

    def validate_unique(self) -> None:
        """The service checks titles (ignoring case) and says so in plain words."""


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(ModeratorOnlyAdmin):
    """Removal reasons and supportive messages. Saving and deleting go through the services,
    so every change is written to the audit log (moderators only, as on the dashboard)."""

    form = ReplyTemplateAdminForm
    list_display = ["title", "kind", "is_active", "order", "updated_by", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "body"]
    list_select_related = ["updated_by"]
    readonly_fields = ["updated_by", "updated_at"]

    def _may_edit(self, request) -> bool:
        return permissions.is_moderator(request.user)

    def has_add_permission(self, request) -> bool:
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._may_edit(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change) -> None:
        saved = dashboard_services.reply_template_save(
            actor=request.user,
            template=ReplyTemplate.objects.get(pk=obj.pk) if change else None,
            kind=obj.kind,
            title=obj.title,
            body=obj.body,
            is_active=obj.is_active,
            order=obj.order,
        )
        obj.pk = saved.pk
        obj.updated_at, obj.updated_by = saved.updated_at, saved.updated_by

    def delete_model(self, request, obj) -> None:
        dashboard_services.reply_template_delete(actor=request.user, template=obj)

    def delete_queryset(self, request, queryset) -> None:
        for template in queryset:
            dashboard_services.reply_template_delete(actor=request.user, template=template)


@admin.register(SupportMessage)
class SupportMessageAdmin(ReadOnlyAdmin):
    """Sent from the dashboard; the member sees them as from the moderation team."""

    list_display = ["member", "excerpt", "sent_by", "created_at", "read_at", "queue_item"]
    list_filter = [("read_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["member__pseudonym", "sent_by__pseudonym", "text"]
    list_select_related = ["member", "sent_by", "queue_item"]
    readonly_fields = [
        "member",
        "text",
        "resources",
        "queue_item",
        "sent_by",
        "created_at",
        "read_at",
    ]

    @admin.display(description=_("message"))
    def excerpt(self, obj) -> str:
        return Truncator(obj.text).chars(80)


@admin.register(CrisisStep)
class CrisisStepAdmin(ReadOnlyAdmin):
    """The crisis checklist, recorded on the dashboard once per step and item."""

    list_display = ["queue_item", "step", "done_by", "done_at"]
    list_filter = ["step", "done_at"]
    search_fields = ["note", "done_by__pseudonym"]
    list_select_related = ["queue_item", "done_by"]
    readonly_fields = ["queue_item", "step", "note", "done_by", "done_at"]
