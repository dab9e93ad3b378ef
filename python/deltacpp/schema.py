"""Delta table schemas: deltalake's ``deltalake.schema`` classes in pure Python.

A schema is a ``Schema`` of ``Field`` objects, whose types are ``PrimitiveType``,
``ArrayType``, ``MapType``, ``StructType`` and ``VariantType`` (together ``DataType``).
They are plain Python objects over the Delta protocol's schema JSON (the ``schemaString``
of a table's metaData action): ``to_json``/``from_json`` keep every field's metadata, key
order included. Only the conversions to and from Arrow go through the C++ core, so a
schema maps to Arrow exactly as the tables read and written by deltacpp do.

Deliberate differences from deltalake 1.6.6:

- ``to_arrow`` returns pyarrow objects (``pyarrow.Schema``, ``pyarrow.Field``,
  ``pyarrow.DataType``) where deltalake returns arro3 ones; both implement the Arrow
  PyCapsule interface, so ``pyarrow.schema(x)`` and friends accept either.
- ``from_arrow`` reads Arrow types as the C++ core does: unsigned integers and other
  types a Delta table cannot store raise ``deltacpp.exceptions.DeltaError``, and
  ``struct<metadata: binary not null, value: binary not null>`` is read as a
  ``VariantType``.
- Metadata keys keep their order (deltalake orders them by hash), and integers in JSON
  stay exact Python ints.
- Duplicate field names raise ``ValueError`` (deltalake raises ``SchemaMismatchError``
  from ``Schema`` and panics in ``StructType``).
"""

from __future__ import annotations

import collections.abc
import copy
import json
import re
import warnings
from typing import Any, Union

import pyarrow

from deltacpp._load import _core

__all__ = [
    "ArrayType",
    "DataType",
    "Field",
    "MapType",
    "PrimitiveType",
    "Schema",
    "StructType",
    "VariantType",
]

# The primitive type names deltalake accepts, besides decimal(<precision>,<scale>).
_PRIMITIVE_NAMES = frozenset(
    {
        "string",
        "long",
        "integer",
        "short",
        "byte",
        "float",
        "double",
        "boolean",
        "binary",
        "date",
        "timestamp",
        "timestamp_ntz",
        "timestamp_nanos",
        "void",
    }
)
_DECIMAL = re.compile(r"decimal\((.*)\)", re.DOTALL)
_DECIMAL_PART = re.compile(r"\+?[0-9]+")
_MAX_DECIMAL_PRECISION = 38
_INVARIANTS_KEY = "delta.invariants"
# Field metadata deltalake leaves out of Arrow fields (delta-kernel's internal keys).
_NOT_IN_ARROW = frozenset({"delta.columnMapping.nested.ids", "parquet.field.id"})
_I64_MIN, _I64_MAX, _U64_MAX = -(2**63), 2**63 - 1, 2**64 - 1


# --- JSON helpers ------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    """Compact JSON text, as the protocol (and deltalake) writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON: {name} is not a JSON number")


def _loads(text: Any) -> Any:
    """Parses JSON text strictly (no NaN or Infinity); ValueError for bad JSON."""
    if not isinstance(text, str):
        raise TypeError(f"{_object_name(text)} is not an instance of 'str'")
    return json.loads(text, parse_constant=_reject_constant)


def _object_name(value: Any) -> str:
    """How pyo3 names a value in its TypeErrors: 'None' or 'int' object."""
    return "'None'" if value is None else f"'{type(value).__name__}' object"


def _describe(value: Any) -> str:
    """How serde_json names an unexpected JSON value in its errors."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{_dumps(value)}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value!r}`"
    if isinstance(value, str):
        return f"string {_dumps(value)}"
    if isinstance(value, list):
        return "sequence"
    return "map"


def _member(obj: dict, key: str) -> Any:
    if key not in obj:
        raise ValueError(f"missing field `{key}`")
    return obj[key]


def _json_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"invalid type: {_describe(value)}, expected a boolean")
    return value


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{_object_name(value)} is not an instance of 'bool'")
    return value


def _metadata_from_python(metadata: Any) -> dict[str, Any]:
    """A Field's metadata as deltalake stores the constructor's argument.

    deltalake passes the dict through JSON: keys become strings, strings and integers
    that fit in 64 signed bits stay as they are, and every other value becomes its JSON
    text (``True`` -> ``"true"``, ``1.5`` -> ``"1.5"``, ``{"a": 1}`` -> ``'{"a":1}'``).
    """
    if metadata is None:
        return {}
    parsed = json.loads(json.dumps(metadata, allow_nan=False))
    if not isinstance(parsed, dict):
        raise ValueError(f"invalid type: {_describe(parsed)}, expected a map")
    result: dict[str, Any] = {}
    for key, value in parsed.items():
        if isinstance(value, str):
            result[key] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            if _I64_MIN <= value <= _I64_MAX:
                result[key] = value
            elif 0 <= value <= _U64_MAX:
                result[key] = str(value)
            else:
                result[key] = repr(float(value))
        else:
            result[key] = _dumps(value)
    return result


def _metadata_to_arrow(metadata: dict[str, Any]) -> dict[str, str] | None:
    """Arrow field metadata of a Delta field's, as deltalake gives it: strings as they
    are, other values as JSON text, and without the column mapping's nested ids."""
    result = {
        k: v if isinstance(v, str) else _dumps(v)
        for k, v in metadata.items()
        if k not in _NOT_IN_ARROW
    }
    return result or None


def _metadata_from_arrow(metadata: dict[bytes, bytes] | None) -> dict[str, str]:
    """A Delta field's metadata from Arrow's: every value a string, as deltalake does."""
    if not metadata:
        return {}
    return {k.decode("utf-8"): v.decode("utf-8") for k, v in metadata.items()}


def _same_metadata(left: dict[str, Any], right: dict[str, Any]) -> bool:
    # JSON equality: key order does not count, but 1, 1.0 and true differ.
    return _dumps_sorted(left) == _dumps_sorted(right)


def _dumps_sorted(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


# --- Type names --------------------------------------------------------------------------


def _parse_decimal_part(text: str) -> int | None:
    text = text.strip()
    return int(text) if _DECIMAL_PART.fullmatch(text) else None


def _primitive_name(name: str, *, from_json: bool) -> str:
    """The normalised name of a primitive type, or ValueError as deltalake words it.

    The constructor (``from_json=False``) and the JSON reader word their errors
    differently in deltalake; both are kept.
    """
    if name in _PRIMITIVE_NAMES:
        return name
    match = _DECIMAL.fullmatch(name)
    parts = match.group(1).split(",") if match else []
    precision = _parse_decimal_part(parts[0]) if len(parts) == 2 else None
    scale = _parse_decimal_part(parts[1]) if len(parts) == 2 else None
    if not from_json:
        if (
            precision is not None
            and scale is not None
            and 1 <= precision <= _MAX_DECIMAL_PRECISION
            and 0 <= scale <= precision
        ):
            return f"decimal({precision},{scale})"
        if name.startswith("decimal"):
            raise ValueError(
                f"invalid type string: {name}, precision/scale can't be larger than "
                f"{_MAX_DECIMAL_PRECISION}"
            )
        raise ValueError(f"invalid type string: {name}")
    if match is None:
        raise ValueError(f"Unsupported Delta table type: '{name}'")
    if precision is None:
        what = "scale" if len(parts) == 1 else "precision"
        raise ValueError(f"Invalid {what} in decimal: {name}")
    if scale is None:
        raise ValueError(f"Invalid scale in decimal: {name}")
    if not 1 <= precision <= _MAX_DECIMAL_PRECISION:
        raise ValueError(
            f"Invalid decimal: precision must be in range 1..{_MAX_DECIMAL_PRECISION} "
            f"inclusive, found: {precision}."
        )
    if scale > precision:
        raise ValueError(
            f"Invalid decimal: scale must be in range 0..{precision} inclusive, "
            f"found: {scale}."
        )
    return f"decimal({precision},{scale})"


def _coerce_type(value: Any) -> DataType:
    """A constructor's type argument: a DataType, or a primitive type name."""
    if isinstance(value, Schema):
        return StructType(value.fields)
    if isinstance(value, (PrimitiveType, ArrayType, MapType, StructType, VariantType)):
        return value
    if isinstance(value, str):
        return PrimitiveType(value)
    raise ValueError("Invalid data type")


def _type_from_json_value(value: Any) -> DataType:
    """The DataType of a parsed JSON type: a name, or an object with "type"."""
    if isinstance(value, str):
        if value == "variant":
            return VariantType()
        return PrimitiveType._of(_primitive_name(value, from_json=True))
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        kind = value["type"]
        if kind == "struct":
            fields = _member(value, "fields")
            if not isinstance(fields, list):
                raise ValueError(f"invalid type: {_describe(fields)}, expected a sequence")
            return StructType._of([Field._from_json_value(f) for f in fields])
        if kind == "array":
            element_type = _type_from_json_value(_member(value, "elementType"))
            contains_null = _json_bool(_member(value, "containsNull"))
            return ArrayType(element_type, contains_null)
        if kind == "map":
            key_type = _type_from_json_value(_member(value, "keyType"))
            value_type = _type_from_json_value(_member(value, "valueType"))
            contains_null = _json_bool(value.get("valueContainsNull", True))
            return MapType(key_type, value_type, contains_null)
        raise ValueError(f"Unsupported Delta table type: '{kind}'")
    raise ValueError(f"Invalid data type: {_dumps(value)}")


def _check_fields(fields: Any) -> list[Field]:
    """A StructType's fields argument: a sequence of Fields, names unique ignoring case."""
    if isinstance(fields, str):
        raise TypeError("Can't extract `str` to `Vec`")
    if not isinstance(fields, collections.abc.Sequence):
        raise TypeError(f"{_object_name(fields)} is not an instance of 'Sequence'")
    result = list(fields)
    for field in result:
        if not isinstance(field, Field):
            raise TypeError(f"{_object_name(field)} is not an instance of 'Field'")
    _check_unique(result)
    return result


def _check_unique(fields: list[Field]) -> None:
    seen = set()
    for field in fields:
        key = field.name.lower()
        if key in seen:
            raise ValueError(
                f"Schema error: Duplicate field name (case-insensitive): '{field.name}'"
            )
        seen.add(key)


# --- Arrow, through the C++ core ---------------------------------------------------------


def _fields_to_arrow(fields: list[Field], large: bool) -> list[pyarrow.Field]:
    """The Arrow fields of Delta fields, typed by the C++ core (ParseSchemaJson).

    The core gives the types; field metadata is then set as deltalake sets it (string
    values as they are, others as JSON text), and with ``large`` the variable-size types
    become their 64-bit-offset variants.
    """
    text = _dumps({"type": "struct", "fields": [f._json_value() for f in fields]})
    schema = pyarrow.Schema._import_from_c_capsule(_core.schema_from_json(text))
    return [_rebuild_field(schema.field(i), f, large) for i, f in enumerate(fields)]


def _rebuild_field(field: pyarrow.Field, delta: Field | None, large: bool) -> pyarrow.Field:
    delta_type = delta.type if delta is not None else None
    metadata = _metadata_to_arrow(delta._metadata) if delta is not None else field.metadata
    return pyarrow.field(
        field.name, _rebuild_type(field.type, delta_type, large), field.nullable, metadata
    )


def _rebuild_type(arrow_type: pyarrow.DataType, delta: Any, large: bool) -> pyarrow.DataType:
    if pyarrow.types.is_struct(arrow_type):
        children = delta.fields if isinstance(delta, StructType) else None
        return pyarrow.struct(
            [
                _rebuild_field(arrow_type.field(i), children[i] if children else None, large)
                for i in range(arrow_type.num_fields)
            ]
        )
    if pyarrow.types.is_list(arrow_type) or pyarrow.types.is_large_list(arrow_type):
        element = delta.element_type if isinstance(delta, ArrayType) else None
        value_field = arrow_type.value_field
        value_field = value_field.with_type(_rebuild_type(value_field.type, element, large))
        if large or pyarrow.types.is_large_list(arrow_type):
            return pyarrow.large_list(value_field)
        return pyarrow.list_(value_field)
    if pyarrow.types.is_map(arrow_type):
        is_map = isinstance(delta, MapType)
        key_field, item_field = arrow_type.key_field, arrow_type.item_field
        key_type = _rebuild_type(key_field.type, delta.key_type if is_map else None, large)
        item_type = _rebuild_type(item_field.type, delta.value_type if is_map else None, large)
        return pyarrow.map_(
            key_field.with_type(key_type),
            item_field.with_type(item_type),
            keys_sorted=arrow_type.keys_sorted,
        )
    if large and pyarrow.types.is_string(arrow_type):
        return pyarrow.large_string()
    if large and pyarrow.types.is_binary(arrow_type):
        return pyarrow.large_binary()
    return arrow_type


def _large_types_schema(schema: pyarrow.Schema) -> pyarrow.Schema:
    """``schema`` with string, binary and list types, nested ones too, as large_string,
    large_binary and large_list (all metadata kept). Used by ``to_arrow(as_large_types=
    True)`` and by DeltaTable.to_pyarrow_dataset."""
    return pyarrow.schema(
        [_rebuild_field(field, None, True) for field in schema], metadata=schema.metadata
    )


def _type_to_arrow(data_type: DataType) -> pyarrow.DataType:
    return _fields_to_arrow([Field("value", data_type)], False)[0].type


def _import_arrow_field(obj: Any) -> pyarrow.Field:
    """The Arrow field of anything with ``__arrow_c_schema__`` (a schema, field or type)."""
    if not hasattr(obj, "__arrow_c_schema__"):
        raise ValueError("Expected an object with dunder __arrow_c_schema__")
    return pyarrow.Field._import_from_c_capsule(obj.__arrow_c_schema__())


def _storage_type(arrow_type: pyarrow.DataType) -> pyarrow.DataType:
    """The type whose children carry field metadata (dictionary and extension unwrapped)."""
    while True:
        if isinstance(arrow_type, pyarrow.DictionaryType):
            arrow_type = arrow_type.value_type
        elif isinstance(arrow_type, pyarrow.BaseExtensionType):
            arrow_type = arrow_type.storage_type
        else:
            return arrow_type


def _fields_from_arrow(fields: list[pyarrow.Field]) -> list[Field]:
    """Delta fields of Arrow fields, typed by the C++ core (StorageSchema + SchemaToJson).

    The core gives the types; every field's Arrow metadata is then kept as string values,
    as deltalake keeps it.
    """
    schema = pyarrow.schema(fields)
    value = json.loads(_core.schema_to_json(schema.__arrow_c_schema__()))
    json_fields = value["fields"]
    for json_field, arrow_field in zip(json_fields, fields):
        _attach_arrow_metadata(json_field, arrow_field)
    return [Field._from_json_value(f) for f in json_fields]


def _attach_arrow_metadata(json_field: dict, arrow_field: pyarrow.Field) -> None:
    json_field["metadata"] = _metadata_from_arrow(arrow_field.metadata)
    _attach_type_metadata(json_field["type"], _storage_type(arrow_field.type))


def _attach_type_metadata(json_type: Any, arrow_type: pyarrow.DataType) -> None:
    if not isinstance(json_type, dict):
        return
    kind = json_type["type"]
    if kind == "struct":
        for i, child in enumerate(json_type["fields"]):
            _attach_arrow_metadata(child, arrow_type.field(i))
    elif kind == "array":
        _attach_type_metadata(json_type["elementType"], _storage_type(arrow_type.value_type))
    elif kind == "map":
        _attach_type_metadata(json_type["keyType"], _storage_type(arrow_type.key_type))
        _attach_type_metadata(json_type["valueType"], _storage_type(arrow_type.item_type))


def _type_from_arrow(obj: Any) -> DataType:
    arrow_field = _import_arrow_field(obj)
    return _fields_from_arrow([pyarrow.field("value", arrow_field.type)])[0].type


def _struct_fields_from_arrow(obj: Any) -> list[Field]:
    arrow_type = _storage_type(_import_arrow_field(obj).type)
    if not pyarrow.types.is_struct(arrow_type):
        raise TypeError(f"Type is not a struct: {arrow_type}")
    return _fields_from_arrow(list(arrow_type))


# --- The classes -------------------------------------------------------------------------


class _DataTypeBase:
    """What every Delta data type shares: Arrow conversion and the capsule interface."""

    __slots__ = ()

    def _json_value(self) -> Any:
        raise NotImplementedError

    def to_json(self) -> str:
        """The type's JSON text in the Delta protocol's schema serialization format."""
        return _dumps(self._json_value())

    def to_arrow(self) -> pyarrow.DataType:
        """The equivalent Arrow type, mapped by the C++ core.

        Returns a ``pyarrow.DataType`` (deltalake returns an ``arro3.core.DataType``).
        """
        return _type_to_arrow(self)

    def __arrow_c_schema__(self) -> object:
        """An ``arrow_schema`` PyCapsule (the Arrow PyCapsule interface).

        As in deltalake, it describes a nameless, non-nullable field of this type, so
        ``pyarrow.field(t)`` works for every type and ``pyarrow.schema(t)`` for a struct.
        """
        return pyarrow.field("", self.to_arrow(), nullable=False).__arrow_c_schema__()


class PrimitiveType(_DataTypeBase):
    """A primitive data type, such as a string or a number.

    Created from its Delta name: ``PrimitiveType("integer")``. The names are
    ``string``, ``long``, ``integer``, ``short``, ``byte``, ``float``, ``double``,
    ``boolean``, ``binary``, ``date``, ``timestamp``, ``timestamp_ntz`` and
    ``decimal(<precision>,<scale>)`` (precision 1 to 38, scale 0 to precision), plus
    deltalake's ``void`` and ``timestamp_nanos``, which the C++ core cannot map to
    Arrow.

    Args:
        data_type: the type's name.

    Raises:
        ValueError: for a name that is not a primitive type.
    """

    __slots__ = ("_type",)

    def __init__(self, data_type: str) -> None:
        if not isinstance(data_type, str):
            raise TypeError(f"{_object_name(data_type)} is not an instance of 'str'")
        self._type = _primitive_name(data_type, from_json=False)

    @classmethod
    def _of(cls, name: str) -> PrimitiveType:
        result = cls.__new__(cls)
        result._type = name
        return result

    @property
    def type(self) -> str:
        """The type's name, such as ``"integer"`` or ``"decimal(10,2)"``."""
        return self._type

    def _json_value(self) -> Any:
        return self._type

    @staticmethod
    def from_json(type_json: str) -> PrimitiveType:
        """A PrimitiveType from its JSON, a quoted name: ``PrimitiveType.from_json('"integer"')``.

        Raises:
            ValueError: for text that is not JSON or names no type.
            TypeError: for the JSON of a type that is not primitive.
        """
        result = _type_from_json_value(_loads(type_json))
        if not isinstance(result, PrimitiveType):
            raise TypeError("Type is not primitive")
        return result

    @staticmethod
    def from_arrow(data_type: Any) -> PrimitiveType:
        """A PrimitiveType from an Arrow type (anything with ``__arrow_c_schema__``).

        Raises:
            TypeError: if the Arrow type is not a primitive Delta type.
        """
        result = _type_from_arrow(data_type)
        if not isinstance(result, PrimitiveType):
            raise TypeError("Type is not primitive")
        return result

    def __eq__(self, other: object) -> bool:
        """Types are equal when their names are."""
        if not isinstance(other, PrimitiveType):
            return NotImplemented
        return self._type == other._type

    def __repr__(self) -> str:
        """``PrimitiveType("integer")``, as deltalake prints it."""
        return f'PrimitiveType("{self._type}")'


class ArrayType(_DataTypeBase):
    """An array (list) type.

    The element type is a DataType, or a primitive type's name:
    ``ArrayType("integer", contains_null=False)`` is
    ``ArrayType(PrimitiveType("integer"), contains_null=False)``.

    Args:
        element_type: the type of the elements.
        contains_null: whether elements may be null.
    """

    __slots__ = ("_element_type", "_contains_null")

    def __init__(self, element_type: DataType | str, contains_null: bool = True) -> None:
        self._element_type = _coerce_type(element_type)
        self._contains_null = _check_bool(contains_null)

    @property
    def type(self) -> str:
        """The string ``"array"``."""
        return "array"

    @property
    def element_type(self) -> DataType:
        """The type of the elements."""
        return self._element_type

    @property
    def contains_null(self) -> bool:
        """Whether the elements may be null."""
        return self._contains_null

    def _json_value(self) -> Any:
        return {
            "type": "array",
            "elementType": self._element_type._json_value(),
            "containsNull": self._contains_null,
        }

    @staticmethod
    def from_json(type_json: str) -> ArrayType:
        """An ArrayType from its JSON: an object with ``type`` (``"array"``),
        ``elementType`` and ``containsNull``.

        Raises:
            ValueError: for text that is not the JSON of a type.
            TypeError: for the JSON of a type that is not an array.
        """
        result = _type_from_json_value(_loads(type_json))
        if not isinstance(result, ArrayType):
            raise TypeError("Type is not an array")
        return result

    @staticmethod
    def from_arrow(data_type: Any) -> ArrayType:
        """An ArrayType from an Arrow list type (anything with ``__arrow_c_schema__``).

        Raises:
            TypeError: if the Arrow type is not a list.
        """
        result = _type_from_arrow(data_type)
        if not isinstance(result, ArrayType):
            raise TypeError("Type is not an array")
        return result

    def __eq__(self, other: object) -> bool:
        """Arrays are equal when their element types and null flags are."""
        if not isinstance(other, ArrayType):
            return NotImplemented
        return (
            self._element_type == other._element_type
            and self._contains_null == other._contains_null
        )

    def __repr__(self) -> str:
        """``ArrayType(PrimitiveType("integer"), contains_null=True)``, as deltalake prints it."""
        return f"ArrayType({self._element_type!r}, contains_null={self._contains_null})"


class MapType(_DataTypeBase):
    """A map type.

    Key and value types are DataTypes, or primitive types' names:
    ``MapType("integer", "string", value_contains_null=False)``.

    Args:
        key_type: the type of the keys.
        value_type: the type of the values.
        value_contains_null: whether values may be null.
    """

    __slots__ = ("_key_type", "_value_type", "_value_contains_null")

    def __init__(
        self,
        key_type: DataType | str,
        value_type: DataType | str,
        value_contains_null: bool = True,
    ) -> None:
        self._key_type = _coerce_type(key_type)
        self._value_type = _coerce_type(value_type)
        self._value_contains_null = _check_bool(value_contains_null)

    @property
    def type(self) -> str:
        """The string ``"map"``."""
        return "map"

    @property
    def key_type(self) -> DataType:
        """The type of the keys."""
        return self._key_type

    @property
    def value_type(self) -> DataType:
        """The type of the values."""
        return self._value_type

    @property
    def value_contains_null(self) -> bool:
        """Whether the values may be null."""
        return self._value_contains_null

    def _json_value(self) -> Any:
        return {
            "type": "map",
            "keyType": self._key_type._json_value(),
            "valueType": self._value_type._json_value(),
            "valueContainsNull": self._value_contains_null,
        }

    @staticmethod
    def from_json(type_json: str) -> MapType:
        """A MapType from its JSON: an object with ``type`` (``"map"``), ``keyType``,
        ``valueType`` and ``valueContainsNull``.

        Raises:
            ValueError: for text that is not the JSON of a type.
            TypeError: for the JSON of a type that is not a map.
        """
        result = _type_from_json_value(_loads(type_json))
        if not isinstance(result, MapType):
            raise TypeError("Type is not a map")
        return result

    @staticmethod
    def from_arrow(data_type: Any) -> MapType:
        """A MapType from an Arrow map type (anything with ``__arrow_c_schema__``).

        Raises:
            TypeError: if the Arrow type is not a map.
        """
        result = _type_from_arrow(data_type)
        if not isinstance(result, MapType):
            raise TypeError("Type is not a map")
        return result

    def __eq__(self, other: object) -> bool:
        """Maps are equal when their key and value types and null flags are."""
        if not isinstance(other, MapType):
            return NotImplemented
        return (
            self._key_type == other._key_type
            and self._value_type == other._value_type
            and self._value_contains_null == other._value_contains_null
        )

    def __repr__(self) -> str:
        """``MapType(PrimitiveType("integer"), PrimitiveType("string"),
        value_contains_null=True)``, as deltalake prints it."""
        return (
            f"MapType({self._key_type!r}, {self._value_type!r}, "
            f"value_contains_null={self._value_contains_null})"
        )


class VariantType(_DataTypeBase):
    """The Delta VARIANT type, in Arrow the unshredded binary encoding
    ``struct<metadata: binary not null, value: binary not null>``."""

    __slots__ = ()

    def __init__(self) -> None:
        pass

    @property
    def type(self) -> str:
        """The string ``"variant"``."""
        return "variant"

    def _json_value(self) -> Any:
        return "variant"

    @staticmethod
    def from_json(type_json: str) -> VariantType:
        """A VariantType from its JSON, ``'"variant"'``.

        Raises:
            ValueError: for text that is not the JSON of a type.
            TypeError: for the JSON of another type.
        """
        result = _type_from_json_value(_loads(type_json))
        if not isinstance(result, VariantType):
            raise TypeError("Type is not variant")
        return result

    @staticmethod
    def from_arrow(data_type: Any) -> VariantType:
        """A VariantType from its Arrow type (anything with ``__arrow_c_schema__``).

        Unlike deltalake, which has no Arrow type it reads as a variant, the C++ core
        reads ``struct<metadata: binary not null, value: binary not null>`` as one.

        Raises:
            TypeError: for any other Arrow type.
        """
        result = _type_from_arrow(data_type)
        if not isinstance(result, VariantType):
            raise TypeError("Type is not variant")
        return result

    def __eq__(self, other: object) -> bool:
        """All VariantTypes are equal."""
        if not isinstance(other, VariantType):
            return NotImplemented
        return True

    def __repr__(self) -> str:
        """``VariantType()``."""
        return "VariantType()"


class Field:
    """A field of a StructType or Schema: a name, a type, nullability and metadata.

    ``Field("my_int_col", "integer")`` is
    ``Field(my_int_col, PrimitiveType("integer"), nullable=True)``.

    Metadata is a dict with string keys. As in deltalake, string values and integers
    that fit in 64 bits are kept, and every other value is stored as its JSON text
    (``{"a": {"b": 2}}`` becomes ``{"a": '{"b":2}'}``). Metadata read by ``from_json``
    keeps any JSON values.

    Args:
        name: the field's name.
        type: its DataType, or a primitive type's name.
        nullable: whether the field may be null.
        metadata: the field's metadata.
    """

    __slots__ = ("_name", "_type", "_nullable", "_metadata")

    def __init__(
        self,
        name: str,
        type: DataType | str,
        nullable: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{_object_name(name)} is not an instance of 'str'")
        self._name = name
        self._type = _coerce_type(type)
        self._nullable = _check_bool(nullable)
        self._metadata = _metadata_from_python(metadata)

    @classmethod
    def _of(cls, name: str, type: DataType, nullable: bool, metadata: dict) -> Field:
        result = cls.__new__(cls)
        result._name, result._type = name, type
        result._nullable, result._metadata = nullable, metadata
        return result

    @property
    def name(self) -> str:
        """The field's name."""
        return self._name

    @property
    def type(self) -> DataType:
        """The field's type."""
        return self._type

    @property
    def nullable(self) -> bool:
        """Whether the field may be null."""
        return self._nullable

    @property
    def metadata(self) -> dict[str, Any]:
        """A copy of the field's metadata (a dict of str to JSON values)."""
        return copy.deepcopy(self._metadata)

    def _json_value(self) -> dict[str, Any]:
        return {
            "name": self._name,
            "type": self._type._json_value(),
            "nullable": self._nullable,
            "metadata": self._metadata,
        }

    @staticmethod
    def _from_json_value(value: Any) -> Field:
        if not isinstance(value, dict):
            raise ValueError(f"invalid type: {_describe(value)}, expected struct StructField")
        name = _member(value, "name")
        if not isinstance(name, str):
            raise ValueError(f"invalid type: {_describe(name)}, expected a string")
        data_type = _type_from_json_value(_member(value, "type"))
        nullable = _json_bool(_member(value, "nullable"))
        metadata = _member(value, "metadata")
        if not isinstance(metadata, dict):
            raise ValueError(f"invalid type: {_describe(metadata)}, expected a map")
        return Field._of(name, data_type, nullable, metadata)

    def to_json(self) -> str:
        """The field's JSON text, as in a schema:
        ``'{"name":"col","type":"integer","nullable":true,"metadata":{}}'``."""
        return _dumps(self._json_value())

    @staticmethod
    def from_json(field_json: str) -> Field:
        """A Field from its JSON text (an object with ``name``, ``type``, ``nullable``
        and ``metadata``).

        Raises:
            ValueError: for text that is not the JSON of a field.
        """
        return Field._from_json_value(_loads(field_json))

    def to_arrow(self) -> pyarrow.Field:
        """The equivalent Arrow field, typed by the C++ core.

        Returns a ``pyarrow.Field`` (deltalake returns an ``arro3.core.Field``). Its
        metadata holds the field's metadata, string values as they are and others as
        JSON text.
        """
        return _fields_to_arrow([self], False)[0]

    @staticmethod
    def from_arrow(field: Any) -> Field:
        """A Field from an Arrow field (anything with ``__arrow_c_schema__``).

        The Arrow field's metadata is kept, every value as a string.

        Raises:
            deltacpp.exceptions.DeltaError: for a type a Delta table cannot store.
        """
        return _fields_from_arrow([_import_arrow_field(field)])[0]

    def __arrow_c_schema__(self) -> object:
        """An ``arrow_schema`` PyCapsule of the field (the Arrow PyCapsule interface)."""
        return self.to_arrow().__arrow_c_schema__()

    def __eq__(self, other: object) -> bool:
        """Fields are equal when name, type, nullability and metadata are."""
        if not isinstance(other, Field):
            return NotImplemented
        return (
            self._name == other._name
            and self._type == other._type
            and self._nullable == other._nullable
            and _same_metadata(self._metadata, other._metadata)
        )

    def __repr__(self) -> str:
        """``Field(id, PrimitiveType("long"), nullable=True)``, as deltalake prints it
        (the name unquoted; ``metadata={...}`` only when there is metadata)."""
        text = f"Field({self._name}, {self._type!r}, nullable={self._nullable}"
        if self._metadata:
            text += f", metadata={self._metadata!r}"
        return text + ")"


class StructType(_DataTypeBase):
    """A struct type: a list of Fields, names unique ignoring case.

    ``StructType([Field("x", "integer"), Field("y", "string")])``.

    Args:
        fields: the struct's fields.

    Raises:
        ValueError: for two fields whose names differ only in case (or not at all).
    """

    __slots__ = ("_fields",)

    def __init__(self, fields: list[Field]) -> None:
        self._fields = _check_fields(fields)

    @classmethod
    def _of(cls, fields: list[Field]) -> StructType:
        _check_unique(fields)
        result = cls.__new__(cls)
        result._fields = fields
        return result

    @property
    def type(self) -> str:
        """The string ``"struct"``."""
        return "struct"

    @property
    def fields(self) -> list[Field]:
        """The fields (a new list each time)."""
        return list(self._fields)

    def _json_value(self) -> Any:
        return {"type": "struct", "fields": [f._json_value() for f in self._fields]}

    @staticmethod
    def from_json(type_json: str) -> StructType:
        """A StructType from its JSON: ``{"type":"struct","fields":[...]}``.

        Raises:
            ValueError: for text that is not the JSON of a type.
            TypeError: for the JSON of a type that is not a struct.
        """
        result = _type_from_json_value(_loads(type_json))
        if not isinstance(result, StructType):
            raise TypeError("Type is not a struct")
        return result

    def to_arrow(self) -> pyarrow.StructType:
        """The equivalent Arrow struct type, mapped by the C++ core.

        Returns a ``pyarrow.StructType`` (deltalake returns an ``arro3.core.DataType``).
        Field metadata is kept, string values as they are and others as JSON text.
        """
        return pyarrow.struct(_fields_to_arrow(self._fields, False))

    @staticmethod
    def from_arrow(data_type: Any) -> StructType:
        """A StructType from an Arrow struct type or schema (anything with
        ``__arrow_c_schema__``).

        Raises:
            TypeError: if the Arrow type is not a struct.
            deltacpp.exceptions.DeltaError: for a type a Delta table cannot store.
        """
        return StructType._of(_struct_fields_from_arrow(data_type))

    def __eq__(self, other: object) -> bool:
        """Structs (and Schemas) are equal when their fields are."""
        if not isinstance(other, StructType):
            return NotImplemented
        return self._fields == other._fields

    def __repr__(self) -> str:
        """``StructType([Field(x, PrimitiveType("integer"), nullable=True)])``."""
        return f"{type(self).__name__}([{', '.join(repr(f) for f in self._fields)}])"


class Schema(StructType):
    """A Delta table's schema: a StructType of the table's columns.

    ``Schema([Field("x", "integer"), Field("y", "string")])`` is
    ``Schema([Field(x, PrimitiveType("integer"), nullable=True),
    Field(y, PrimitiveType("string"), nullable=True)])``. A Schema equals a StructType
    with the same fields.

    Args:
        fields: the columns.

    Raises:
        ValueError: for two fields whose names differ only in case (or not at all).
    """

    __slots__ = ()

    @property
    def invariants(self) -> list[tuple[str, str]]:
        """The columns' invariants, as (field path, SQL expression) tuples.

        Taken from the ``delta.invariants`` metadata of every field, nested ones
        included (paths like ``s.x``, ``a.element.x``, ``m.key.x``), in deltalake's
        order.

        Raises:
            ValueError: for a ``delta.invariants`` value that is not JSON.
        """
        result: list[tuple[str, str]] = []
        # deltalake's traversal: a stack of (path, type, metadata), last field first.
        stack: list[tuple[str, Any, dict]] = [
            (f.name, f.type, f._metadata) for f in self._fields
        ]
        while stack:
            path, data_type, metadata = stack.pop()
            if isinstance(data_type, StructType):
                stack.extend((f"{path}.{f.name}", f.type, f._metadata) for f in data_type._fields)
            elif isinstance(data_type, ArrayType):
                stack.append((f"{path}.element", data_type.element_type, {}))
            elif isinstance(data_type, MapType):
                stack.append((f"{path}.key", data_type.key_type, {}))
                stack.append((f"{path}.value", data_type.value_type, {}))
            invariant = metadata.get(_INVARIANTS_KEY)
            if isinstance(invariant, str):
                try:
                    parsed = _loads(invariant)
                except ValueError as error:
                    raise ValueError(
                        f"Invalid JSON in invariant expression, line=`{invariant}`, "
                        f"err=`{error}`"
                    ) from error
                expression = parsed.get("expression") if isinstance(parsed, dict) else None
                sql = expression.get("expression") if isinstance(expression, dict) else None
                if isinstance(sql, str):
                    result.append((path, sql))
        return result

    def json(self) -> dict[str, Any]:
        """The schema's JSON as a dict. Deprecated, as in deltalake: use
        ``json.loads(schema.to_json())``."""
        warnings.warn(
            "Schema.json() is deprecated. Use json.loads(Schema.to_json()) instead.",
            DeprecationWarning,
            stacklevel=2,
        )
        return json.loads(self.to_json())

    def to_json(self) -> str:
        """The schema's JSON text, as in a table's ``schemaString``:
        ``'{"type":"struct","fields":[{"name":"x","type":"integer","nullable":true,
        "metadata":{}}]}'``."""
        return _dumps(self._json_value())

    @staticmethod
    def from_json(schema_json: str) -> Schema:
        """A Schema from its JSON text (a struct type's JSON, as in ``schemaString``).

        Raises:
            ValueError: for text that is not the JSON of a type, or names no type.
            TypeError: for the JSON of a type that is not a struct.
        """
        result = _type_from_json_value(_loads(schema_json))
        if not isinstance(result, StructType):
            raise TypeError("Type is not a struct")
        return Schema._of(result._fields)

    def to_arrow(self, as_large_types: bool = False) -> pyarrow.Schema:
        """The equivalent Arrow schema, mapped by the C++ core (as deltacpp reads tables).

        Returns a ``pyarrow.Schema`` (deltalake returns an ``arro3.core.Schema``). Field
        metadata is kept, string values as they are and others as JSON text.

        Args:
            as_large_types: give string, binary and list columns (nested ones too) as
                large_string, large_binary and large_list, for systems such as Polars
                that use only the 64-bit-offset variants.
        """
        large = _check_bool(as_large_types)
        return pyarrow.schema(_fields_to_arrow(self._fields, large))

    @staticmethod
    def from_arrow(data_type: Any) -> Schema:
        """A Schema from an Arrow schema or struct type (anything with
        ``__arrow_c_schema__``), mapped by the C++ core.

        Large and view variants of a type read as the type; field metadata is kept,
        every value as a string.

        Raises:
            ValueError: for an object without ``__arrow_c_schema__``.
            TypeError: if it describes a type that is not a struct.
            deltacpp.exceptions.DeltaError: for a type a Delta table cannot store.
        """
        return Schema._of(_struct_fields_from_arrow(data_type))

    def __arrow_c_schema__(self) -> object:
        """An ``arrow_schema`` PyCapsule of the schema (the Arrow PyCapsule interface)."""
        return self.to_arrow().__arrow_c_schema__()


# Can't be a base class of them in deltalake, so it is a Union, as there.
DataType = Union["PrimitiveType", "MapType", "StructType", "ArrayType", "VariantType"]
