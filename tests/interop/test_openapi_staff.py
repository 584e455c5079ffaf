"""The staff endpoints, signed in, against the OpenAPI document: scripts/interop runs
schemathesis signed in as each role too, but with generated data it seldom reaches a real case,
so here real answers of every staff operation — and their refusals — are validated against the
schema by schemathesis's own checks."""
import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def schema(base):
    return schemathesis.openapi.from_url(f"{base}/api/openapi.json")


@pytest.fixture(scope="module")
def tokens(staff_token):
    return {role: staff_token(f"interop-{role}") for role in ("admin", "clerk", "auditor")}


def call(schema, base, token, method, path, expect, *, path_parameters=None, query=None, body=None):
    operation = schema[path][method]
    kwargs = {}
    if path_parameters:
        kwargs["path_parameters"] = path_parameters
    if query:
        kwargs["query"] = query
    if body is not None:
        kwargs["body"] = body
        kwargs["media_type"] = "application/json"
    case = operation.Case(**kwargs)
    response = case.call(base_url=base, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == expect, (method, path, response.status_code, response.text[:500])
    case.validate_response(response, checks=CHECKS)
    content_type = response.headers.get("content-type") or [""]
    if isinstance(content_type, list):
        content_type = content_type[0]
    if content_type.startswith("application/pdf"):
        assert response.content.startswith(b"%PDF-")
        return None
    return response.json()


def a_case_number(base):
    # A case the demo registered through the JSON API's neighbour, Open311.
    return requests.get(f"{base}/open311/v2/requests.json", timeout=30).json()[-1]["service_request_id"]


def test_signed_in_staff_answers_match_the_document(schema, base, tokens):
    clerk, admin, auditor = tokens["clerk"], tokens["admin"], tokens["auditor"]
    number = a_case_number(base)
    me = call(schema, base, clerk, "GET", "/api/v1/auth/me", 200)
    assert me["user"]["role"] == "registry_clerk"
    inbox = call(schema, base, clerk, "GET", "/api/v1/cases", 200, query={"status": "all"})
    assert inbox["cases"]
    call(schema, base, clerk, "GET", "/api/v1/cases", 400, query={"kind": "unicorn"})
    case = call(schema, base, clerk, "GET", "/api/v1/cases/{number}", 200, path_parameters={"number": number})
    assert case["number"] == number
    call(schema, base, clerk, "GET", "/api/v1/cases/{number}", 404, path_parameters={"number": "2026-999999"})
    call(schema, base, clerk, "GET", "/api/v1/cases/{number}/personal-data", 200, path_parameters={"number": number})
    call(schema, base, clerk, "POST", "/api/v1/cases/{number}/actions", 422,
         path_parameters={"number": number}, body={"action": "forward"})
    triaged = call(schema, base, clerk, "POST", "/api/v1/cases/{number}/actions", 200,
                   path_parameters={"number": number}, body={"action": "triage"})
    assert triaged["status"] == "triaged"
    call(schema, base, clerk, "POST", "/api/v1/cases/{number}/actions", 409,
         path_parameters={"number": number}, body={"action": "triage"})
    call(schema, base, clerk, "POST", "/api/v1/cases/{number}/actions", 403,
         path_parameters={"number": number}, body={"action": "close"})
    call(schema, base, clerk, "GET", "/api/v1/search", 200, query={"q": "лампи"})
    call(schema, base, clerk, "GET", "/api/v1/search", 400, query={"kind": "unicorn"})
    call(schema, base, clerk, "GET", "/api/v1/reminders", 200)
    documents = call(schema, base, clerk, "GET", "/api/v1/cases/{number}/documents", 200,
                     path_parameters={"number": number})
    assert documents["number"] == number
    call(schema, base, clerk, "GET", "/api/v1/cases/{number}/receipt.pdf", 200, path_parameters={"number": number})
    call(schema, base, clerk, "POST", "/api/v1/cases/{number}/letters/preview", 422,
         path_parameters={"number": number}, body={"kind": "horoscope"})
    call(schema, base, clerk, "GET", "/api/v1/outbox", 403)
    call(schema, base, clerk, "GET", "/api/v1/departments", 200)
    call(schema, base, clerk, "GET", "/api/v1/users", 200)
    call(schema, base, clerk, "GET", "/api/v1/api-keys", 403)
    call(schema, base, clerk, "GET", "/api/v1/journal", 403)

    journal = call(schema, base, auditor, "GET", "/api/v1/journal", 200, query={"limit": 50})
    call(schema, base, auditor, "GET", "/api/v1/outbox", 200)
    call(schema, base, auditor, "GET", "/api/v1/outbox", 400, query={"state": "lost"})
    call(schema, base, admin, "POST", "/api/v1/outbox/{id}/retry", 409, path_parameters={"id": 999999})
    assert journal["intact"] is True and journal["entries"]

    call(schema, base, admin, "GET", "/api/v1/users", 200)
    department = call(schema, base, admin, "POST", "/api/v1/departments", 201, body={"name": "Интероп отдел"})
    call(schema, base, admin, "POST", "/api/v1/departments", 409, body={"name": "Интероп отдел"})
    call(schema, base, admin, "PUT", "/api/v1/departments/{id}/head", 200,
         path_parameters={"id": department["id"]}, body={"head_user_id": None})
    user = call(schema, base, admin, "POST", "/api/v1/users", 201, body={
        "username": "interop-officer", "display_name": "Интероп служител", "role": "case_officer",
        "password": "a long enough password", "department_id": department["id"],
    })
    call(schema, base, admin, "POST", "/api/v1/users", 422, body={
        "username": "x", "display_name": "", "role": "wizard", "password": "short",
    })
    call(schema, base, admin, "PATCH", "/api/v1/users/{id}", 200,
         path_parameters={"id": user["id"]}, body={"display_name": "Интероп служителка"})
    created = call(schema, base, admin, "POST", "/api/v1/api-keys", 201, body={"name": "interop: staff harness"})
    assert created["key"].startswith("p311_")
    keys = call(schema, base, admin, "GET", "/api/v1/api-keys", 200)
    assert created["key"] not in str(keys)
    revoked = call(schema, base, admin, "DELETE", "/api/v1/api-keys/{id}", 200,
                   path_parameters={"id": created["api_key"]["id"]})
    assert revoked["revoked_at"]
    call(schema, base, admin, "DELETE", "/api/v1/api-keys/{id}", 404, path_parameters={"id": 999999})
    call(schema, base, admin, "GET", "/api/v1/cases", 403)
    call(schema, base, admin, "POST", "/api/v1/auth/logout", 200)
