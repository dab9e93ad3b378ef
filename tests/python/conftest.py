"""Set-up of the Python package's tests: which deltacpp to import, and the data frames.

The package is imported from the build tree (build/dev/python, where the build links the
repository's .py files beside the compiled _core), unless DELTACPP_PYTHON_PATH names
another folder (e.g. build/release/python, or an install made with pip --target).
pandas, polars and numpy are put on the path by tests/conftest.py.
"""
import os
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
PACKAGE_PATH = pathlib.Path(os.environ.get("DELTACPP_PYTHON_PATH", REPO / "build/dev/python"))

if not (PACKAGE_PATH / "deltacpp").is_dir():
    raise RuntimeError(
        f"no deltacpp package at {PACKAGE_PATH}: build first (cmake --build --preset dev), "
        "or set DELTACPP_PYTHON_PATH"
    )
sys.path.insert(0, str(PACKAGE_PATH))
