"""Shapes of the review dashboard's REST API (moderation/dashboard_api.py). Input serializers
only check JSON types (a number is a number, a flag is true or false, text is a string); every
rule about what may be done, and every length limit, belongs to the moderation services so the
HTML dashboard, the API and the socket say the same thing. Output serializers describe what the
queue selectors return."""

from __future__ import annotations

from django.utils.html import linebreaks
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.api_fields import TextField
from community.ids import MAX_DB_ID
from moderation.dashboard_services import MAX_BULK_ITEMS
from moderation.member_api import ModeratorAppealSerializer
from moderation.models import Appeal, ModeratedContent, QueueItem, ReplyTemplate, Sanction
from moderation.queue_health import BANDS
from moderation.queue_selectors import TABS, ItemDetail, kind_name


def _one_of(values) -> str:
    return "One of: " + ", ".join(values) + "."


# --- strict JSON types ------------------------------------------------------------------------


class StrictIntegerField(serializers.IntegerField):
    """A JSON number without a fraction; "5", 5.0 and true are refused, not converted."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only; "yes", 1 and "true" are refused, not converted."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice described as a plain string in the schema (its values are in the help text),
    so it doesn't collide with other choice sets of the same name."""

    def __init__(self, choices, **kwargs) -> None:
        kwargs.setdefault("help_text", _one_of(dict(choices)))
        super().__init__(choices, **kwargs)


def _id_field(**kwargs) -> StrictIntegerField:
    return StrictIntegerField(min_value=1, max_value=MAX_DB_ID, **kwargs)


def _optional_text(help_text: str) -> TextField:
    # Empty and overlong text are the services' to refuse, with their own kind words.
    return TextField(
        required=False, default="", allow_blank=True, trim_whitespace=False, help_text=help_text
    )


# --- errors -----------------------------------------------------------------------------------


# --- the queue --------------------------------------------------------------------------------


def _counts_serializer(name: str, keys, field_class=serializers.IntegerField) -> type:
    """A serializer with one field per key (tabs, priority bands, sanction kinds)."""
    return type(name, (serializers.Serializer,), {key: field_class() for key in keys})


TabCountsSerializer = _counts_serializer("TabCountsSerializer", TABS)


class QueueCountsSerializer(serializers.Serializer):
    tabs = TabCountsSerializer(help_text="Items per tab (resolved: in the last day).")
    urgent = serializers.IntegerField(help_text="Urgent crisis items not yet resolved.")
    overdue = serializers.IntegerField(help_text="Unresolved items older than their threshold.")


class QueueRowSerializer(serializers.Serializer):
    """One queue item as the list, the live socket and every action answer describe it
    (`QueueRow.as_payload()`)."""

    id = serializers.IntegerField()
    reason = serializers.CharField(help_text=_one_of(QueueItem.Reason.values))
    reason_label = serializers.CharField()
    priority = serializers.IntegerField(help_text="Lower comes first.")
    state = serializers.CharField(help_text=_one_of(QueueItem.State.values))
    kind = serializers.CharField(help_text="The kind of content, e.g. groups.chatmessage.")
    kind_label = serializers.CharField()
    excerpt = serializers.CharField(help_text="Plain text (escape it): the words when queued.")
    member = serializers.CharField(help_text="Who wrote it (or appealed); blank if unknown.")
    group = serializers.CharField(allow_null=True, help_text="The peer group's slug, or null.")
    created_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    is_crisis = serializers.BooleanField(help_text="Crisis items are never decided in bulk.")
    claimed_by = serializers.CharField(allow_null=True, help_text="Who is working on it.")
    resolution = serializers.CharField(
        allow_null=True, help_text=_one_of(QueueItem.Resolution.values)
    )
    resolved_at = serializers.DateTimeField(allow_null=True)


class QueuePageSerializer(serializers.Serializer):
    counts = QueueCountsSerializer()
    count = serializers.IntegerField(help_text="Items matching the tab and filters.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = QueueRowSerializer(many=True)


# --- one item ---------------------------------------------------------------------------------


class NeighbourSerializer(serializers.Serializer):
    author = serializers.CharField()
    body_html = serializers.CharField(help_text="Sanitised HTML.")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    is_subject = serializers.BooleanField(help_text="The item under review.")


class ContextSerializer(serializers.Serializer):
    place = serializers.CharField(help_text="Where it was written, e.g. a group's chat room.")
    url = serializers.CharField(allow_blank=True)
    neighbours = NeighbourSerializer(many=True)


class ItemContentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    status = serializers.CharField(
        allow_blank=True, help_text="published, held, removed or deleted; blank for an appeal."
    )
    body_html = serializers.CharField(help_text="Sanitised HTML (an appeal's text, escaped).")
    context = ContextSerializer(allow_null=True)


class EarlierItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reason = serializers.CharField()
    reason_label = serializers.CharField(source="get_reason_display")
    state = serializers.CharField()
    kind = serializers.SerializerMethodField()
    resolution = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()

    def get_kind(self, item: QueueItem) -> str:
        return kind_name(item.content_type)


class SanctionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text=_one_of(Sanction.Kind.values))
    kind_label = serializers.CharField(source="get_kind_display")
    group = serializers.CharField(source="group.slug", allow_null=True, default=None)
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    lifted_at = serializers.DateTimeField(allow_null=True)
    given_by = serializers.CharField(source="created_by.pseudonym")


class SignpostRowSerializer(serializers.Serializer):
    tier = serializers.CharField()
    country_code = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class AuthorHistorySerializer(serializers.Serializer):
    member = serializers.CharField(source="member.pseudonym")
    joined = serializers.DateTimeField(allow_null=True)
    reports_against = serializers.IntegerField()
    removed_count = serializers.IntegerField()
    earlier_items = EarlierItemSerializer(many=True)
    sanctions = SanctionRowSerializer(many=True)
    signposts = SignpostRowSerializer(many=True, help_text="When help was shown to them.")


class ReportRowSerializer(serializers.Serializer):
    reason = serializers.CharField()
    reason_label = serializers.CharField(source="get_reason_display")
    note = serializers.CharField(allow_blank=True, help_text="Plain text: escape it.")
    reporter = serializers.SerializerMethodField(
        help_text="Moderators only; null for facilitators, who never learn who reported."
    )
    created_at = serializers.DateTimeField()
    outcome = serializers.CharField(allow_blank=True, help_text="Blank until settled.")

    def get_reporter(self, report) -> str | None:
        return report.reporter.pseudonym if self.context.get("shows_reporters") else None


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = serializers.CharField(source="author.pseudonym")
    text = serializers.CharField(help_text="Plain text: escape it.")
    created_at = serializers.DateTimeField()


class ChecklistStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    done_by = serializers.CharField(source="done.done_by.pseudonym", allow_null=True, default=None)
    done_at = serializers.DateTimeField(source="done.done_at", allow_null=True, default=None)
    note = serializers.CharField(source="done.note", default="")


class CrisisStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField(source="get_step_display")
    done_by = serializers.CharField(source="done_by.pseudonym")
    done_at = serializers.DateTimeField()
    note = serializers.CharField(allow_blank=True)


class SupportMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField(help_text="Plain text: escape it.")
    sent_by = serializers.CharField(source="sent_by.pseudonym", help_text="Never shown to members.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


MaySanctionSerializer = _counts_serializer(
    "MaySanctionSerializer", Sanction.Kind.values, serializers.BooleanField
)


class ItemExtrasSerializer(serializers.Serializer):
    """What an item's page adds to its queue row (reads an ItemDetail)."""

    detail = serializers.CharField(source="item.detail", help_text="Why it was queued.")
    snapshot = serializers.CharField(
        source="item.snapshot", help_text="Plain text (escape it): the words when queued."
    )
    content = serializers.SerializerMethodField()
    author = AuthorHistorySerializer(allow_null=True)
    reports = ReportRowSerializer(many=True)
    notes = NoteSerializer(many=True, help_text="Internal; members never see them.")
    checklist = ChecklistStepSerializer(many=True, help_text="Crisis items only; else empty.")
    support_messages = SupportMessageSerializer(many=True)
    appeal = ModeratorAppealSerializer(allow_null=True, help_text="For appeal items only.")
    may_sanction = MaySanctionSerializer(help_text="Which sanctions you may give this member.")
    claimed_by_other = serializers.BooleanField()

    @extend_schema_field(ItemContentSerializer(allow_null=True))
    def get_content(self, detail: ItemDetail) -> dict | None:
        content = detail.content
        if isinstance(content, ModeratedContent):
            body_html = content.body_html
        elif isinstance(content, Appeal):
            body_html = linebreaks(content.text, autoescape=True)
        else:
            return None
        return ItemContentSerializer(
            {
                "kind": detail.row.kind,
                "status": detail.content_status,
                "body_html": body_html,
                "context": detail.context,
            }
        ).data


class ItemDetailSerializer(QueueRowSerializer, ItemExtrasSerializer):
    """Describes an item's page: its queue row and everything needed to decide. The API
    renders it as `{**row.as_payload(), **ItemExtrasSerializer(detail).data}`."""


def item_detail_data(detail: ItemDetail) -> dict:
    context = {"shows_reporters": detail.shows_reporters}
    return {**detail.row.as_payload(), **ItemExtrasSerializer(detail, context=context).data}


# --- action input -----------------------------------------------------------------------------


class ResolveInputSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(
        choices=QueueItem.Resolution.choices,
        help_text="no_action or support_offered; approve, remove or decide appeals instead.",
    )
    note = _optional_text("For the record; required on a crisis item without a message sent.")


class NoteInputSerializer(serializers.Serializer):
    note = _optional_text("For the record.")


class ItemRemoveInputSerializer(serializers.Serializer):
    reason = TextField(
        required=False, trim_whitespace=False, allow_blank=True, help_text="Shown to the author."
    )
    template = _id_field(required=False, help_text="A removal template to use as the reason.")

    def validate(self, data: dict) -> dict:
        if ("reason" in data) == ("template" in data):
            raise serializers.ValidationError(_("Please send either a reason or a template."))
        return data


class SanctionInputSerializer(serializers.Serializer):
    kind = PlainChoiceField(Sanction.Kind.choices)
    reason = TextField(trim_whitespace=False, allow_blank=True, help_text="Shown to the member.")
    ends_at = serializers.DateTimeField(
        required=False, help_text="When a mute or suspension ends (ISO 8601)."
    )
    duration_hours = StrictIntegerField(
        required=False,
        min_value=1,
        max_value=24 * 366 * 10,
        help_text="Or how many hours from now it lasts.",
    )
    in_group = StrictBooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Limit it to the item's group (warnings and mutes only). Left out: the "
        "item's group for a warning or mute, everywhere for a suspension or ban.",
    )

    def validate(self, data: dict) -> dict:
        if "ends_at" in data and "duration_hours" in data:
            raise serializers.ValidationError(_("Please send either ends_at or duration_hours."))
        return data


class TextInputSerializer(serializers.Serializer):
    text = TextField(trim_whitespace=False, allow_blank=True, help_text="Plain text.")


class SupportInputSerializer(serializers.Serializer):
    text = TextField(
        required=False, trim_whitespace=False, allow_blank=True, help_text="Plain text."
    )
    template = _id_field(required=False, help_text="A supportive-message template to send.")

    def validate(self, data: dict) -> dict:
        if ("text" in data) == ("template" in data):
            raise serializers.ValidationError(_("Please send either a text or a template."))
        return data


class AppealDecisionInputSerializer(serializers.Serializer):
    grant = StrictBooleanField(help_text="true reverses the decision; false upholds it.")
    note = _optional_text("Shown to the member; required when upholding.")


class BulkInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("approve", "approve"), ("resolve", "resolve")])
    items = serializers.ListField(
        child=_id_field(), help_text=f"Queue item ids (up to {MAX_BULK_ITEMS})."
    )
    note = _optional_text("For resolve: kept with each item.")


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.DictField(
        child=serializers.CharField(), help_text="Item id -> why it was left alone."
    )


# --- templates --------------------------------------------------------------------------------


class ReplyTemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text=_one_of(ReplyTemplate.Kind.values))
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    body = serializers.CharField(help_text="Plain text.")
    is_active = serializers.BooleanField(help_text="Offered on the dashboard.")
    order = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    updated_by = serializers.CharField(source="updated_by.pseudonym", allow_null=True, default=None)


class ReplyTemplateInputSerializer(serializers.Serializer):
    """Every field is needed to create a template; a change (PATCH) sends only what changes."""

    kind = PlainChoiceField(ReplyTemplate.Kind.choices)
    title = TextField(trim_whitespace=False, allow_blank=True)
    body = TextField(trim_whitespace=False, allow_blank=True)
    is_active = StrictBooleanField(required=False, default=True)
    order = StrictIntegerField(required=False, default=0)


# --- queue health -----------------------------------------------------------------------------


BandCountsSerializer = _counts_serializer("BandCountsSerializer", BANDS)


class OpenCountsSerializer(serializers.Serializer):
    open = BandCountsSerializer(help_text="Unresolved items per priority band.")
    overdue = BandCountsSerializer()
    total = serializers.IntegerField()
    overdue_total = serializers.IntegerField()


class TimingStatsSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    items = serializers.IntegerField(help_text="Items created in the window.")
    first_action_count = serializers.IntegerField()
    first_action_median = serializers.FloatField(allow_null=True, help_text="Seconds.")
    first_action_p90 = serializers.FloatField(allow_null=True, help_text="Seconds.")
    resolution_count = serializers.IntegerField()
    resolution_median = serializers.FloatField(allow_null=True, help_text="Seconds.")
    resolution_p90 = serializers.FloatField(allow_null=True, help_text="Seconds.")


class DayPointSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="A UTC day.")
    opened = serializers.IntegerField()
    resolved = serializers.IntegerField()


class QueueHealthSerializer(serializers.Serializer):
    open_counts = OpenCountsSerializer()
    timing_stats = TimingStatsSerializer(help_text="The last 7 days.")
    daily_series = DayPointSerializer(many=True, help_text="The last 14 days, oldest first.")
