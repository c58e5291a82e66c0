"""Shapes of the peer-group REST API (groups/api.py). Serializers here only validate input types
and describe output; every rule lives in groups/services.py and groups/permissions.py."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.api import SignpostSerializer
from community.api_fields import TextField
from groups.models import GroupSession, Membership, PeerGroup
from groups.selectors import HISTORY_PAGE, MAX_DB_ID, REPLAY_LIMIT, GroupListing

# The largest value a seq or an id can have in the database (a signed 64-bit integer).

MAX_HISTORY_PAGE = 100
MAX_CONTENT_WARNING = 120


# --- output -----------------------------------------------------------------------------------


class MembershipStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Membership.State.choices)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class GroupSerializer(serializers.Serializer):
    """A group as listed (public), with the reader's own standing in it."""

    slug = serializers.CharField(source="group.slug")
    name = serializers.CharField(source="group.name")
    purpose = serializers.CharField(source="group.purpose")
    visibility = serializers.ChoiceField(
        source="group.visibility", choices=PeerGroup.Visibility.choices
    )
    is_premoderated = serializers.BooleanField(source="group.is_premoderated")
    membership = serializers.SerializerMethodField(
        help_text="Your own membership; null when you have none (or are not logged in)."
    )

    @extend_schema_field(MembershipStateSerializer(allow_null=True))
    def get_membership(self, listing: GroupListing) -> dict | None:
        if not listing.membership_state:
            return None
        return {"state": listing.membership_state, "role": listing.role}


class GroupSessionSerializer(serializers.ModelSerializer):
    ends_at = serializers.DateTimeField(read_only=True)
    facilitator = serializers.SlugRelatedField(
        slug_field="pseudonym", read_only=True, allow_null=True
    )

    class Meta:
        model = GroupSession
        fields = ["starts_at", "ends_at", "duration_minutes", "topic", "facilitator"]
        read_only_fields = fields


class GroupDetailSerializer(GroupSerializer):
    """A group's page: public, like the list, plus guidelines and the next sessions. Needs
    `sessions` in the serializer context."""

    guidelines = serializers.CharField(source="group.guidelines")
    sessions = serializers.SerializerMethodField(
        help_text="The next facilitated sessions (one in progress included), soonest first."
    )

    @extend_schema_field(GroupSessionSerializer(many=True))
    def get_sessions(self, listing: GroupListing) -> list[dict]:
        return GroupSessionSerializer(self.context["sessions"], many=True).data


class JoinRequestSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.pseudonym", read_only=True)
    note = serializers.CharField(source="request_note", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "member", "note", "created_at"]
        read_only_fields = fields


class MemberStateSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.pseudonym")
    state = serializers.ChoiceField(choices=Membership.State.choices)
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class MessagePayloadSerializer(serializers.Serializer):
    """groups.frames.message_payload: a message, or a tombstone ({id, seq, removed: true} for a
    removed message, {id, seq, hidden: true} for one from a member you ignore) that keeps the
    sequence gap-free."""

    id = serializers.IntegerField()
    seq = serializers.IntegerField(allow_null=True)
    author = serializers.CharField(required=False, help_text="Pseudonym; absent on tombstones.")
    author_id = serializers.IntegerField(required=False)
    body_html = serializers.CharField(required=False, help_text="Sanitised HTML.")
    content_warning = serializers.CharField(required=False, allow_blank=True)
    created_at = serializers.DateTimeField(required=False)
    local_id = serializers.CharField(required=False, help_text="The sender's own id, if given.")
    removed = serializers.BooleanField(required=False)
    hidden = serializers.BooleanField(required=False)


class MessagePageSerializer(serializers.Serializer):
    results = MessagePayloadSerializer(many=True, help_text="Oldest first, in seq order.")
    next_before_seq = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="History: pass as before_seq for the page before this one; null at the start.",
    )
    next_after_seq = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Replay: pass as after_seq to continue; null when you are up to date.",
    )


class MessagePostResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    local_id = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=["published", "held", "removed", "deleted"])
    message = MessagePayloadSerializer(
        allow_null=True, help_text="The published message; null while it waits for a moderator."
    )
    notice = serializers.CharField(allow_blank=True)
    signpost = SignpostSerializer(allow_null=True, help_text="Support offered to you only.")


class MessageRemovedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    seq = serializers.IntegerField(allow_null=True)
    removed = serializers.BooleanField()


class MuteResultSerializer(serializers.Serializer):
    member = serializers.CharField(source="member.pseudonym")
    until = serializers.DateTimeField(source="ends_at")


class IgnoreSerializer(serializers.Serializer):
    member = serializers.CharField(source="ignored.pseudonym")
    created_at = serializers.DateTimeField()


# --- input ------------------------------------------------------------------------------------


class JoinInputSerializer(serializers.Serializer):
    note = TextField(
        required=False,
        default="",
        allow_blank=True,
        help_text="For a private group: a few words for the facilitators.",
    )


class ReasonInputSerializer(serializers.Serializer):
    # Required by the services, which say so kindly; a missing reason gets their message.
    reason = TextField(required=False, default="", allow_blank=True)


class MessageQuerySerializer(serializers.Serializer):
    before_seq = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_DB_ID, help_text="History before this seq."
    )
    after_seq = serializers.IntegerField(
        required=False, min_value=0, max_value=MAX_DB_ID, help_text="Replay after this seq."
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_DB_ID,
        help_text=f"History: 1 to {MAX_HISTORY_PAGE} (default {HISTORY_PAGE}). "
        f"Replay: 1 to {REPLAY_LIMIT} (default {REPLAY_LIMIT}).",
    )

    def to_internal_value(self, data):
        # A parameter given without a value is a mistake, not "not given" (DRF's default).
        blank = [name for name in self.fields if name in data and data.get(name) == ""]
        if blank:
            raise serializers.ValidationError(
                {name: [_("Please give a whole number.")] for name in blank}
            )
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        if "before_seq" in attrs and "after_seq" in attrs:
            raise serializers.ValidationError(_("Use before_seq or after_seq, not both."))
        replay = "after_seq" in attrs
        most = REPLAY_LIMIT if replay else MAX_HISTORY_PAGE
        limit = attrs.get("limit")
        if limit is None:
            attrs["limit"] = REPLAY_LIMIT if replay else HISTORY_PAGE
        elif limit > most:
            raise serializers.ValidationError(
                {"limit": _("Please ask for at most %(most)s messages at a time.") % {"most": most}}
            )
        return attrs


class MessagePostSerializer(serializers.Serializer):
    # Empty and too-long bodies are the pipeline's to refuse, so every door says the same.
    body = TextField(allow_blank=True, trim_whitespace=False)
    local_id = TextField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        help_text="Your own id for this message: sending it again never posts twice.",
    )
    content_warning = TextField(
        required=False, default="", allow_blank=True, max_length=MAX_CONTENT_WARNING
    )


class MuteInputSerializer(serializers.Serializer):
    member = TextField(help_text="The pseudonym of the member to mute.")
    minutes = serializers.IntegerField(help_text="From 1 minute to 7 days.")
    reason = TextField(required=False, default="", allow_blank=True)
