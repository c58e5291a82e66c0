"""Bad input to every write operation under /api/v1/, sent by someone allowed to do it: wrong
types, missing fields, bodies too large for the server, text too long for its field, ids that
do not exist or cannot exist, bodies that are not JSON, and requests sent twice.

Every refusal is in the one error shape `{code, detail, fields?}` (`fields` for bad fields) and
stores nothing: the whole database reads the same before and after."""

from __future__ import annotations

import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from rest_framework.test import APIClient

from community.ids import MAX_DB_ID
from community.models import Reaction, StoryReaction, Subscription
from groups.models import ChatMessage, MemberIgnore, Membership
from moderation.models import Appeal, Report
from tests.api_bad_input.world import ID_PLACEHOLDERS, OPS, Op, build_world
from tests.fixtures.once import built_once, fresh_copy

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "detail", "fields", "retry_after", "until", "signpost"}
TOO_LONG = "word " * 6000  # 30,000 characters: past every text limit, well under body limits
PAST_64_BITS = MAX_DB_ID + 1
UNKNOWN_ID = 987_654_321
APPS = ("community", "groups", "moderation")
# Columns that may change on a refused request without anything a person wrote or did.
IGNORED_COLUMNS = {"last_login", "last_used_at"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """`response` is an error in the API's one shape with this status (and code, if given)."""
    assert response.status_code == status, (response.status_code, response.content[:400])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body, dict), body
    assert set(body) <= ERROR_KEYS, body
    assert isinstance(body.get("code"), str) and body["code"], body
    assert isinstance(body.get("detail"), str) and body["detail"].strip(), body
    if "fields" in body:
        assert isinstance(body["fields"], dict) and body["fields"], body
        for name, messages in body["fields"].items():
            assert isinstance(name, str), body
            assert messages and all(isinstance(message, str) for message in messages), body
    if body["code"] == "invalid":
        assert "fields" in body, body
    if code is not None:
        assert body["code"] == code, body
    return body


# --- the world and how to ask -----------------------------------------------------------------


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_world) as built:
        yield built


@pytest.fixture
def world(world_once, db):
    return fresh_copy(world_once)


def snapshot() -> dict:
    """Every row of every model of the three apps (and the members), minus bookkeeping."""
    rows = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            values = model.objects.order_by("pk").values()
            rows[model._meta.label] = [
                {key: value for key, value in row.items() if key not in IGNORED_COLUMNS}
                for row in values
            ]
    return rows


def fill(value, values: dict):
    """A body with its "{placeholder}" strings replaced by the world's values."""
    if isinstance(value, dict):
        return {key: fill(inner, values) for key, inner in value.items()}
    if isinstance(value, list):
        return [fill(inner, values) for inner in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return values[value[1:-1]]
    return value


def client_for(world: dict, op: Op) -> APIClient:
    client = APIClient()
    client.force_authenticate(world["people"][op.actor])
    return client


def send(world, op: Op, body=None, *, raw: bytes | None = None, content_type=None, **path):
    """Send `op` with `body` (JSON), or with `raw` bytes as they are."""
    client = client_for(world, op)
    url = op.url(world["values"], **path)
    if raw is None:
        raw = b"" if body is None else json.dumps(body).encode()
    return client.generic(op.method, url, data=raw, content_type=content_type or "application/json")


def refused_and_nothing_stored(world, op: Op, status: int, code=None, **send_args) -> dict:
    before = snapshot()
    response = send(world, op, **send_args)
    body = assert_error(response, status, code)
    assert snapshot() == before, f"{op.name} stored something while refusing"
    return body


def valid_body(world, op: Op) -> dict:
    return fill(op.body, world["values"])


def _ids(op: Op, *parts) -> str:
    return " ".join([op.method, op.path, *map(str, parts)])


BODY_OPS = [op for op in OPS if op.body is not None]


def _cases(attribute: str):
    return [
        pytest.param(op, name, id=_ids(op, name)) for op in OPS for name in getattr(op, attribute)
    ]


# --- the table matches the schema -------------------------------------------------------------


def test_every_write_operation_in_the_schema_is_covered():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, item in schema["paths"].items()
        for method in item
        if method in ("post", "put", "patch", "delete") and path.startswith("/api/v1/")
    }
    covered = {op.name for op in OPS}

    def shape(name: str) -> str:
        return re.sub(r"\{[^}]+\}", "{}", name)

    assert {shape(name) for name in in_schema} - {shape(name) for name in covered} == set()


@pytest.mark.parametrize("op", OPS, ids=lambda op: op.name)
def test_the_good_request_is_accepted(world, op):
    """The baseline: the request each test below breaks is accepted as it is, so a refusal
    below is about what was broken, not about who asked."""
    response = send(world, op, valid_body(world, op) if op.body is not None else None)
    assert 200 <= response.status_code < 300, (response.status_code, response.content[:400])


# --- bodies that are not what JSON says they are ----------------------------------------------


@pytest.mark.parametrize("op", BODY_OPS, ids=lambda op: op.name)
def test_garbled_json_is_refused(world, op):
    refused_and_nothing_stored(world, op, 400, raw=b'{"text": "half a', content_type=None)


@pytest.mark.parametrize("op", BODY_OPS, ids=lambda op: op.name)
@pytest.mark.parametrize("raw", [b"[1, 2]", b'"just text"', b"42", b"null"])
def test_json_that_is_not_an_object_is_refused(world, op, raw):
    refused_and_nothing_stored(world, op, 400, raw=raw)


@pytest.mark.parametrize("op", BODY_OPS, ids=lambda op: op.name)
def test_a_body_that_is_not_json_is_refused(world, op):
    # DRF answers a content type it does not read with 415, in the same shape.
    refused_and_nothing_stored(world, op, 415, raw=b"reason=hello", content_type="text/plain")


@pytest.mark.parametrize("op", BODY_OPS, ids=lambda op: op.name)
def test_a_body_larger_than_the_server_accepts_is_413(world, op):
    padding = "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    body = {**valid_body(world, op), "padding": padding}
    refused_and_nothing_stored(world, op, 413, "too_large", body=body)


# --- fields of the wrong type ---------------------------------------------------------------


@pytest.mark.parametrize(("op", "name"), _cases("text") + _cases("choices"))
@pytest.mark.parametrize("wrong", [["a", "list"], {"an": "object"}], ids=["list", "object"])
def test_text_fields_refuse_lists_and_objects(world, op, name, wrong):
    body = {**valid_body(world, op), name: wrong}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    assert name in body.get("fields", {}), body


@pytest.mark.parametrize(("op", "name"), _cases("text") + _cases("choices"))
def test_text_fields_refuse_numbers(world, op, name):
    body = {**valid_body(world, op), name: 12345}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    assert name in body.get("fields", {}), body


@pytest.mark.parametrize(("op", "name"), _cases("ints"))
@pytest.mark.parametrize("wrong", ["twelve", [1], {"n": 1}, 1.5, True], ids=repr)
def test_number_fields_refuse_other_types(world, op, name, wrong):
    body = {**valid_body(world, op), name: wrong}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    assert name in body.get("fields", {}), body


@pytest.mark.parametrize(("op", "name"), _cases("bools"))
@pytest.mark.parametrize("wrong", ["perhaps", [True], {"yes": True}, 7], ids=repr)
def test_true_false_fields_refuse_other_types(world, op, name, wrong):
    body = {**valid_body(world, op), name: wrong}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    assert name in body.get("fields", {}), body


@pytest.mark.parametrize("op", [op for op in OPS if op.required], ids=lambda op: op.name)
def test_an_empty_body_names_the_missing_fields(world, op):
    body = refused_and_nothing_stored(world, op, 400, body={})
    fields = body.get("fields", {})
    assert any(name in fields for name in op.required), body


@pytest.mark.parametrize(("op", "name"), _cases("required"))
def test_each_required_field_is_required(world, op, name):
    body = valid_body(world, op)
    del body[name]
    body = refused_and_nothing_stored(world, op, 400, body=body)
    assert name in body.get("fields", {}) or "non_field_errors" in body.get("fields", {}), body


def _required_text_cases():
    return [case for case in _cases("text") if case.values[1] in case.values[0].required]


@pytest.mark.parametrize(("op", "name"), _required_text_cases())
@pytest.mark.parametrize("blank", ["", "   \n\t "], ids=["empty", "spaces"])
def test_required_text_may_not_be_blank(world, op, name, blank):
    body = {**valid_body(world, op), name: blank}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    if body["code"] == "invalid":
        assert name in body["fields"], body


@pytest.mark.parametrize(("op", "name"), _cases("text"))
def test_text_longer_than_its_field_allows_is_refused(world, op, name):
    body = {**valid_body(world, op), name: TOO_LONG}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    if body["code"] == "invalid":
        assert name in body["fields"], body


# --- ids --------------------------------------------------------------------------------------


CHOICE_PLACEHOLDERS = {"kind"}


def _path_cases():
    for op in OPS:
        for name in op.placeholders:
            if name in ID_PLACEHOLDERS:
                for value in (UNKNOWN_ID, PAST_64_BITS, 10**30):
                    yield pytest.param(op, name, value, id=_ids(op, name, value))
            elif name not in CHOICE_PLACEHOLDERS:
                yield pytest.param(op, name, "no-such-thing", id=_ids(op, name, "unknown"))


@pytest.mark.parametrize(("op", "name", "value"), list(_path_cases()))
def test_unknown_and_impossible_ids_in_the_path_are_404(world, op, name, value):
    body = valid_body(world, op) if op.body is not None else None
    refused_and_nothing_stored(world, op, 404, "not_found", body=body, **{name: value})


@pytest.mark.parametrize("op", [op for op in OPS if "{kind}" in op.path], ids=lambda op: op.name)
def test_an_unknown_reaction_in_the_path_is_refused(world, op):
    # A reaction is one of a fixed few, named in the answer, not a thing that might be hidden.
    body = refused_and_nothing_stored(world, op, 400, "refused", kind="no-such-thing")
    assert "Hug" in body["detail"]


def _body_without_alternatives(world, op: Op, name: str) -> dict:
    """The good body, without the fields that may not be sent together with `name`."""
    body = valid_body(world, op)
    for other in op.extra.get("instead_of", {}).get(name, ()):
        body.pop(other, None)
    return body


def _body_id(op: Op, name: str, value: int):
    return [value] if isinstance(op.body.get(name), list) or name in ("ids", "items") else value


@pytest.mark.parametrize(("op", "name"), _cases("body_ids"))
@pytest.mark.parametrize("value", [0, -1], ids=str)
def test_ids_below_one_in_the_body_are_400(world, op, name, value):
    body = {**_body_without_alternatives(world, op, name), name: _body_id(op, name, value)}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    assert name in body.get("fields", {}), body


@pytest.mark.parametrize(("op", "name"), _cases("body_ids"))
@pytest.mark.parametrize("value", [PAST_64_BITS, 10**30], ids=str)
def test_ids_past_the_64_bit_range_in_the_body_are_400(world, op, name, value):
    body = {**_body_without_alternatives(world, op, name), name: _body_id(op, name, value)}
    body = refused_and_nothing_stored(world, op, 400, body=body)
    assert name in body.get("fields", {}), body


# What an id in range that names nothing gets: a template must exist (400); bulk actions and
# "mark read" skip what they can't find (and say so); an appeal is about something of yours, so
# anything else is the 404 of "not yours to see".
UNKNOWN_BODY_ID = {
    ("POST /moderation/queue/{held}/remove/", "template"): 400,
    ("POST /moderation/queue/{crisis}/support/", "template"): 400,
    ("POST /moderation/queue/bulk/", "items"): 200,
    ("POST /notifications/read/", "ids"): 200,
    ("POST /me/support-messages/read/", "ids"): 200,
    ("POST /me/appeals/", "content_id"): 404,
    ("POST /me/appeals/", "sanction_id"): 404,
}


@pytest.mark.parametrize(("op", "name"), _cases("body_ids"))
def test_unknown_ids_in_the_body_change_nothing(world, op, name):
    expected = UNKNOWN_BODY_ID[(op.name, name)]
    body = {**_body_without_alternatives(world, op, name), name: _body_id(op, name, UNKNOWN_ID)}
    if expected >= 400:
        answer = refused_and_nothing_stored(world, op, expected, body=body)
        if expected == 400:
            assert name in answer["fields"] or "non_field_errors" in answer["fields"], answer
        return
    before = snapshot()
    response = send(world, op, body)
    assert response.status_code == expected, response.content
    assert snapshot() == before


# --- sent twice -------------------------------------------------------------------------------


def _op(method: str, path: str) -> Op:
    return next(op for op in OPS if op.method == method and op.path == path)


@pytest.mark.parametrize(
    "path", ["/forums/posts/{others_post}/report/", "/forums/threads/{others_thread}/report/"]
)
def test_a_second_report_of_the_same_thing_is_a_conflict(world, path):
    op = _op("POST", path)
    assert send(world, op, valid_body(world, op)).status_code == 201
    refused_and_nothing_stored(world, op, 409, "already_reported", body=valid_body(world, op))
    assert Report.objects.count() == 1


def test_a_second_appeal_of_the_same_removal_is_a_conflict(world):
    op = _op("POST", "/me/appeals/")
    assert send(world, op, valid_body(world, op)).status_code == 201
    refused_and_nothing_stored(world, op, 409, "already_appealed", body=valid_body(world, op))
    assert Appeal.objects.filter(object_id=world["values"]["removed_post"]).count() == 1


def test_joining_twice_makes_one_membership(world):
    op = _op("POST", "/groups/{open_group}/join/")
    first = send(world, op, valid_body(world, op))
    second = send(world, op, valid_body(world, op))
    assert first.status_code == 200
    assert second.status_code in (200, 409), second.content
    if second.status_code == 409:
        assert_error(second, 409)
    member = world["people"]["member"]
    assert Membership.objects.filter(group__slug="open-door", member=member).count() == 1


def test_the_same_chat_message_sent_twice_is_stored_once(world):
    op = _op("POST", "/groups/{group}/messages/")
    first = send(world, op, valid_body(world, op))
    second = send(world, op, valid_body(world, op))
    assert first.status_code == 201, first.content
    assert second.status_code in (200, 201), second.content
    assert first.json()["id"] == second.json()["id"]
    assert ChatMessage.objects.filter(local_id="abc-1").count() == 1


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/forums/posts/{others_post}/reactions/{kind}/", Reaction),
        ("/forums/threads/{others_thread}/reactions/{kind}/", Reaction),
        ("/forums/threads/{others_thread}/follow/", Subscription),
        ("/stories/{others_story}/hope/", StoryReaction),
        ("/ignores/{other}/", MemberIgnore),
    ],
)
def test_putting_the_same_thing_twice_stores_it_once(world, path, model):
    op = _op("PUT", path)
    before = model.objects.count()
    assert send(world, op).status_code == 200
    assert send(world, op).status_code == 200
    assert model.objects.count() == before + 1
