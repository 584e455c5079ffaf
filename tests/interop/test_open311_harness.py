"""Our own client-side harness for what `georeport` does not do: posting form-encoded requests
(JSON and XML answers), tokens, the discovery document, the extensions, and the error bodies —
every XML answer parsed and its element names checked against GeoReport v2."""
import xml.etree.ElementTree as ET

import pytest
import requests

REQUEST_FIELDS = [
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = [
    "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
]


def get(url, **params):
    return requests.get(url, params=params, timeout=30)


def post(url, data, **headers):
    return requests.post(url, data=data, headers=headers, timeout=30)


def xml(response, root):
    """Parses an XML answer: declared UTF-8, well-formed, with the expected root."""
    assert response.headers["content-type"].startswith("text/xml"), response.headers
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    tree = ET.fromstring(response.content)
    assert tree.tag == root, (tree.tag, response.text[:200])
    return tree


def children(element):
    return [child.tag for child in element]


def errors_of(response, fmt):
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list) and body
        for e in body:
            assert set(e) == {"code", "description"} and e["code"] == response.status_code
        return [e["description"] for e in body]
    tree = xml(response, "errors")
    assert all(e.tag == "error" and children(e) == ["code", "description"] for e in tree)
    assert all(int(e.findtext("code")) == response.status_code for e in tree)
    return [e.findtext("description") for e in tree]


def newest_number(open311):
    return get(f"{open311}/requests.json").json()[0]["service_request_id"]


def next_number(number):
    year, seq = number.split("-")
    return f"{year}-{int(seq) + 1:06d}"


def lighting(api_key, **more):
    data = {
        "api_key": api_key, "jurisdiction_id": "haskovo.bg", "service_code": "street_lighting",
        "lat": "41.9342", "long": "25.5581", "description": "Не свети лампата пред входа.",
        "attribute[problem]": "not_lit", "attribute[lamps]": "1",
    }
    data.update(more)
    return data


def test_discovery(base):
    as_json = get(f"{base}/open311/discovery.json").json()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(as_json)
    endpoint = as_json["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert get(endpoint["url"] + "/services.json").status_code == 200
    tree = xml(get(f"{base}/open311/discovery.xml"), "discovery")
    endpoints = tree.find("endpoints")
    assert [e.tag for e in endpoints] == ["endpoint"]
    assert [f.text for f in endpoints.find("endpoint").find("formats")] == ["text/xml", "application/json"]


def test_xml_services_and_definition_element_names(open311):
    tree = xml(get(f"{open311}/services.xml"), "services")
    assert tree and all(s.tag == "service" and children(s) == SERVICE_FIELDS for s in tree)
    definition = xml(get(f"{open311}/services/stray_animals.xml"), "service_definition")
    assert children(definition) == ["service_code", "attributes"]
    attributes = definition.find("attributes")
    assert attributes and all(a.tag == "attribute" for a in attributes)
    for a in attributes:
        assert children(a) == ATTRIBUTE_FIELDS
        for value in a.find("values"):
            assert value.tag == "value" and children(value) == ["key", "name"]


def test_post_json_and_read_back_without_personal_data(open311, api_key):
    data = lighting(
        api_key, first_name="Стоян", last_name="Колев", email="stoyan.kolev@example.bg",
        phone="0887 111 222", device_id="device-42", account_id="acc-7",
        media_url="https://photos.example.org/lamp.jpg",
    )
    response = post(f"{open311}/requests.json", data)
    assert response.status_code == 201, response.text
    [created] = response.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] == "acc-7"
    number = created["service_request_id"]
    assert number in created["service_notice"] and "срок" in created["service_notice"]
    [read] = get(f"{open311}/requests/{number}.json", extensions="true").json()
    assert read["service_code"] == "street_lighting" and read["status"] == "open"
    assert read["description"] == "Не свети лампата пред входа."
    assert read["lat"] == pytest.approx(41.9342) and read["long"] == pytest.approx(25.5581)
    assert read["media_url"] == "https://photos.example.org/lamp.jpg"
    assert read["expected_datetime"], "the legal deadline"
    assert [a["code"] for a in read["attributes"]] == ["problem", "lamps"]
    assert read["notes"] and read["notes"][0]["summary"]
    # Nothing about the person, anywhere in the public answers.
    public = [
        get(f"{open311}/requests/{number}.json", extensions="true").text,
        get(f"{open311}/requests/{number}.xml", extensions="true").text,
        get(f"{open311}/requests.json", extensions="true").text,
        get(f"{open311}/servicerequestupdates.json").text,
    ]
    for text in public:
        for secret in ("Стоян", "Колев", "stoyan.kolev", "0887", "111 222", "device-42", "acc-7"):
            assert secret not in text


def test_post_xml(open311, api_key):
    response = post(f"{open311}/requests.xml", lighting(api_key))
    assert response.status_code == 201, response.text
    tree = xml(response, "service_requests")
    [request] = list(tree)
    assert request.tag == "request"
    assert children(request) == ["service_request_id", "service_notice", "account_id"]
    number = request.findtext("service_request_id")
    one = xml(get(f"{open311}/requests/{number}.xml"), "service_requests")
    assert [r.tag for r in one] == ["request"] and children(one[0]) == REQUEST_FIELDS


def test_tokens_for_batch_clients(open311, token_api_key):
    response = post(f"{open311}/requests.json", lighting(token_api_key))
    assert response.status_code == 201, response.text
    [created] = response.json()
    assert "token" in created and "service_request_id" not in created
    token = created["token"]
    [found] = get(f"{open311}/tokens/{token}.json").json()
    assert found["token"] == token
    number = found["service_request_id"]
    assert get(f"{open311}/requests/{number}.json").status_code == 200
    tree = xml(get(f"{open311}/tokens/{token}.xml"), "service_requests")
    assert children(tree[0]) == ["service_request_id", "token"]
    assert tree[0].findtext("service_request_id") == number
    missing = get(f"{open311}/tokens/no-such-token.json")
    assert missing.status_code == 404
    assert errors_of(missing, "json")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_refused_with_every_problem_and_stores_nothing(open311, api_key, fmt):
    before = newest_number(open311)
    url = f"{open311}/requests.{fmt}"
    # Several things wrong at once: every one is named.
    response = post(url, {
        "api_key": api_key, "service_code": "street_lighting", "lat": "95", "long": "25.5",
        "attribute[problem]": "on_fire", "email": "not-an-email", "first_name": "Иван",
        "media_url": "ftp://example.org/x", "description": "x" * 4001,
    })
    assert response.status_code == 400
    problems = errors_of(response, fmt)
    for field in ("lat, long", "attribute[problem]", "email", "media_url", "description"):
        assert any(p.startswith(field) for p in problems), (field, problems)
    # Unknown service; no location where one is required; bad attributes.
    assert post(url, {"api_key": api_key, "service_code": "unicorns", "lat": "41.9", "long": "25.5"}).status_code == 400
    response = post(url, {"api_key": api_key, "service_code": "roads_potholes", "attribute[surface]": "road"})
    assert response.status_code == 400
    assert any("address_string" in p for p in errors_of(response, fmt))
    # A future date for when it happened.
    response = post(url, {
        "api_key": api_key, "service_code": "noise", "address_string": "ул. „Шипка“ 1",
        "attribute[source]": "venue", "attribute[occurred_on]": "2999-01-01",
    })
    assert response.status_code == 400
    assert any(p.startswith("attribute[occurred_on]") for p in errors_of(response, fmt))
    # Keys: missing and wrong are 403.
    without_key = {k: v for k, v in lighting(api_key).items() if k != "api_key"}
    for data in (without_key, lighting("p311_wrong")):
        response = post(url, data)
        assert response.status_code == 403
        assert any("api_key" in p for p in errors_of(response, fmt))
    # Another jurisdiction is an unknown resource.
    response = post(url, lighting(api_key, jurisdiction_id="sofia.bg"))
    assert response.status_code == 404 and errors_of(response, fmt)
    # Not form-encoded.
    response = requests.post(url, json=lighting(api_key), timeout=30)
    assert response.status_code == 415 and errors_of(response, fmt)
    # Nothing was stored: numbers are gap-free, and the next request gets the very next one.
    assert newest_number(open311) == before
    response = post(f"{open311}/requests.json", lighting(api_key))
    assert response.json()[0]["service_request_id"] == next_number(before)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_queries(open311, fmt):
    response = get(f"{open311}/requests.{fmt}", start_date="yesterday", status="maybe", page_size="5000")
    assert response.status_code == 400
    problems = errors_of(response, fmt)
    assert len(problems) == 3
    response = get(
        f"{open311}/requests.{fmt}", start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"
    )
    assert response.status_code == 400 and "90" in errors_of(response, fmt)[0]
    for path in ("requests/2026-999999", "requests/nonsense", "services/unicorns"):
        response = get(f"{open311}/{path}.{fmt}")
        assert response.status_code == 404 and errors_of(response, fmt)
    response = get(f"{open311}/services.{fmt}", jurisdiction_id="sofia.bg")
    assert response.status_code == 404 and errors_of(response, fmt)


def test_paging(open311):
    everything = get(f"{open311}/requests.json").json()
    assert len(everything) >= 4
    first = get(f"{open311}/requests.json", page_size="2", page="1").json()
    second = get(f"{open311}/requests.json", page_size="2", page="2").json()
    assert [r["service_request_id"] for r in first + second] == [r["service_request_id"] for r in everything[:4]]


def test_status_follows_the_case(base, open311, api_key, staff_token):
    response = post(f"{open311}/requests.json", {
        "api_key": api_key, "service_code": "water_sewerage", "lat": "41.933", "long": "25.559",
        "description": "Тече вода от шахта.", "first_name": "Мария", "email": "maria@example.bg",
    })
    number = response.json()[0]["service_request_id"]
    assert "ВиК" in response.json()[0]["service_notice"]
    clerk = {"Authorization": f"Bearer {staff_token('interop-clerk')}"}
    for action in ({"action": "triage"}, {"action": "forward", "body": "„ВиК“ ЕООД — Хасково", "reason": "ВиК мрежата не е общинска."}):
        r = requests.post(f"{base}/api/v1/cases/{number}/actions", json=action, headers=clerk, timeout=30)
        assert r.status_code == 200, r.text
    [read] = get(f"{open311}/requests/{number}.json", extensions="true").json()
    assert read["status"] == "closed"
    assert "препратено по компетентност" in read["status_notes"] and "ВиК" in read["status_notes"]
    assert read["agency_responsible"] == "„ВиК“ ЕООД — Хасково"
    assert [n["status"] for n in read["notes"]] == ["open", "open", "closed"]
    assert get(f"{open311}/requests.json", status="closed", service_code="water_sewerage").json()[0][
        "service_request_id"] == number
    updates = [u for u in get(f"{open311}/servicerequestupdates.json").json() if u["service_request_id"] == number]
    assert [u["status"] for u in updates] == ["OPEN", "OPEN", "NOT_COUNCILS_RESPONSIBILITY"]
    for u in updates:
        assert set(u) == {"update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"}
    tree = xml(get(f"{open311}/servicerequestupdates.xml"), "service_request_updates")
    assert tree and all(
        u.tag == "request_update"
        and children(u) == ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]
        for u in tree
    )


def test_private_kinds_show_no_text(open311, api_key):
    response = post(f"{open311}/requests.json", {
        "api_key": api_key, "service_code": "complaint", "attribute[bad_administration]": "yes",
        "description": "Чакам удостоверение за наследници от месец.",
        "first_name": "Георги", "phone": "0888 123 456",
    })
    assert response.status_code == 201, response.text
    number = response.json()[0]["service_request_id"]
    [read] = get(f"{open311}/requests/{number}.json").json()
    assert read["description"] is None and read["address"] is None and read["lat"] is None
    assert read["status"] == "open" and read["expected_datetime"]
    assert "наследници" not in get(f"{open311}/requests.xml").text
