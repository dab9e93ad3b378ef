"""deltacpp's public API has the shape of deltalake 1.6.6's, name for name.

What the tests prove:

- Every name deltalake exports (its ``__all__``, and the public names of its submodules
  ``schema``, ``writer``, ``exceptions``, ``table``, ``transaction``) is in deltacpp under
  the same module path, except the gaps written down here, each with its reason; a gap that
  deltacpp fills makes the test fail, so the entry is removed (and the new name gets tests).
- ``DeltaTable``: deltalake's members deltacpp lacks are exactly DELTATABLE_GAPS, and
  deltacpp's members deltalake lacks are exactly DELTATABLE_EXTRAS. Each shared member is
  the same kind (method, property, staticmethod, classmethod), and a method's
  ``inspect.signature`` has the same parameter names, kinds and defaults (annotations are
  not compared), except the differences in SIGNATURE_DIFFERENCES, each with its reason.
- The same for ``write_deltalake``, the writer and commit property classes,
  ``Transaction``, the schema classes (``Schema``, ``Field``, ``PrimitiveType``, ...),
  ``Metadata`` and ``ProtocolVersions``, and for the instance attributes of the property
  classes.
- The exception classes exist in ``deltacpp.exceptions`` and subclass each other (and
  ``Exception``) as deltalake's do.
- ``TableFeatures`` has deltalake's members.
"""
import enum
import importlib
import inspect

import deltalake
import deltalake.exceptions
import deltalake.schema
import deltalake.table
import deltalake.transaction
import deltalake.writer
import pytest

import deltacpp
import deltacpp.exceptions
import deltacpp.schema
import deltacpp.table
import deltacpp.transaction
import deltacpp.writer

# Names in deltalake.__all__ that deltacpp does not have (python_package.md §1.5).
MODULE_GAPS = {
    "QueryBuilder": "DataFusion SQL over tables; not planned (DuckDB or polars read a "
                    "DeltaTable through __arrow_c_stream__ instead)",
    "convert_to_deltalake": "converting a Parquet folder to a table: later",
    "enable_nanosecond_timestamps": "a switch of delta-rs's Rust core",
    "init_tracing": "Rust tracing set-up",
    "rust_core_version": "the version of delta-rs's Rust core",
}

# Public names of deltalake's submodules that deltacpp's same submodule does not have.
SUBMODULE_GAPS = {
    "writer": {"convert_to_deltalake": MODULE_GAPS["convert_to_deltalake"]},
    "table": {
        "TableAlterer": "DeltaTable.alter: later (one issue per operation)",
        "DeltaTableConfig": "DeltaTable.table_config: not planned",
    },
    "transaction": {
        "AddAction": "create_write_transaction: not planned",
        "create_table_with_add_actions": "create_write_transaction: not planned",
    },
}

# deltalake.DeltaTable members that deltacpp's lacks: operations still to come (one issue
# each) and delta-rs internals (python_package.md §1.1).
DELTATABLE_GAPS = {
    "alter": "later: ALTER TABLE operations",
    "restore": "later",
    "compact_logs": "not planned: delta-rs log compaction",
    "create_write_transaction": "not planned: commits of files written by the caller",
    "deletion_vectors": "not planned: delta-rs's view of the deletion vectors",
    "generate": "not planned: symlink manifest generation",
    "repair": "not planned: FSCK REPAIR",
    "table_config": "not planned: delta-rs's table configuration object",
    "__datafusion_table_provider__": "not planned: DataFusion integration",
}

# deltacpp.DeltaTable members that deltalake's lacks, each with why.
DELTATABLE_EXTRAS = {
    "files": "removed in deltalake 1.0 but used by its docs' first example",
    "load_version": "removed in deltalake 1.0, still in its docs: deprecated alias",
    "load_with_datetime": "removed in deltalake 1.0, still in its docs: deprecated alias",
    "__arrow_c_stream__": "pyarrow.table(dt), polars.from_arrow(dt) and DuckDB read it",
}

# (owner, member) -> why the signature differs from deltalake's.
SIGNATURE_DIFFERENCES = {
    ("Metadata", "__init__"): "built from the snapshot's metadata by DeltaTable.metadata(), "
                              "not from delta-rs's RawDeltaTable; users never call it",
}

# Special methods compared besides the public ones.
DUNDERS = ("__init__", "__arrow_c_stream__", "__datafusion_table_provider__")


def _public(owner) -> set[str]:
    return {n for n in dir(owner) if not n.startswith("_") or n in DUNDERS}


def _default(value):
    # deltalake marks some defaults with a sentinel that shows the value but tells an
    # omitted argument from a passed one (deltalake.table._KeywordArgDefault).
    if type(value).__name__ == "_KeywordArgDefault":
        return value.value
    return value


def _parameters(function) -> list[tuple]:
    """(name, kind, default) of each parameter, without a method's self/cls."""
    parameters = list(inspect.signature(function).parameters.values())
    if parameters and parameters[0].name in ("self", "cls"):
        parameters = parameters[1:]
    return [(p.name, p.kind.name, _default(p.default)) for p in parameters]


def _kind(owner, name: str) -> str:
    """What a class member is; deltalake's PyO3 classes use C descriptors for what Python
    writes as functions and properties."""
    member = inspect.getattr_static(owner, name)
    if isinstance(member, staticmethod):
        return "staticmethod"
    if isinstance(member, classmethod):
        return "classmethod"
    if isinstance(member, property) or inspect.isgetsetdescriptor(member):
        return "property"
    if inspect.isfunction(member) or inspect.ismethoddescriptor(member):
        return "method"
    if isinstance(member, enum.Enum) or type(member) is owner:
        return "member"
    return type(member).__name__


def _compare_members(ours_class, theirs_class, owner: str, names) -> list[str]:
    problems = []
    for name in sorted(names):
        kinds = _kind(ours_class, name), _kind(theirs_class, name)
        if kinds[0] != kinds[1]:
            problems.append(f"{owner}.{name} is a {kinds[0]}, deltalake's a {kinds[1]}")
            continue
        if kinds[0] in ("property", "member") or (owner, name) in SIGNATURE_DIFFERENCES:
            continue
        ours = _parameters(getattr(ours_class, name))
        theirs = _parameters(getattr(theirs_class, name))
        if ours != theirs:
            problems.append(f"{owner}.{name}{inspect.signature(getattr(ours_class, name))} "
                            f"!= deltalake's {inspect.signature(getattr(theirs_class, name))}")
    return problems


# --- Modules


def test_top_level_names():
    theirs = set(deltalake.__all__)
    assert sorted(theirs & set(MODULE_GAPS)) == sorted(MODULE_GAPS), \
        "a gap is no longer in deltalake.__all__"
    missing = sorted(n for n in theirs - set(MODULE_GAPS) if not hasattr(deltacpp, n))
    assert not missing, f"deltalake exports these and deltacpp does not: {missing}"
    assert sorted(theirs - set(MODULE_GAPS) - set(deltacpp.__all__)) == []
    filled = sorted(n for n in MODULE_GAPS if hasattr(deltacpp, n))
    assert not filled, f"deltacpp now has {filled}: remove them from MODULE_GAPS, test them"


def _submodule_names(module) -> set[str]:
    if hasattr(module, "__all__"):
        return set(module.__all__)
    # table and transaction have no __all__: the classes and functions defined there, and
    # those deltalake's docs import from there.
    return {n for n, v in vars(module).items()
            if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__}


@pytest.mark.parametrize("name", ["schema", "writer", "exceptions", "table", "transaction"])
def test_submodule_names(name):
    theirs = importlib.import_module(f"deltalake.{name}")
    ours = importlib.import_module(f"deltacpp.{name}")
    gaps = SUBMODULE_GAPS.get(name, {})
    expected = _submodule_names(theirs)
    assert set(gaps) <= expected, "a gap is no longer in deltalake"
    missing = sorted(n for n in expected - set(gaps) if not hasattr(ours, n))
    assert not missing, f"deltalake.{name} has these, deltacpp.{name} not: {missing}"
    filled = sorted(n for n in gaps if hasattr(ours, n))
    assert not filled, f"deltacpp.{name} now has {filled}: remove them from SUBMODULE_GAPS"


def test_submodule_classes_are_the_top_level_ones():
    assert deltacpp.table.DeltaTable is deltacpp.DeltaTable
    assert deltacpp.table.Metadata is deltacpp.Metadata
    assert deltacpp.schema.Schema is deltacpp.Schema
    assert deltacpp.writer.write_deltalake is deltacpp.write_deltalake
    assert deltacpp.transaction.CommitProperties is deltacpp.CommitProperties
    assert deltacpp.exceptions.DeltaError is deltacpp.DeltaError


# --- DeltaTable


def test_deltatable_gaps_and_extras_are_the_written_ones():
    ours, theirs = _public(deltacpp.DeltaTable), _public(deltalake.DeltaTable)
    assert sorted(theirs - ours) == sorted(DELTATABLE_GAPS), (
        "deltalake.DeltaTable members deltacpp lacks differ from DELTATABLE_GAPS: a new "
        "method needs its signature and tests, and its entry removed")
    assert sorted(ours - theirs) == sorted(DELTATABLE_EXTRAS)


def test_deltatable_signatures():
    shared = _public(deltacpp.DeltaTable) & _public(deltalake.DeltaTable)
    problems = _compare_members(deltacpp.DeltaTable, deltalake.DeltaTable, "DeltaTable",
                                shared)
    assert not problems, "\n".join(problems)


def test_signature_differences_still_differ():
    owners = {"DeltaTable": (deltacpp.DeltaTable, deltalake.DeltaTable),
              "Metadata": (deltacpp.Metadata, deltalake.Metadata)}
    for owner, name in SIGNATURE_DIFFERENCES:
        ours, theirs = owners[owner]
        assert (_parameters(getattr(ours, name)) != _parameters(getattr(theirs, name))), (
            f"{owner}.{name} now matches deltalake: remove it from SIGNATURE_DIFFERENCES")


# --- Functions and classes


@pytest.mark.parametrize("name", ["write_deltalake", "WriterProperties", "ColumnProperties",
                                  "BloomFilterProperties", "CommitProperties",
                                  "PostCommitHookProperties", "Transaction"])
def test_constructor_and_function_signatures(name):
    assert _parameters(getattr(deltacpp, name)) == _parameters(getattr(deltalake, name))


# Arguments that make an instance of each property class (deltalake's need some).
INSTANCE_ARGUMENTS = {
    "WriterProperties": ((), {}),
    "ColumnProperties": ((), {}),
    "BloomFilterProperties": ((True,), {}),
    "CommitProperties": ((), {}),
    "PostCommitHookProperties": ((), {}),
    "Transaction": (("app", 1), {}),
}


# Instance attributes deltacpp's property classes have and deltalake's do not.
ATTRIBUTE_EXTRAS = {
    "WriterProperties": {
        "compression_level": "deltalake folds the level into compression ('ZSTD(3)'); "
                             "deltacpp keeps the two arguments as given ('ZSTD', 3)",
    },
}


@pytest.mark.parametrize("name", sorted(INSTANCE_ARGUMENTS))
def test_property_class_attributes(name):
    args, kwargs = INSTANCE_ARGUMENTS[name]
    ours = getattr(deltacpp, name)(*args, **kwargs)
    theirs = getattr(deltalake, name)(*args, **kwargs)

    def attributes(value):
        return {n for n in dir(value) if not n.startswith("_")}

    assert attributes(ours) - attributes(theirs) == set(ATTRIBUTE_EXTRAS.get(name, {}))
    assert attributes(theirs) <= attributes(ours)


SCHEMA_CLASSES = ["Schema", "Field", "PrimitiveType", "ArrayType", "MapType", "StructType",
                  "VariantType"]


@pytest.mark.parametrize("name", SCHEMA_CLASSES)
def test_schema_class_signatures(name):
    ours = getattr(deltacpp.schema, name)
    theirs = getattr(deltalake.schema, name)
    assert _parameters(ours) == _parameters(theirs), "constructor"
    names = {n for n in dir(theirs) if not n.startswith("_")}
    assert {n for n in dir(ours) if not n.startswith("_")} >= names
    problems = _compare_members(ours, theirs, name, names)
    assert not problems, "\n".join(problems)


def test_schema_class_relations():
    for a in SCHEMA_CLASSES:
        for b in SCHEMA_CLASSES:
            assert (issubclass(getattr(deltacpp.schema, a), getattr(deltacpp.schema, b))
                    == issubclass(getattr(deltalake.schema, a),
                                  getattr(deltalake.schema, b))), (a, b)
    assert deltacpp.DataType == deltalake.DataType or (
        {t.__forward_arg__ for t in deltacpp.DataType.__args__}
        == {t.__forward_arg__ for t in deltalake.DataType.__args__})


def test_metadata_and_protocol_versions():
    names = {n for n in dir(deltalake.Metadata) if not n.startswith("_")}
    assert {n for n in dir(deltacpp.Metadata) if not n.startswith("_")} == names
    problems = _compare_members(deltacpp.Metadata, deltalake.Metadata, "Metadata",
                                names | {"__init__"})
    assert not problems, "\n".join(problems)
    assert deltacpp.table.ProtocolVersions._fields == deltalake.table.ProtocolVersions._fields


def test_table_optimizer_signatures():
    names = {n for n in dir(deltalake.table.TableOptimizer) if not n.startswith("_")}
    assert {n for n in dir(deltacpp.table.TableOptimizer) if not n.startswith("_")} == names
    problems = _compare_members(deltacpp.table.TableOptimizer, deltalake.table.TableOptimizer,
                                "TableOptimizer", names | {"__init__"})
    assert not problems, "\n".join(problems)


def test_table_features():
    def members(features):
        return {n for n in dir(features) if not n.startswith("_")}

    assert members(deltacpp.TableFeatures) == members(deltalake.TableFeatures)


# --- Exceptions


EXCEPTIONS = deltalake.exceptions.__all__


def test_exception_classes_exist():
    for name in EXCEPTIONS:
        ours = getattr(deltacpp.exceptions, name)
        assert isinstance(ours, type) and issubclass(ours, Exception), name
        assert getattr(deltacpp, name) is ours, name


@pytest.mark.parametrize("name", EXCEPTIONS)
def test_exception_relations(name):
    ours = getattr(deltacpp.exceptions, name)
    theirs = getattr(deltalake.exceptions, name)
    for other in EXCEPTIONS:
        assert (issubclass(ours, getattr(deltacpp.exceptions, other))
                == issubclass(theirs, getattr(deltalake.exceptions, other))), other
    for builtin in (Exception, ValueError, OSError, RuntimeError, NotImplementedError):
        assert issubclass(ours, builtin) == issubclass(theirs, builtin), builtin


# --- Deprecated call forms the signatures keep


def test_create_takes_positional_commit_arguments_with_a_warning(tmp_path):
    import pyarrow as pa

    schema = pa.schema([("a", pa.int64())])
    for library in (deltalake, deltacpp):
        path = str(tmp_path / library.__name__)
        properties = library.CommitProperties(custom_metadata={"origin": "test"})
        with pytest.warns(DeprecationWarning):
            library.DeltaTable.create(path, schema, "error", None, None, None, None, None,
                                      properties)
        assert library.DeltaTable(path).history()[0]["origin"] == "test"
