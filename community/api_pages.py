"""Page-number pagination for every API list that can grow: `?page=N` (from 1), answered as
`{count, next, previous, results}` with absolute links. A page that does not exist is 404, the
same answer as anywhere else for what is not there (chat history pages by `seq` instead)."""

from __future__ import annotations

from django.core.paginator import Page
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from community.forum_selectors import page_number, rows_page

API_PAGE_SIZE = 50

PAGE = OpenApiParameter("page", int, description="Page number, from 1 (a missing page is 404).")


class PageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Items on all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


_page_serializers: dict[str, type[PageSerializer]] = {}


def page_serializer(item_serializer: type[serializers.Serializer]) -> type[PageSerializer]:
    """The documented shape of a page of `item_serializer` rows (one class per item kind, so
    the schema names each page after its rows)."""
    name = item_serializer.__name__.removesuffix("Serializer") + "PageSerializer"
    if name not in _page_serializers:
        _page_serializers[name] = type(
            name, (PageSerializer,), {"results": item_serializer(many=True)}
        )
    return _page_serializers[name]


def requested_page_number(request: Request) -> int:
    """The `page` the request asks for (1 when absent); Http404 for one that can't exist."""
    return page_number(request.query_params.get("page"))


def request_page(request: Request, rows, per_page: int | None = None) -> Page:
    """The page of `rows` the request asks for; Http404 for a page that does not exist."""
    return rows_page(rows, per_page or API_PAGE_SIZE, requested_page_number(request))


def page_body(request: Request, page: Page, results: list) -> dict:
    """DRF's page-number shape: count, absolute next and previous links, results."""
    url = request.build_absolute_uri()
    previous = None
    if page.has_previous():
        number = page.previous_page_number()
        if number > 1:
            previous = replace_query_param(url, "page", number)
        else:
            previous = remove_query_param(url, "page")
    return {
        "count": page.paginator.count,
        "next": replace_query_param(url, "page", page.next_page_number())
        if page.has_next()
        else None,
        "previous": previous,
        "results": results,
    }


def paginated(request: Request, rows, serializer_class, *, context: dict | None = None) -> dict:
    """One page of `rows` rendered with `serializer_class`, in the page shape."""
    page = request_page(request, rows)
    results = serializer_class(page.object_list, many=True, context=context or {}).data
    return page_body(request, page, results)
