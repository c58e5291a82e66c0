"""REST door for a member's API tokens: `/api/v1/me/tokens/`. Session only: a token cannot
list, create or revoke tokens."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import tokens
from community.token_serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenCreateSerializer,
    ApiTokenSerializer,
)


class ApiTokenListView(APIView):
    permission_classes = [IsAuthenticated, tokens.SessionOnly]

    @extend_schema(responses=ApiTokenSerializer(many=True), summary="Your active API tokens")
    def get(self, request: Request) -> Response:
        return Response(ApiTokenSerializer(tokens.api_tokens_for(request.user), many=True).data)

    @extend_schema(
        request=ApiTokenCreateSerializer,
        responses={201: ApiTokenCreatedSerializer},
        summary="Make an API token (its secret is shown only in this answer)",
    )
    def post(self, request: Request) -> Response:
        serializer = ApiTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            token, secret = tokens.api_token_create(
                owner=request.user, name=serializer.validated_data["name"]
            )
        except ValidationError as error:
            raise serializers.ValidationError({"name": error.messages}) from error
        body = ApiTokenCreatedSerializer(token, context={"secret": secret}).data
        return Response(body, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    permission_classes = [IsAuthenticated, tokens.SessionOnly]

    @extend_schema(responses={204: None}, summary="Revoke one of your API tokens")
    def delete(self, request: Request, token_id: int) -> Response:
        token = tokens.get_api_token_for(request.user, token_id)
        tokens.api_token_revoke(actor=request.user, token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
