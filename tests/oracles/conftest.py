"""Shared fixtures: the `priemna` binary under test."""
import os
import subprocess

import pytest


@pytest.fixture(scope="session")
def priemna():
    binary = os.environ.get("PRIEMNA_BIN", "target/debug/priemna")
    assert os.path.exists(binary), f"build priemna first ({binary} missing)"

    def run(*args, stdin=None):
        return subprocess.run(
            [binary, *args], input=stdin, capture_output=True, text=True, timeout=120
        )

    return run
