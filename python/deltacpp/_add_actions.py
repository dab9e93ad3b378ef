"""DeltaTable.get_add_actions: the files' statistics (JSON in the log) as typed columns.

The core hands over one row per file with its stats as JSON text; pyarrow's JSON reader
parses them all at once against a schema made from the table's, so 100,000 files take
milliseconds. Stats use physical column names (column mapping) and the protocol's text
forms (dates as strings, decimals as numbers), so they are parsed as JSON-friendly types
and cast to the columns' types after.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.json as pa_json

_STATS_FIELDS = ("numRecords", "minValues", "maxValues", "nullCount")


def _json_type(arrow_type: pa.DataType) -> pa.DataType | None:
    """How a column's min/max value looks in stats JSON, as a type pyarrow's JSON reader
    parses; None when Delta writes no min/max for the type."""
    if pa.types.is_struct(arrow_type):
        return arrow_type  # replaced field by field by the caller
    if pa.types.is_integer(arrow_type):
        return pa.int64()
    if pa.types.is_floating(arrow_type):
        return pa.float64()
    if pa.types.is_decimal(arrow_type) or pa.types.is_boolean(arrow_type):
        return arrow_type  # JSON numbers read exactly as decimals; true/false
    if pa.types.is_timestamp(arrow_type):
        return pa.timestamp("us", arrow_type.tz)
    if pa.types.is_date(arrow_type) or pa.types.is_string(arrow_type):
        return pa.string()
    return None


class _Column:
    """A column of the table: its logical name, its name in stats, its type, children."""

    def __init__(self, field: pa.Field, delta_field: dict[str, Any], mapped: bool) -> None:
        self.name = field.name
        metadata = delta_field.get("metadata", {})
        self.stats_name = (metadata.get("delta.columnMapping.physicalName", field.name)
                           if mapped else field.name)
        self.type = field.type
        self.children: list[_Column] = []
        delta_type = delta_field.get("type")
        # A variant is stored as a struct but is one value: a null count, no min/max.
        self.variant = pa.types.is_struct(field.type) and not (
            isinstance(delta_type, dict) and delta_type.get("type") == "struct")
        if pa.types.is_struct(field.type) and not self.variant:
            delta_children = delta_field["type"]["fields"]
            self.children = [_Column(field.type.field(i), delta_children[i], mapped)
                             for i in range(field.type.num_fields)]


def _value_types(columns: list[_Column], parse: bool) -> list[pa.Field]:
    """Fields of a min/max struct: with `parse` as the JSON holds them (stats names),
    else as the table's types (logical names)."""
    fields = []
    for column in columns:
        if column.variant:
            continue
        if column.children:
            children = _value_types(column.children, parse)
            if children:
                fields.append(pa.field(column.stats_name if parse else column.name,
                                       pa.struct(children)))
            continue
        json_type = _json_type(column.type)
        if json_type is not None:
            fields.append(pa.field(column.stats_name if parse else column.name,
                                   json_type if parse else column.type))
    return fields


def _count_types(columns: list[_Column], parse: bool) -> list[pa.Field]:
    fields = []
    for column in columns:
        name = column.stats_name if parse else column.name
        if column.children:
            fields.append(pa.field(name, pa.struct(_count_types(column.children, parse))))
        else:
            fields.append(pa.field(name, pa.int64()))
    return fields


def _retype(array: pa.Array, target: pa.DataType) -> pa.Array:
    """`array` (as parsed, stats names) as `target` (logical names and types)."""
    if pa.types.is_struct(target):
        children = [_retype(array.field(i), target.field(i).type)
                    for i in range(target.num_fields)]
        return pa.StructArray.from_arrays(children, fields=list(target),
                                          mask=array.is_null() if array.null_count else None)
    if array.type.equals(target):
        return array
    return array.cast(target, safe=False)


def _parse_stats(stats: pa.ChunkedArray, columns: list[_Column]) -> dict[str, pa.Array]:
    count_parse, count_final = _count_types(columns, True), _count_types(columns, False)
    value_parse, value_final = _value_types(columns, True), _value_types(columns, False)
    parse_schema = pa.schema([
        pa.field("numRecords", pa.int64()),
        pa.field("minValues", pa.struct(value_parse)),
        pa.field("maxValues", pa.struct(value_parse)),
        pa.field("nullCount", pa.struct(count_parse)),
    ])
    lines = "\n".join(text if text else "{}" for text in stats.to_pylist()) + "\n"
    rows = stats.length() if hasattr(stats, "length") else len(stats)
    try:
        parsed = pa_json.read_json(
            pa.py_buffer(lines.encode()),
            parse_options=pa_json.ParseOptions(explicit_schema=parse_schema,
                                               unexpected_field_behavior="ignore"),
            read_options=pa_json.ReadOptions(block_size=max(1 << 20, len(lines) + 1)),
        ).combine_chunks()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # Stats this reader cannot parse (e.g. NaN written as text): report none.
        parsed = pa.table({name: pa.nulls(rows, field.type)
                           for name, field in zip(parse_schema.names, parse_schema)})
    if parsed.num_rows != rows:  # an empty table parses to no rows at all
        parsed = pa.table({name: pa.nulls(rows, field.type)
                           for name, field in zip(parse_schema.names, parse_schema)})

    def column(name: str) -> pa.Array:
        array = parsed.column(name)
        return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array

    return {
        "num_records": column("numRecords"),
        "null_count": _retype(column("nullCount"), pa.struct(count_final)),
        "min": _retype(column("minValues"), pa.struct(value_final)),
        "max": _retype(column("maxValues"), pa.struct(value_final)),
    }


def typed_partition_values(actions: pa.Table, schema: pa.Schema,
                           partition_columns: list[str]) -> dict[str, list[pa.Scalar]]:
    """Column -> the typed partition value of every file (one scalar per row)."""
    if not partition_columns:
        return {}
    partition = actions.column("partition").combine_chunks()
    return {name: [partition.field(i)[row] for row in range(len(partition))]
            for i, name in enumerate(partition_columns)}


def add_actions_table(actions: pa.Table, snapshot: Any, flatten: bool) -> pa.Table:
    """deltalake's get_add_actions table from the core's add actions."""
    metadata = snapshot.metadata()
    schema = pa.Schema._import_from_c_capsule(snapshot.arrow_schema())
    delta_fields = {f["name"]: f for f in json.loads(metadata["schema_string"])["fields"]}
    mapped = metadata["configuration"].get("delta.columnMapping.mode", "none") != "none"
    partitions = set(metadata["partition_columns"])
    columns = [_Column(field, delta_fields[field.name], mapped)
               for field in schema if field.name not in partitions]
    stats = _parse_stats(actions.column("stats"), columns)
    fields = [actions.schema.field(name)
              for name in ("path", "size_bytes", "modification_time")]  # not null
    arrays = [actions.column(field.name) for field in fields]
    fields.append(pa.field("num_records", pa.int64()))
    arrays.append(stats["num_records"])
    if columns:
        for name in ("null_count", "min", "max"):
            fields.append(pa.field(name, stats[name].type))
            arrays.append(stats[name])
    if partitions:
        fields.append(actions.schema.field("partition"))
        arrays.append(actions.column("partition"))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    if flatten:
        while any(pa.types.is_struct(f.type) for f in table.schema):
            table = table.flatten()
    return table
