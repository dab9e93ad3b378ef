"""deltacpp.schema behaves as deltalake 1.6.6's deltalake.schema.

What the tests prove:

- test_table_schema_matches_deltalake (one test per table in the testdata folder that
  deltalake opens): for the table's schema JSON as deltalake gives it, ``Schema.from_json``
  gives deltalake's ``repr``, ``to_json`` (as parsed JSON), ``invariants``, and
  ``to_arrow()`` / ``to_arrow(as_large_types=True)`` equal to deltalake's (converted with
  ``pyarrow.schema``), field metadata included. ``Schema.from_arrow(to_arrow())`` gives
  the schema back with the metadata as Arrow carries it (strings), as deltalake's does,
  except where deltalake is deliberately not followed (DELIBERATE DIFFERENCES below).
- test_schema_string_round_trips: every ``schemaString`` in the tables' commits comes
  back from ``Schema.from_json(s).to_json()`` as the same JSON text (once made compact),
  metadata key order included.
- test_same_as_deltalake: a list of expressions (constructors from type names, defaults,
  properties, ``to_json``/``from_json``, ``from_arrow``, equality, nested types, metadata
  conversion, invariants, errors) evaluated with both modules give the same ``repr``, or
  the same exception class and message (without serde's " at line L column C").
- Arrow objects from every type (``to_arrow`` and ``__arrow_c_schema__``) equal
  deltalake's, metadata included; ``as_large_types`` reaches nested types.
- Errors: bad JSON and unknown types raise ValueError, non-struct JSON for a Schema
  TypeError, Arrow types a Delta table cannot store deltacpp's DeltaError.

DELIBERATE DIFFERENCES from deltalake, asserted as ours:

- ``to_arrow`` returns pyarrow objects, deltalake arro3 ones (they convert losslessly).
- Arrow to Delta goes through the C++ core: ``struct<metadata: binary not null, value:
  binary not null>`` reads as VariantType (deltalake: a StructType, so its from_arrow
  loses the variant), and unsigned integers, float16, time, null (deltalake: byte ...
  long, void) raise DeltaError, since deltacpp does not write them to tables.
- Delta to Arrow goes through the C++ core, which maps neither ``void`` nor
  ``timestamp_nanos`` (deltalake: null, timestamp[ns, UTC]); both are accepted as type
  names, as by deltalake, but ``to_arrow`` raises DeltaError.
- Metadata keys keep their order (deltalake's follow a hash map), and from_json keeps
  integers exact (deltalake turns those beyond 64 bits into floats).
- Duplicate field names raise ValueError (deltalake: SchemaMismatchError from Schema, a
  Rust panic from StructType); schema.py imports no deltacpp module but _load.
- Error messages of the JSON parser are Python's (json.JSONDecodeError, a ValueError).
"""
import copy
import json
import os
import pathlib
import re
import warnings

import deltalake
import deltalake.exceptions
import deltalake.schema as dl
import pyarrow as pa
import pytest

import deltacpp.schema as ds
from deltacpp.exceptions import DeltaError

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
TESTDATA = pathlib.Path(os.environ.get("DELTACPP_TESTDATA_DIR", REPO.parent / "shared/testdata"))
VARIANT_STORAGE = {
    "type": "struct",
    "fields": [
        {"name": "metadata", "type": "binary", "nullable": False, "metadata": {}},
        {"name": "value", "type": "binary", "nullable": False, "metadata": {}},
    ],
}
# Field metadata that deltalake (delta-kernel) leaves out of Arrow fields.
NOT_IN_ARROW = {"delta.columnMapping.nested.ids", "parquet.field.id"}


def _tables():
    if not TESTDATA.is_dir():
        return []
    return sorted(path.parent for path in TESTDATA.rglob("_delta_log") if path.is_dir())


TABLES = _tables()


def _table_id(path):
    return str(path.relative_to(TESTDATA))


def _deltalake_schema(path):
    try:
        return deltalake.DeltaTable(str(path)).schema()
    except Exception as error:  # deltalake cannot open some of the corrupt tables
        pytest.skip(f"deltalake cannot open the table: {str(error)[:120]}")


def _map_fields(value, field_fn):
    """Applies field_fn to every field dict of a schema JSON value, nested ones too."""
    if isinstance(value, dict):
        if value.get("type") == "struct":
            for field in value["fields"]:
                field_fn(field)
                _map_fields(field["type"], field_fn)
        elif value.get("type") == "array":
            _map_fields(value["elementType"], field_fn)
        elif value.get("type") == "map":
            _map_fields(value["keyType"], field_fn)
            _map_fields(value["valueType"], field_fn)


def _as_arrow_carries_metadata(schema_json):
    """The schema JSON with field metadata as it comes back from Arrow: strings."""
    value = json.loads(schema_json)

    def convert(field):
        field["metadata"] = {
            key: item if isinstance(item, str) else json.dumps(item, separators=(",", ":"))
            for key, item in field["metadata"].items()
            if key not in NOT_IN_ARROW
        }

    _map_fields(value, convert)
    return value


def _variant_storage_as_variant(value):
    """deltalake reads the variant's Arrow type as a struct; we read it as a variant."""
    if value == VARIANT_STORAGE:
        return "variant"
    if isinstance(value, dict):
        return {key: _variant_storage_as_variant(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_variant_storage_as_variant(item) for item in value]
    return value


@pytest.mark.parametrize("path", TABLES, ids=_table_id)
def test_table_schema_matches_deltalake(path):
    theirs = _deltalake_schema(path)
    text = theirs.to_json()
    ours = ds.Schema.from_json(text)

    # deltalake's repr and to_json list metadata in its hash map's order, the same in
    # both; from its to_json we keep that order, so even the text of repr is equal.
    assert repr(ours) == repr(theirs)
    assert json.loads(ours.to_json()) == json.loads(text)
    assert ours.to_json() == text
    assert ours.invariants == theirs.invariants
    assert ours == ds.Schema.from_json(ours.to_json())

    arrow = ours.to_arrow()
    assert isinstance(arrow, pa.Schema)
    assert arrow.equals(pa.schema(theirs.to_arrow()), check_metadata=True)
    large = ours.to_arrow(as_large_types=True)
    assert large.equals(pa.schema(theirs.to_arrow(as_large_types=True)), check_metadata=True)
    assert pa.schema(ours).equals(arrow, check_metadata=True)

    back = ds.Schema.from_arrow(arrow)
    assert json.loads(back.to_json()) == _as_arrow_carries_metadata(text)
    assert ds.Schema.from_arrow(large) == back
    # deltalake's own round trip, but for the variant (see the module's docstring).
    theirs_back = json.loads(dl.Schema.from_arrow(theirs.to_arrow()).to_json())
    assert json.loads(back.to_json()) == _variant_storage_as_variant(theirs_back)


def _schema_strings():
    """Every distinct schemaString in the commits of the tables."""
    found = {}
    for table in TABLES:
        for commit in sorted((table / "_delta_log").glob("*.json")):
            try:
                lines = commit.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                continue
            for line in lines:
                try:
                    action = json.loads(line)
                except ValueError:
                    continue
                metadata = action.get("metaData") if isinstance(action, dict) else None
                if isinstance(metadata, dict) and isinstance(metadata.get("schemaString"), str):
                    found.setdefault(metadata["schemaString"], f"{_table_id(commit)}")
    return sorted(found.items(), key=lambda item: item[1])


SCHEMA_STRINGS = _schema_strings()


@pytest.mark.parametrize(
    "schema_string", [s for s, _ in SCHEMA_STRINGS], ids=[where for _, where in SCHEMA_STRINGS]
)
def test_schema_string_round_trips(schema_string):
    try:
        value = json.loads(schema_string)
        theirs = dl.Schema.from_json(schema_string)
    except Exception:
        value = theirs = None
    if theirs is None:
        with pytest.raises((ValueError, TypeError)):
            ds.Schema.from_json(schema_string)
        return
    ours = ds.Schema.from_json(schema_string)
    assert ours.to_json() == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert ours == ds.Schema.from_json(ours.to_json())
    assert json.loads(ours.to_json()) == json.loads(theirs.to_json())


INVARIANT = '{"expression": {"expression": "x > 3"}}'
CHECK = {"delta.invariants": INVARIANT}

# Python expressions, evaluated with the names of deltalake.schema and of
# deltacpp.schema (and pa). Multi-key metadata is left out: deltalake orders it by hash.
SAME_AS_DELTALAKE = r"""
PrimitiveType("integer")
PrimitiveType(data_type="long")
PrimitiveType("int")
PrimitiveType("decimal(10,2)")
PrimitiveType("decimal(10, 2)")
PrimitiveType("decimal( 10 , 2 )")
PrimitiveType("decimal(+10,02)")
PrimitiveType("decimal(38,38)")
PrimitiveType("decimal(39,2)")
PrimitiveType("decimal(5,6)")
PrimitiveType("decimal(1,1)")
PrimitiveType("decimal(0,0)")
PrimitiveType("decimal(10)")
PrimitiveType("decimal")
PrimitiveType("decimal(10,2) ")
PrimitiveType("DECIMAL(10,2)")
PrimitiveType("Long")
PrimitiveType(" long")
PrimitiveType("timestamp_ntz")
PrimitiveType("timestamp_nanos")
PrimitiveType("void")
PrimitiveType("variant")
PrimitiveType(1)
PrimitiveType("integer").type
PrimitiveType("decimal(10, 2)").type
PrimitiveType("decimal(10, 2)").to_json()
str(PrimitiveType("integer"))
PrimitiveType.from_json('"integer"')
PrimitiveType.from_json('"inte"')
PrimitiveType.from_json('"timestamp_nanos"')
PrimitiveType.from_json('"decimal(10, 2)"')
PrimitiveType.from_json('"decimal(5,6)"')
PrimitiveType.from_json('"decimal(0,0)"')
PrimitiveType.from_json('"decimal(38,39)"')
PrimitiveType.from_json('"decimal(10)"')
PrimitiveType.from_json('"decimal"')
PrimitiveType.from_json('"variant"')
PrimitiveType.from_json('{"type":"array","elementType":"integer","containsNull":true}')
PrimitiveType.from_json(b'"integer"')
PrimitiveType("integer") == PrimitiveType("integer")
PrimitiveType("integer") == PrimitiveType("long")
PrimitiveType("integer") != PrimitiveType("long")
PrimitiveType("integer") == "integer"
PrimitiveType("integer") == ArrayType("integer")
PrimitiveType("integer").__eq__(1)
PrimitiveType.from_arrow(pa.int32())
PrimitiveType.from_arrow(pa.field("x", pa.int64()))
PrimitiveType.from_arrow(pa.large_string())
PrimitiveType.from_arrow(pa.string_view())
PrimitiveType.from_arrow(pa.decimal128(7, 3))
PrimitiveType.from_arrow(pa.timestamp("us"))
PrimitiveType.from_arrow(pa.timestamp("us", "UTC"))
PrimitiveType.from_arrow(pa.dictionary(pa.int8(), pa.string()))
PrimitiveType.from_arrow(pa.list_(pa.int32()))
PrimitiveType.from_arrow(1)
ArrayType("integer")
ArrayType("integer", False)
ArrayType(element_type="integer", contains_null=False)
ArrayType(ArrayType("string"))
ArrayType(StructType([Field("a", "integer")]))
ArrayType(Schema([Field("a", "integer")]))
ArrayType(MapType("string", VariantType()))
ArrayType("intx")
ArrayType(1)
ArrayType(None)
ArrayType("integer", 1)
ArrayType("integer", None)
ArrayType("integer").type
ArrayType("integer").element_type
ArrayType("integer", False).contains_null
ArrayType("integer", contains_null=False).to_json()
ArrayType.from_json('{"type":"array","elementType":"integer","containsNull":false}')
ArrayType.from_json('{"type":"array","elementType":"integer"}')
ArrayType.from_json('{"type":"array","containsNull":true}')
ArrayType.from_json('{"type":"array","elementType":"integer","containsNull":null}')
ArrayType.from_json('{"type":"array","elementType":"integer","containsNull":false,"x":1}')
ArrayType.from_json('"integer"')
ArrayType.from_arrow(pa.list_(pa.int32()))
ArrayType.from_arrow(pa.large_list(pa.field("element", pa.string(), False)))
ArrayType.from_arrow(pa.int32())
ArrayType("integer") == ArrayType("integer")
ArrayType("integer") == ArrayType("integer", False)
ArrayType("integer") == ArrayType("long")
MapType("integer", "string")
MapType("integer", "string", False)
MapType(key_type="integer", value_type="long", value_contains_null=False)
MapType("integer", MapType("string", "long"))
MapType(1, "x")
MapType("integer", 1)
MapType("integer", "long", 0)
MapType("integer", "string").type
MapType("integer", "string").key_type
MapType("integer", "string").value_type
MapType("integer", "string", False).value_contains_null
MapType("integer", "string").to_json()
MapType.from_json('{"type":"map","keyType":"integer","valueType":"long","valueContainsNull":false}')
MapType.from_json('{"type":"map","keyType":"integer","valueType":"long"}')
MapType.from_json('{"type":"map","keyType":"integer"}')
MapType.from_json('"integer"')
MapType.from_arrow(pa.map_(pa.int32(), pa.string()))
MapType.from_arrow(pa.map_(pa.string(), pa.list_(pa.int64())))
MapType.from_arrow(pa.int32())
MapType("integer", "long") == MapType("integer", "long")
MapType("integer", "long") == MapType("integer", "long", False)
MapType("integer", "long") == MapType("long", "long")
StructType([Field("a", "integer")])
StructType([])
StructType((Field("a", "integer"),))
StructType(["a"])
StructType("ab")
StructType(Field("a", "integer"))
StructType(None)
StructType(f for f in [])
StructType([Field("a", "integer")]).type
StructType([Field("a", "integer")]).fields
StructType([Field("a", "integer"), Field("b", "string")]).to_json()
StructType.from_json(
    '{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}}]}')
StructType.from_json('{"type":"struct","fields":{}}')
StructType.from_json('{"type":"struct","fields":[1]}')
StructType.from_json('{"type":"struct"}')
StructType.from_json('[]')
StructType.from_json('{"type":1}')
StructType.from_json('null')
StructType.from_json('"integer"')
StructType.from_arrow(pa.struct([("a", pa.int32())]))
StructType.from_arrow(pa.schema([("a", pa.int32())]))
StructType([Field("a", "integer")]) == StructType([Field("a", "integer")])
StructType([Field("a", "integer")]) == StructType([Field("a", "long")])
StructType([Field("a", "integer")]) == Schema([Field("a", "integer")])
Schema([Field("a", "integer")]) == StructType([Field("a", "integer")])
VariantType()
VariantType().type
VariantType().to_json()
VariantType.from_json('"variant"')
VariantType.from_json('"integer"')
VariantType() == VariantType()
VariantType() == PrimitiveType("binary")
Field("a", "integer")
Field("a", "integer", False)
Field(name="a", type="integer", nullable=False, metadata={})
Field("a", "integer", metadata={"x": 1})
Field("a", "integer", metadata={"x": {"y": [1, 2.5, None, True, "s"]}})
Field("a", "integer", metadata={"x": [1, 2]})
Field("a", "integer", metadata={"x": (1, 2)})
Field("a", "integer", metadata={"x": 1.5})
Field("a", "integer", metadata={"x": 1.0})
Field("a", "integer", metadata={"x": True})
Field("a", "integer", metadata={"x": None})
Field("a", "integer", metadata={"x": "s"})
Field("a", "integer", metadata={"x": -3})
Field("a", "integer", metadata={"x": 2**63 - 1})
Field("a", "integer", metadata={"x": 2**63})
Field("a", "integer", metadata={"x": 2**64 - 1})
Field("a", "integer", metadata={"x": 2**64})
Field("a", "integer", metadata={"x": -2**63})
Field("a", "integer", metadata={"x": -2**63 - 1})
Field("a", "integer", metadata={1: 2})
Field("a", "integer", metadata={(1, 2): 2})
Field("a", "integer", metadata={"x": object()})
Field("a", "integer", metadata=[("x", 1)])
Field("a", "integer", metadata=None)
Field("a", "integer", metadata={"x": 1}).metadata
Field("a", "integer").metadata
Field("a", "integer", metadata={"x": 1}).to_json()
Field("a", "integer", metadata={"x": {"a": 1}}).to_json()
Field("a", "array")
Field("a", "variant")
Field("a", 1)
Field("a", None)
Field(1, "integer")
Field("a", Field("b", "integer"))
Field("a", Schema([]))
Field("a", VariantType())
Field("a", "integer", 0)
Field("a", "integer", None)
Field('é"x', "integer")
Field('é"x\n', "integer").to_json()
Field("a", "integer").type
Field("a", "integer").name
Field("a", "integer", False).nullable
str(Field("a", "integer"))
Field("a", "integer") == Field("a", "integer")
Field("a", "integer") == Field("a", "integer", False)
Field("a", "integer") == Field("b", "integer")
Field("a", "integer") == Field("a", "long")
Field("a", "integer") == Field("a", "integer", metadata={"x": 1})
Field("a", "integer", metadata={"x": 1}) == Field("a", "integer", metadata={"x": "1"})
Field("a", "integer", metadata={"x": 1, "y": 2}) == Field("a", "integer", metadata={"y": 2, "x": 1})
Field("a", "integer") == 1
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":{"x":[1,2]}}')
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":{"x":1.5}}')
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":{"x":1e3}}')
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":{"x":null}}')
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":{"x":{"b":1,"a":[{}]}}}')
Field.from_json(
    '{"name":"a","type":"integer","nullable":true,"metadata":{"x":{"b":1,"a":[{}]}}}').to_json()
Field.from_json(
    '{"name":"a","type":"integer","nullable":true,"metadata":{"x":"\\u00e9\\n"}}').to_json()
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":{},"extra":1}')
Field.from_json('{"name":"a","type":"integer","nullable":true}')
Field.from_json('{"name":"a","type":"integer","metadata":{}}')
Field.from_json('{"type":"integer","nullable":true,"metadata":{}}')
Field.from_json('{"name":"a","nullable":true,"metadata":{}}')
Field.from_json('{"name":"a","type":"integer","nullable":1,"metadata":{}}')
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":[]}')
Field.from_json('{"name":"a","type":"integer","nullable":true,"metadata":null}')
Field.from_json('{"name":1,"type":"integer","nullable":true,"metadata":{}}')
Field.from_json('{"name":"a","type":{"type":"struct"},"nullable":true,"metadata":{}}')
Field.from_json('{"name":"a","type":{"type":"foo"},"nullable":true,"metadata":{}}')
Field.from_json('{"name":"a","type":{"type":"integer"},"nullable":true,"metadata":{}}')
Field.from_json('{"name":"a","type":1,"nullable":true,"metadata":{}}')
Field.from_json('{"name":"a","type":"variant","nullable":true,"metadata":{}}')
Field.from_json('"integer"')
Field.from_arrow(pa.field("a", pa.int32(), metadata={"x": "1"}))
Field.from_arrow(pa.field("a", pa.int32(), False))
Field.from_arrow(pa.int32())
Field.from_arrow(pa.schema([("a", pa.int32())]))
Field.from_arrow(pa.field("s", pa.struct([pa.field("a", pa.int32(), metadata={"k": "v"})])))
Schema([Field("a", "integer")])
Schema(fields=[Field("a", "integer")])
Schema([])
Schema(None)
Schema([1])
Schema([Field("a", "integer")]).type
Schema([Field("a", "integer")]).fields
Schema([Field("a", "integer")]).to_json()
Schema([Field("a", "integer")]) == Schema([Field("a", "integer")])
Schema([Field("a", "integer")]) == Schema([Field("a", "long")])
Schema([Field("a", "integer")]) == 1
Schema.from_json('{"type":"struct","fields":[]}')
Schema.from_json(
    ' {"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}}]} ')
Schema.from_json('{}')
Schema.from_json('{"type":"struct"}')
Schema.from_json('{"fields":[]}')
Schema.from_json(
    '{"type":"struct","fields":[{"name":"a","type":"foo","nullable":true,"metadata":{}}]}')
Schema.from_json('{"type":"array","elementType":"integer","containsNull":true}')
Schema.from_json('{"type":"struct","fields":['
    '{"name":"a","type":"integer","nullable":true,"metadata":{}},'
    '{"name":"A","type":"integer","nullable":true,"metadata":{}}]}')
Schema.from_json(b'{"type":"struct","fields":[]}')
Schema.from_json(1)
Schema.from_arrow(pa.schema([("a", pa.int32())]))
Schema.from_arrow(pa.schema([("a", pa.int32(), False)], metadata={"k": "v"}))
Schema.from_arrow(pa.schema([pa.field("a", pa.int32(), metadata={"k": "v"})]))
Schema.from_arrow(pa.schema([
    ("b", pa.large_string()), ("c", pa.timestamp("us")), ("d", pa.timestamp("us", "UTC")),
    ("e", pa.dictionary(pa.int32(), pa.string())), ("f", pa.string_view()),
    ("g", pa.date32()), ("h", pa.decimal128(5, 2)), ("i", pa.large_binary()),
    ("k", pa.binary_view()), ("l", pa.bool_()), ("m", pa.float32()), ("n", pa.float64()),
    ("o", pa.int8()), ("p", pa.int16()), ("q", pa.int32()), ("r", pa.int64())]))
Schema.from_arrow(pa.schema(
    [("s", pa.struct([("a", pa.list_(pa.map_(pa.string(), pa.large_list(pa.int32()))))]))]))
Schema.from_arrow(pa.struct([("a", pa.int32())]))
Schema.from_arrow(1)
Schema([Field("a", "integer")]).to_arrow(1)
Schema([Field("a", "integer")]).to_arrow(None)
Schema([Field("x", "integer", metadata={"delta.invariants": INVARIANT})]).invariants
Schema([Field("s", StructType([Field("x", "integer", metadata=CHECK)]))]).invariants
Schema([Field("s", ArrayType(StructType([Field("x", "integer", metadata=CHECK)])))]).invariants
Schema([Field("m", MapType(StructType([Field("k", "integer", metadata=CHECK)]),
                           StructType([Field("x.y", "integer", metadata=CHECK)])))]).invariants
Schema([Field("a.b", "integer", metadata=CHECK), Field("c", "integer", metadata=CHECK)]).invariants
Schema([Field("s", StructType([Field("a", "integer", metadata=CHECK)]),
              metadata=CHECK)]).invariants
Schema([Field("x", "integer",
              metadata={"delta.invariants": {"expression": {"expression": "x > 3"}}})]).invariants
Schema([Field("a", "integer", metadata={"delta.invariants": "{}"})]).invariants
Schema([Field("a", "integer", metadata={"delta.invariants": '{"expression": 1}'})]).invariants
Schema.from_json('{"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,'
    '"metadata":{"delta.invariants":{"expression":{"expression":"x > 3"}}}}]}').invariants
"""

# Same exception class, but the message is worded differently (Python's JSON parser,
# Python's json.dumps, or deltalake's message from C Data import).
SAME_ERROR_CLASS = r"""
PrimitiveType.from_json('xx')
Field.from_json('xx')
Schema.from_json('xx')
Schema.from_json('{"type":"struct","fields":[]} x')
Field("a", "integer", metadata={"x": float("nan")})
Schema.from_arrow(pa.int32())
Schema([Field("a", "integer", metadata={"delta.invariants": "bad"})]).invariants
"""


def _expressions(text):
    """One expression a line; an indented line continues the one before."""
    result = []
    for line in text.strip().splitlines():
        if line.startswith(" ") and result:
            result[-1] += "\n" + line
        else:
            result.append(line)
    return result


def _evaluate(module, expression):
    names = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    names.update(pa=pa, INVARIANT=INVARIANT, CHECK=CHECK)
    try:
        return "value", eval(expression, names)  # noqa: S307 - the test's own expressions
    except Exception as error:
        return "error", error


def _without_position(message):
    """serde_json's messages end with the position; Python's do not."""
    return re.sub(r" at line \d+ column \d+$", "", message)


@pytest.mark.parametrize("expression", _expressions(SAME_AS_DELTALAKE))
def test_same_as_deltalake(expression):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        their_kind, theirs = _evaluate(dl, expression)
        our_kind, ours = _evaluate(ds, expression)
    if their_kind == "value":
        assert our_kind == "value", f"deltacpp raised {ours!r}"
        assert repr(ours) == repr(theirs)
        assert type(ours).__name__ == type(theirs).__name__
    else:
        assert our_kind == "error", f"deltacpp gave {ours!r}, deltalake raised {theirs!r}"
        assert type(ours) is type(theirs)
        assert str(ours) == _without_position(str(theirs))


@pytest.mark.parametrize("expression", _expressions(SAME_ERROR_CLASS))
def test_same_error_class_as_deltalake(expression):
    their_kind, theirs = _evaluate(dl, expression)
    our_kind, ours = _evaluate(ds, expression)
    assert their_kind == our_kind == "error"
    # deltalake raises a bare Exception for a bad invariant; ValueError is one.
    assert isinstance(ours, type(theirs))
    assert str(ours)


ARROW_TYPES = [
    'PrimitiveType("integer")',
    'PrimitiveType("long")',
    'PrimitiveType("short")',
    'PrimitiveType("byte")',
    'PrimitiveType("float")',
    'PrimitiveType("double")',
    'PrimitiveType("boolean")',
    'PrimitiveType("string")',
    'PrimitiveType("binary")',
    'PrimitiveType("date")',
    'PrimitiveType("timestamp")',
    'PrimitiveType("timestamp_ntz")',
    'PrimitiveType("decimal(10,2)")',
    'PrimitiveType("decimal(38,0)")',
    'ArrayType("string", False)',
    "ArrayType(ArrayType(\"binary\"))",
    'MapType("string", ArrayType("long"), False)',
    'MapType(StructType([Field("k", "string")]), VariantType())',
    'StructType([Field("a", "integer", False, metadata={"x": 1, "s": "t"}),'
    ' Field("b", StructType([Field("c", "string", metadata={"k": {"v": [1]}})]))])',
    "VariantType()",
]


@pytest.mark.parametrize("expression", ARROW_TYPES)
def test_arrow_same_as_deltalake(expression):
    theirs = eval(expression, vars(dl))  # noqa: S307
    ours = eval(expression, vars(ds))  # noqa: S307
    assert isinstance(ours.to_arrow(), pa.DataType)
    assert ours.to_arrow() == pa.field(theirs.to_arrow()).type
    assert pa.field(ours).equals(pa.field(theirs), check_metadata=True)
    back = type(ours).from_arrow(ours.to_arrow())
    assert back == type(ours).from_arrow(pa.field(theirs))
    # Back from Arrow, metadata values are strings.
    assert json.loads(ds.Schema([ds.Field("c", back)]).to_json()) == _as_arrow_carries_metadata(
        ds.Schema([ds.Field("c", ours)]).to_json()
    )

    their_field = dl.Field("col", theirs, False, metadata={"m": 1, "n": "text"})
    our_field = ds.Field("col", ours, False, metadata={"m": 1, "n": "text"})
    assert isinstance(our_field.to_arrow(), pa.Field)
    assert our_field.to_arrow().equals(pa.field(their_field.to_arrow()), check_metadata=True)
    assert pa.field(our_field).equals(pa.field(their_field), check_metadata=True)
    field_back = ds.Field.from_arrow(our_field.to_arrow())
    assert json.loads(ds.Schema([field_back]).to_json()) == _as_arrow_carries_metadata(
        ds.Schema([our_field]).to_json()
    )

    their_schema, our_schema = dl.Schema([their_field]), ds.Schema([our_field])
    for large in (False, True):
        ours_arrow = our_schema.to_arrow(as_large_types=large)
        theirs_arrow = pa.schema(their_schema.to_arrow(as_large_types=large))
        assert isinstance(ours_arrow, pa.Schema)
        assert ours_arrow.equals(theirs_arrow, check_metadata=True)
    assert pa.schema(our_schema).equals(pa.schema(their_schema), check_metadata=True)
    if isinstance(ours, ds.StructType):
        assert pa.schema(ours).equals(pa.schema(theirs), check_metadata=True)


def test_repr_as_documented():
    schema = ds.Schema([ds.Field("id", "long")])
    assert repr(schema) == 'Schema([Field(id, PrimitiveType("long"), nullable=True)])'
    assert str(schema) == repr(schema)
    nested = ds.Schema(
        [
            ds.Field("s", ds.StructType([ds.Field("x", "string", False)])),
            ds.Field("m", ds.MapType("string", ds.ArrayType("long", False)), metadata={"c": 1}),
            ds.Field("v", ds.VariantType()),
        ]
    )
    assert repr(nested) == (
        "Schema([Field(s, StructType([Field(x, PrimitiveType(\"string\"), nullable=False)]),"
        " nullable=True), Field(m, MapType(PrimitiveType(\"string\"), ArrayType("
        "PrimitiveType(\"long\"), contains_null=False), value_contains_null=True),"
        " nullable=True, metadata={'c': 1}), Field(v, VariantType(), nullable=True)])"
    )


def test_metadata_keeps_key_order_and_values():
    text = (
        '{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":'
        '{"z":1,"b":{"y":[1,2.5,null,true,"s"],"a":{}},"a":"é","m":12345678901234567890123,'
        '"f":1.0,"e":-0.5}}]}'
    )
    schema = ds.Schema.from_json(text)
    assert schema.to_json() == text
    metadata = schema.fields[0].metadata
    assert list(metadata) == ["z", "b", "a", "m", "f", "e"]
    assert metadata["m"] == 12345678901234567890123
    assert isinstance(metadata["f"], float)
    # Arrow metadata: strings as they are, other values as compact JSON.
    assert schema.to_arrow().field("a").metadata == {
        b"z": b"1",
        b"b": b'{"y":[1,2.5,null,true,"s"],"a":{}}',
        b"a": "é".encode(),
        b"m": b"12345678901234567890123",
        b"f": b"1.0",
        b"e": b"-0.5",
    }
    field = ds.Field("a", "long", metadata={"z": 1, "b": "x", "a": [1]})
    assert field.to_json() == (
        '{"name":"a","type":"long","nullable":true,"metadata":{"z":1,"b":"x","a":"[1]"}}'
    )


def test_equality_ignores_metadata_order_but_not_json_types():
    left = ds.Field.from_json('{"name":"a","type":"long","nullable":true,"metadata":{"x":1,"y":2}}')
    right = ds.Field.from_json(
        '{"name":"a","type":"long","nullable":true,"metadata":{"y":2,"x":1}}'
    )
    assert left == right
    one = ds.Field.from_json('{"name":"a","type":"long","nullable":true,"metadata":{"x":1}}')
    one_float = ds.Field.from_json(
        '{"name":"a","type":"long","nullable":true,"metadata":{"x":1.0}}'
    )
    true = ds.Field.from_json('{"name":"a","type":"long","nullable":true,"metadata":{"x":true}}')
    assert one != one_float
    assert one != true
    assert ds.Schema([left]) == ds.StructType([right])
    assert ds.Schema([left]) != ds.Schema([left, ds.Field("b", "long")])


def test_objects_are_immutable_and_unhashable():
    field = ds.Field.from_json(
        '{"name":"a","type":"long","nullable":true,"metadata":{"x":{"y":1}}}'
    )
    for name, value in [("name", "b"), ("type", "string"), ("nullable", False)]:
        with pytest.raises(AttributeError):
            setattr(field, name, value)
    field.metadata["x"]["y"] = 2
    assert field.metadata == {"x": {"y": 1}}
    schema = ds.Schema([field])
    schema.fields.append(ds.Field("b", "long"))
    assert len(schema.fields) == 1
    with pytest.raises(AttributeError):
        schema.fields = []
    for value in [schema, field, ds.PrimitiveType("long"), ds.ArrayType("long"), ds.VariantType()]:
        with pytest.raises(TypeError):
            hash(value)
    assert copy.deepcopy(schema) == schema


def test_types_and_classes():
    assert issubclass(ds.Schema, ds.StructType)
    assert ds.DataType.__args__ == dl.DataType.__args__
    schema = ds.Schema.from_json(ds.Schema([ds.Field("a", "long")]).to_json())
    assert type(schema) is ds.Schema
    assert type(ds.StructType.from_json(schema.to_json())) is ds.StructType
    assert type(ds.Schema.from_arrow(pa.schema([("a", pa.int64())]))) is ds.Schema
    assert type(ds.StructType.from_arrow(pa.schema([("a", pa.int64())]))) is ds.StructType
    assert ds.Schema([]).type == ds.StructType([]).type == "struct"
    assert type(ds.Field("a", ds.Schema([])).type) is ds.StructType


def test_every_public_name_has_a_docstring():
    for name in ds.__all__:
        value = getattr(ds, name)
        if name == "DataType":
            continue
        assert value.__doc__, name
        for member_name, member in vars(value).items():
            # __init__'s arguments are documented by the class.
            if member_name.startswith("_") and member_name not in (
                "__eq__",
                "__repr__",
                "__arrow_c_schema__",
            ):
                continue
            if callable(member) or isinstance(member, (property, staticmethod)):
                assert getattr(member, "__doc__", None), f"{name}.{member_name}"


def test_json_is_deprecated():
    schema = ds.Schema([ds.Field("a", "long")])
    with pytest.warns(DeprecationWarning, match="json.loads"):
        assert schema.json() == json.loads(schema.to_json())


def test_large_types_reach_nested_types():
    schema = ds.Schema(
        [
            ds.Field("s", "string"),
            ds.Field("b", "binary"),
            ds.Field("l", ds.ArrayType(ds.StructType([ds.Field("x", "string")]), False)),
            ds.Field("m", ds.MapType("string", ds.ArrayType("binary"))),
            ds.Field("v", ds.VariantType()),
            ds.Field("i", "integer"),
        ]
    )
    expected = pa.schema(
        [
            ("s", pa.large_string()),
            ("b", pa.large_binary()),
            ("l", pa.large_list(pa.field("element", pa.struct([("x", pa.large_string())]), False))),
            (
                "m",
                pa.map_(pa.large_string(), pa.large_list(pa.field("element", pa.large_binary()))),
            ),
            (
                "v",
                pa.struct(
                    [
                        pa.field("metadata", pa.large_binary(), False),
                        pa.field("value", pa.large_binary(), False),
                    ]
                ),
            ),
            ("i", pa.int32()),
        ]
    )
    assert schema.to_arrow(as_large_types=True).equals(expected, check_metadata=True)
    assert ds.Schema.from_arrow(schema.to_arrow(as_large_types=True)) == schema
    # The helper DeltaTable.to_pyarrow_dataset uses, on any Arrow schema.
    arrow = schema.to_arrow().with_metadata({"k": "v"})
    arrow = arrow.set(0, arrow.field(0).with_metadata({"f": "1"}))
    large = ds._large_types_schema(arrow)
    assert large.equals(expected, check_metadata=False)
    assert large.metadata == {b"k": b"v"}
    assert large.field(0).metadata == {b"f": b"1"}


def test_from_arrow_accepts_capsule_objects():
    class Exporter:
        def __init__(self, value):
            self.value = value

        def __arrow_c_schema__(self):
            return self.value.__arrow_c_schema__()

    arrow = pa.schema([pa.field("a", pa.list_(pa.string()), metadata={"k": "v"})])
    expected = ds.Schema([ds.Field("a", ds.ArrayType("string"), metadata={"k": "v"})])
    assert ds.Schema.from_arrow(Exporter(arrow)) == expected
    assert ds.Schema.from_arrow(Exporter(expected)) == expected
    assert ds.Schema.from_arrow(dl.Schema.from_json(expected.to_json())) == expected
    assert ds.Field.from_arrow(Exporter(arrow.field(0))) == expected.fields[0]
    assert ds.ArrayType.from_arrow(Exporter(pa.list_(pa.string()))) == ds.ArrayType("string")
    # Nested metadata comes along, as strings.
    nested = pa.schema([pa.field("s", pa.struct([pa.field("x", pa.int8(), metadata={"n": "1"})]))])
    assert ds.Schema.from_arrow(nested).fields[0].type.fields[0].metadata == {"n": "1"}


# --- Deliberate differences (see the module docstring) -----------------------------------


def test_variant_arrow_type_reads_as_variant():
    storage = pa.struct(
        [pa.field("metadata", pa.binary(), False), pa.field("value", pa.binary(), False)]
    )
    assert ds.VariantType().to_arrow() == storage
    assert ds.VariantType.from_arrow(storage) == ds.VariantType()
    assert ds.Schema.from_arrow(pa.schema([("v", storage)])) == ds.Schema(
        [ds.Field("v", ds.VariantType())]
    )
    # deltalake reads it as a plain struct, and has no Arrow type it reads as a variant.
    their_field = dl.Schema.from_arrow(pa.schema([("v", storage)])).fields[0]
    assert isinstance(their_field.type, dl.StructType)
    with pytest.raises(TypeError):
        dl.VariantType.from_arrow(storage)


@pytest.mark.parametrize(
    "arrow_type",
    [pa.uint8(), pa.uint16(), pa.uint32(), pa.uint64(), pa.float16(), pa.time32("s"), pa.null()],
    ids=str,
)
def test_arrow_types_a_table_cannot_store_raise(arrow_type):
    with pytest.raises(DeltaError, match="cannot store"):
        ds.Schema.from_arrow(pa.schema([("a", arrow_type)]))
    with pytest.raises(DeltaError):
        ds.PrimitiveType.from_arrow(arrow_type)


@pytest.mark.parametrize("name", ["void", "timestamp_nanos"])
def test_types_the_core_does_not_map_raise_in_to_arrow(name):
    field = ds.Field("a", name)
    assert field.to_json() == dl.Field("a", name).to_json()
    with pytest.raises(DeltaError, match=name):
        ds.Schema([field]).to_arrow()
    with pytest.raises(DeltaError):
        ds.PrimitiveType(name).to_arrow()


def test_duplicate_names_raise_value_error():
    with pytest.raises(ValueError, match="Duplicate field name"):
        ds.Schema([ds.Field("a", "long"), ds.Field("A", "long")])
    with pytest.raises(ValueError, match="Duplicate field name"):
        ds.StructType([ds.Field("a", "long"), ds.Field("a", "string")])
    nested = (
        '{"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":['
        '{"name":"x","type":"long","nullable":true,"metadata":{}},'
        '{"name":"X","type":"long","nullable":true,"metadata":{}}]},'
        '"nullable":true,"metadata":{}}]}'
    )
    with pytest.raises(ValueError, match="Duplicate field name"):
        ds.Schema.from_json(nested)
    # deltalake raises its SchemaMismatchError (a DeltaError) here.
    with pytest.raises(deltalake.exceptions.SchemaMismatchError):
        dl.Schema([dl.Field("a", "long"), dl.Field("A", "long")])


@pytest.mark.parametrize(
    "text, error",
    [
        ("", ValueError),
        ("{", ValueError),
        ("[1]", ValueError),
        ('{"type":"struct","fields":[{"name":"a","type":"integr","nullable":true,"metadata":{}}]}',
         ValueError),
        ('{"type":"struct","fields":[{"name":"a","type":{"type":"list"},"nullable":true,'
         '"metadata":{}}]}', ValueError),
        ('{"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":'
         '{"x":NaN}}]}', ValueError),
        ('"long"', TypeError),
        ('{"type":"map","keyType":"long","valueType":"long","valueContainsNull":true}',
         TypeError),
    ],
)
def test_bad_schema_json_raises(text, error):
    with pytest.raises(error):
        ds.Schema.from_json(text)
