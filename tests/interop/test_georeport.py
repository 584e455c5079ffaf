"""An Open311 client we did not write (`georeport` from PyPI) reads our services, their
definitions and the requests, in JSON and in XML, and both formats say the same thing."""
import pytest
from georeport import GeoReport

JURISDICTION = "haskovo.bg"


@pytest.fixture(params=["json", "xml"])
def client(request, open311):
    return GeoReport(open311, jurisdiction=JURISDICTION, output_format=request.param)


def as_list(value):
    # xmltodict gives a dict for a single element and a list for several.
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_service_list(client):
    services = as_list(client.get_service_list())
    codes = [s["service_code"] for s in services]
    assert "street_lighting" in codes and "roads_potholes" in codes and "complaint" in codes
    assert "corruption_signal" not in codes
    for s in services:
        assert s["service_name"] and s["group"]
        assert str(s["metadata"]).lower() in ("true", "false")
        assert s["type"] == "realtime"


def test_service_definitions(client):
    for s in as_list(client.get_service_list()):
        if str(s["metadata"]).lower() != "true":
            continue
        definition = client.get_service_definition(s["service_code"])
        assert definition["service_code"] == s["service_code"]
        attributes = definition["attributes"]
        if isinstance(attributes, dict):  # XML: <attributes><attribute>…
            attributes = as_list(attributes["attribute"])
        assert attributes, s["service_code"]
        for a in attributes:
            assert a["datatype"] in (
                "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
            )
            assert str(a["required"]).lower() in ("true", "false")
            assert a["code"] and a["description"]
            values = a["values"]
            if isinstance(values, dict):
                values = as_list(values["value"])
            if a["datatype"].endswith("valuelist"):
                assert values and all(v["key"] and v["name"] for v in values)


def test_requests_and_one_request(client):
    requests_ = as_list(client.get_service_requests())
    assert len(requests_) >= 5, "the demo data has Open311 requests"
    for r in requests_:
        assert r["status"] in ("open", "closed")
        assert r["status_notes"]
        assert r["requested_datetime"] and r["service_code"]
    first = requests_[0]
    one = client.get_service_request(first["service_request_id"])
    assert one["service_request_id"] == first["service_request_id"]
    assert one["status_notes"] == first["status_notes"]
    lighting = as_list(client.get_service_requests(service_code="street_lighting", status="open"))
    assert lighting and all(r["service_code"] == "street_lighting" for r in lighting)
    picked = as_list(
        client.get_service_requests(service_request_id=",".join(r["service_request_id"] for r in requests_[:2]))
    )
    assert {r["service_request_id"] for r in picked} == {r["service_request_id"] for r in requests_[:2]}


def test_json_and_xml_agree(open311):
    as_json = GeoReport(open311, output_format="json")
    as_xml = GeoReport(open311, output_format="xml")
    json_services = [s["service_code"] for s in as_json.get_service_list()]
    xml_services = [s["service_code"] for s in as_list(as_xml.get_service_list())]
    assert json_services == xml_services
    json_requests = as_json.get_service_requests()
    xml_requests = as_list(as_xml.get_service_requests())
    assert [(r["service_request_id"], r["status"], r["status_notes"]) for r in json_requests] == [
        (r["service_request_id"], r["status"], r["status_notes"]) for r in xml_requests
    ]
    for j, x in zip(json_requests, xml_requests):
        for field in ("lat", "long"):
            if j[field] is None:
                assert x[field] is None
            else:
                assert float(x[field]) == pytest.approx(j[field])
