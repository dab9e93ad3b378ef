"""deltalake's filter forms turned into deltacpp's predicate text.

deltalake takes filters as DNF tuples: ``("col", op, value)``; a list of them is their AND;
a list of such lists is the OR of the ANDs. ``op`` is one of ``= != < <= > >= in not in``.
The core's predicate language (SQL-like: ``year = '2021' AND value > 3``) says the same; a
value given as a string is compared as the column's type (the core casts the literal), so
``("year", "=", "2021")`` matches an integer partition column too, as in deltalake.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Sequence

from deltacpp.exceptions import DeltaError

_OPERATORS = {"=", "==", "!=", "<", "<=", ">", ">=", "in", "not in"}


def quote_column(name: str) -> str:
    """A column name in backquotes, so any name (spaces, dots, keywords) stays one name."""
    return "`" + name.replace("`", "``") + "`"


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, decimal.Decimal)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        value = value.isoformat(sep=" ")
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"filter value {value!r} has a type filters cannot hold")
    return "'" + value.replace("'", "''") + "'"


def _conjunct(item: Any) -> str:
    if not (isinstance(item, (tuple, list)) and len(item) == 3):
        raise ValueError(f"a filter must be a (column, op, value) tuple, got {item!r}")
    column, op, value = item
    if not isinstance(column, str):
        raise ValueError(f"a filter's column must be a string, got {column!r}")
    op = op.lower().strip() if isinstance(op, str) else op
    if op not in _OPERATORS:
        raise ValueError(
            f"filter operator {op!r} is not one of =, !=, <, <=, >, >=, in, not in")
    name = quote_column(column)
    if op in ("in", "not in"):
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise ValueError(f"filter {item!r}: 'in' and 'not in' take a list of values")
        values = [v for v in value if v is not None and v != ""]
        has_null = len(values) != len(value)
        parts = []
        if values:
            parts.append(f"{name} {op.upper()} ({', '.join(_literal(v) for v in values)})")
        if op == "in":
            if has_null:
                parts.append(f"{name} IS NULL")
            return "(" + " OR ".join(parts) + ")" if parts else "FALSE"
        if has_null:
            parts.append(f"{name} IS NOT NULL")
            return "(" + " AND ".join(parts) + ")"
        # As deltalake (pyarrow's semantics): a null is "not in" a list of values.
        return f"({parts[0]} OR {name} IS NULL)" if parts else "TRUE"
    if value is None or (isinstance(value, str) and value == ""):
        # deltalake's way of naming the null partition.
        if op in ("=", "=="):
            return f"{name} IS NULL"
        if op == "!=":
            return f"{name} IS NOT NULL"
        raise ValueError(f"filter {item!r}: a null value takes only = or !=")
    return f"{name} {'=' if op == '==' else op} {_literal(value)}"


def filters_to_predicate(filters: Any) -> str | None:
    """The predicate text of DNF tuple filters, a predicate string as it is, or None."""
    if filters is None:
        return None
    if isinstance(filters, str):
        return filters
    if not isinstance(filters, (list, tuple)):
        raise ValueError(
            "filters must be a predicate string or DNF tuples such as "
            f"[('year', '=', '2021')], got {type(filters).__name__}")
    if len(filters) == 0:
        return None
    if isinstance(filters, tuple) and len(filters) == 3 and isinstance(filters[0], str):
        return _conjunct(filters)
    if all(isinstance(f, (list,)) and f and not isinstance(f[0], str) for f in filters):
        disjuncts = [" AND ".join(_conjunct(item) for item in group) for group in filters]
        return " OR ".join(f"({d})" for d in disjuncts)
    return " AND ".join(_conjunct(item) for item in filters)


def check_row_predicate(predicate: str | None, what: str) -> None:
    """Refuses an empty or blank ``predicate`` of a call that changes rows.

    There None means every row, so an empty string (an unset variable, a blank form field)
    must never be taken for None; deltalake refuses it too. Raises DeltaError, as the core
    does for this rule (ParseRowPredicate in ops/write_table.h).
    """
    if isinstance(predicate, str) and not predicate.strip():
        raise DeltaError(f"{what} is empty: give a condition (an empty predicate is never "
                         "taken to mean every row)")


def is_arrow_expression(value: Any) -> bool:
    """True for a pyarrow.compute.Expression (applied by pyarrow, not by the core)."""
    try:
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, pc.Expression)
