"""The server under test: `scripts/interop` starts `priemna serve --demo` and passes its address,
two API keys and the staff's password in the environment."""
import os

import pytest
import requests


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.skip(f"{name} is not set: run scripts/interop")
    return value


@pytest.fixture(scope="session")
def base():
    return _env("PRIEMNA_URL").rstrip("/")


@pytest.fixture(scope="session")
def open311(base):
    return f"{base}/open311/v2"


@pytest.fixture(scope="session")
def api_key():
    return _env("PRIEMNA_API_KEY")


@pytest.fixture(scope="session")
def token_api_key():
    return _env("PRIEMNA_TOKEN_API_KEY")


@pytest.fixture(scope="session")
def staff_token(base):
    """Signs in as a member of staff (created by scripts/interop) and returns the bearer token."""

    def sign_in(username):
        response = requests.post(
            f"{base}/api/v1/auth/login",
            json={"username": username, "password": _env("PRIEMNA_STAFF_PASSWORD")},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()["token"]

    return sign_in
