"""The OpenAPI document against an independent validator (openapi-spec-validator, which checks
it against the OpenAPI 3.1 meta-schema and the rules the meta-schema cannot express: every
`$ref` resolves, every path parameter is declared, operation ids are unique)."""
import requests
from openapi_spec_validator import OpenAPIV31SpecValidator, validate


def test_the_document_is_valid_openapi_3_1(base):
    document = requests.get(f"{base}/api/openapi.json", timeout=30).json()
    assert document["openapi"] == "3.1.0"
    errors = [str(error) for error in OpenAPIV31SpecValidator(document).iter_errors()]
    assert errors == []
    validate(document)  # the validator's own entry point, which picks the version itself


def test_operation_ids_are_unique_and_named(base):
    document = requests.get(f"{base}/api/openapi.json", timeout=30).json()
    ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(ids) == len(set(ids)), sorted(ids)
    assert not {"create", "handler", "list", "revoke"} & set(ids)
