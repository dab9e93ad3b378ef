"""The package as a whole: its version, its public names, and the type stub of _core.

The stub (python/deltacpp/_core.pyi) is generated from the compiled module by nanobind's
stubgen; this test regenerates it and fails when the committed one is stale.
"""
import pathlib
import re
import subprocess
import sys
import typing

import deltacpp
from conftest import PACKAGE_PATH, REPO


def test_version_is_the_projects():
    cmake = (REPO / "CMakeLists.txt").read_text()
    assert deltacpp.__version__ == re.search(r"project\(deltacpp VERSION ([0-9.]+)", cmake)[1]


def test_every_public_name_exists_and_is_documented():
    for name in deltacpp.__all__:
        value = getattr(deltacpp, name)
        if name == "__version__" or typing.get_origin(value) is typing.Union:
            continue  # a string, and DataType, a typing alias (documented in schema.py)
        assert getattr(value, "__doc__", None), f"deltacpp.{name} has no docstring"


def test_submodules_are_deltalakes():
    import deltacpp.exceptions
    import deltacpp.schema
    import deltacpp.table
    import deltacpp.transaction
    import deltacpp.writer

    assert deltacpp.table.DeltaTable is deltacpp.DeltaTable
    assert issubclass(deltacpp.exceptions.TableNotFoundError, deltacpp.exceptions.DeltaError)


def test_core_stub_is_current(tmp_path: pathlib.Path):
    generated = tmp_path / "_core.pyi"
    subprocess.run(
        [sys.executable, "-m", "nanobind.stubgen", "-q", "-m", "deltacpp._core", "-o",
         str(generated)],
        check=True, cwd=tmp_path, env={"PYTHONPATH": str(PACKAGE_PATH)})
    committed = REPO / "python/deltacpp/_core.pyi"
    assert generated.read_text() == committed.read_text(), (
        "python/deltacpp/_core.pyi is stale: regenerate it with PYTHONPATH=build/dev/python "
        ".venv/bin/python -m nanobind.stubgen -m deltacpp._core -o python/deltacpp/_core.pyi")


def test_core_errors_become_the_packages_exceptions(tmp_path: pathlib.Path):
    import pyarrow as pa

    with_no_table = tmp_path / "empty"
    with_no_table.mkdir()
    try:
        deltacpp.DeltaTable(with_no_table)
    except deltacpp.TableNotFoundError as error:
        assert str(with_no_table) in str(error)
    else:
        raise AssertionError("no TableNotFoundError")
    deltacpp.write_deltalake(tmp_path / "t", pa.table({"id": [1]}))
    try:
        deltacpp.write_deltalake(tmp_path / "t", pa.table({"id": ["x"]}), mode="append")
    except deltacpp.SchemaMismatchError as error:
        assert "column 'id'" in str(error)
    else:
        raise AssertionError("no SchemaMismatchError")
