"""A client generated from /api/openapi.json by a generator we did not write
(openapi-python-client, from PyPI) registers a case and tracks it: the document is good enough
for a third party to build a working client from, with no hand-written code."""
import importlib
import json
import os
import subprocess
import sys

import pytest
import requests


@pytest.fixture(scope="module")
def client_package(base, tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    document = folder / "openapi.json"
    document.write_bytes(requests.get(f"{base}/api/openapi.json", timeout=30).content)
    # PDFs are files to this generator only when it is told so, and the generated code is not
    # formatted (no ruff); with that, any warning (a part of the document it cannot read, and
    # would leave out of the client) fails the test.
    config = folder / "config.json"
    config.write_text(json.dumps({
        "content_type_overrides": {"application/pdf": "application/octet-stream"},
        "post_hooks": [],
    }))
    generator = os.path.join(os.path.dirname(sys.executable), "openapi-python-client")
    generated = subprocess.run(
        [generator, "generate", "--path", str(document), "--config", str(config), "--meta", "none",
         "--output-path", str(folder / "priemna_client"), "--fail-on-warning"],
        capture_output=True, text=True,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("priemna_client")
    finally:
        sys.path.remove(str(folder))


def test_a_generated_client_registers_and_tracks_a_case(base, client_package):
    from priemna_client import Client
    from priemna_client.api.citizens import register_submission, track
    from priemna_client.models import (
        Channel, CitizenCase, Kind, Receipt, Status, SubmissionRequest, SubmitterRequest,
    )

    client = Client(base_url=base, raise_on_unexpected_status=True, timeout=30)
    request = SubmissionRequest(
        kind=Kind.PROPOSAL,
        channel=Channel.WEB,
        subject="Пейка в парка (генериран клиент)",
        body="Предлагам пейка до детската площадка.",
        submitter=SubmitterRequest(name="Иван Петров", email="ivan.petrov@example.com"),
        consent=True,
    )
    registered = register_submission.sync_detailed(client=client, body=request)
    assert registered.status_code == 201, registered.content
    receipt = registered.parsed
    assert isinstance(receipt, Receipt)
    assert receipt.status == Status.REGISTERED
    assert receipt.number and receipt.tracking_code

    tracked = track.sync_detailed(receipt.number, client=client, tracking_code=receipt.tracking_code)
    assert tracked.status_code == 200, tracked.content
    case = tracked.parsed
    assert isinstance(case, CitizenCase)
    assert case.number == receipt.number
    assert case.status == Status.REGISTERED
    assert case.kind == Kind.PROPOSAL

    # A wrong tracking code is the documented 404, parsed into the documented error.
    refused = track.sync_detailed(receipt.number, client=client, tracking_code="wrong-code")
    assert refused.status_code == 404
    assert refused.parsed.error.code == "not_found"
