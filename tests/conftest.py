"""Shared pytest set-up: where the deltacpp binary and the test tables are, and numpy.

pandas, polars and numpy live apart from the venv's site-packages (.venv/dataframe-packages,
see scripts/requirements/dataframes.txt), so that the benchmarked Python engines start
without numpy. The tests need them, and pyarrow decides once, when it is first imported,
whether numpy is there: so the folder goes on the path here, before any test module
imports pyarrow.
"""
import os
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
DATAFRAME_PACKAGES = pathlib.Path(sys.prefix) / "dataframe-packages"
if DATAFRAME_PACKAGES.is_dir() and str(DATAFRAME_PACKAGES) not in sys.path:
    sys.path.insert(1, str(DATAFRAME_PACKAGES))

import pytest  # noqa: E402


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
