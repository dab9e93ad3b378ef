"""Shared pytest set-up: where the deltacpp binary and the test tables are."""
import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def deltacpp_bin() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("DELTACPP_BIN", REPO / "build/dev/src/deltacpp/cli/deltacpp"))
    if not path.exists():
        pytest.fail(f"deltacpp binary not found at {path}: build first (scripts/test.sh does)")
    return path


@pytest.fixture(scope="session")
def testdata() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("DELTACPP_TESTDATA_DIR", REPO.parent / "shared/testdata"))
    if not path.is_dir():
        pytest.fail(f"test tables not found at {path} (set DELTACPP_TESTDATA_DIR)")
    return path
