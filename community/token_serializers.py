"""Shapes of API tokens on the wire. The secret appears only in the answer that created it."""

from rest_framework import serializers

from community.api_fields import TextField
from community.models import ApiToken
from community.models.tokens import TOKEN_NAME_MAX_LENGTH


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(serializers.Serializer):
    name = TextField(max_length=TOKEN_NAME_MAX_LENGTH)


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    secret = serializers.SerializerMethodField(
        help_text="The full token. It is shown only now: copy it somewhere safe."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    def get_secret(self, token: ApiToken) -> str:
        return self.context["secret"]
