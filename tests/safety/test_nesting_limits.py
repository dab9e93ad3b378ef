"""Deeply nested input against the deltacpp CLI (issue 14, case 2).

Small crafted inputs used to overflow the stack (SIGSEGV): a log line of 100,000 nested
'[', a schemaString of 10,000 nested structs, predicates of 6,000 nested parentheses or
30,000 NOTs or unary minuses, IN with 20,000 values, a JSON Lines input of 100,000 nested
arrays. Every recursive parser now stops at a limit and says so:

- JSON the kernel reads (log lines, schemas, statistics, _last_checkpoint): 1000 levels;
- predicates and expressions (--where, --on, --set, constraints, generated columns):
  256 levels, with long AND/OR chains and IN lists kept shallow;
- types in a schema (schemaString, create --schema) and values in JSON Lines input: 100
  (Arrow's Parquet reader reads files of at most 100 levels, a list taking two).

Each test copies a test table to a temporary folder, runs the real binary and checks
that it fails with an exit code (never a signal) and an error naming the limit, and,
where it must not write, that every file of the table is unchanged (by content hash).
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import subprocess

import pytest

JSON_LIMIT = "nests JSON deeper than 1000 levels"
PREDICATE_LIMIT = "nests deeper than 256 levels"


def run(deltacpp_bin: pathlib.Path, *args: str | os.PathLike,
        stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(deltacpp_bin), *map(str, args)], capture_output=True,
                          text=True, timeout=300, input=stdin)


def refused(result: subprocess.CompletedProcess, *phrases: str) -> None:
    """A clear refusal: an exit code (no signal) and an error naming the problem."""
    assert result.returncode > 0, (result.returncode, result.stdout[:500],
                                   result.stderr[:500])
    assert result.stderr.startswith("error: "), result.stderr[:500]
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr[:500])


def succeeded(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, (result.returncode, result.stdout[:500],
                                    result.stderr[:500])
    return result.stdout


def hashes(root: pathlib.Path) -> dict[str, str]:
    """Every file under `root` by its relative path, with its content's sha256."""
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def ids(csv: str) -> list[int]:
    """The `id` column of `scan --format csv` output."""
    lines = csv.splitlines()
    assert lines[0] == '"id"', csv[:200]
    return sorted(int(line) for line in lines[1:])


@pytest.fixture
def simple_table(testdata: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of delta-rs/simple_table (one long column `id`, versions 0 to 4)."""
    table = tmp_path / "table"
    shutil.copytree(testdata / "delta-rs/simple_table", table)
    return table


def commit(table: pathlib.Path, version: int, *lines: str) -> None:
    (table / "_delta_log" / f"{version:020d}.json").write_text("\n".join(lines) + "\n")


def nested_structs(levels: int) -> str:
    """A schemaString whose column `top` nests `levels` structs around a long (written
    as text: json.dumps itself stops at Python's recursion limit)."""
    type_ = ('{"type":"struct","fields":[{"name":"s","type":' * levels + '"long"'
             + ',"nullable":true,"metadata":{}}]}' * levels)
    field = '{"name":"top","type":' + type_ + ',"nullable":true,"metadata":{}}'
    return '{"type":"struct","fields":[' + field + "]}"


def test_log_line_of_100000_nested_brackets(deltacpp_bin, simple_table):
    deep = "[" * 100_000 + "]" * 100_000
    commit(simple_table, 5, '{"commitInfo":{"timestamp":1,"x":' + deep + "}}")
    for command in (["scan"], ["history"], ["describe"], ["scan", "--where", "id > 1"]):
        result = run(deltacpp_bin, command[0], simple_table, *command[1:])
        refused(result, JSON_LIMIT, "00000000000000000005.json line 1")
    # Unclosed, on a later line.
    commit(simple_table, 5, '{"commitInfo":{"timestamp":1}}', "[" * 100_000)
    refused(run(deltacpp_bin, "scan", simple_table), JSON_LIMIT,
            "00000000000000000005.json line 2")


def test_schema_of_10000_nested_structs(deltacpp_bin, simple_table):
    metadata = {"metaData": {
        "id": "5fba94ed-9794-4965-ba6e-6ee3c0d22af9",
        "format": {"provider": "parquet", "options": {}},
        "schemaString": nested_structs(10_000), "partitionColumns": [],
        "configuration": {}, "createdTime": 1}}
    # The commit line itself nests a few levels: the schema is a string inside it.
    commit(simple_table, 5, json.dumps(metadata))
    for command in ("scan", "describe"):
        refused(run(deltacpp_bin, command, simple_table), "schemaString", JSON_LIMIT)
    # Within the JSON limit, past the types' own.
    metadata["metaData"]["schemaString"] = nested_structs(300)
    commit(simple_table, 5, json.dumps(metadata))
    refused(run(deltacpp_bin, "describe", simple_table),
            "nests types deeper than 100 levels")


@pytest.mark.parametrize("where", [
    "(" * 6000 + "id > 1" + ")" * 6000,
    "NOT " * 30_000 + "id > 1",
    "id = " + "-" * 30_000 + "1",
    "id = " + "- " * 30_000 + "id",
    "id = " + "+" * 30_000 + "1",
    "abs(" * 5000 + "id" + ")" * 5000 + " > 1",
    "id" + " + 1" * 5000 + " > 1",
], ids=["parentheses", "nots", "minus-signs", "negations", "plus-signs", "calls",
        "additions"])
def test_deep_predicates_are_refused(deltacpp_bin, simple_table, tmp_path, where):
    before = hashes(simple_table)
    refused(run(deltacpp_bin, "scan", simple_table, "--where", where), PREDICATE_LIMIT)
    refused(run(deltacpp_bin, "delete", simple_table, "--where", where), PREDICATE_LIMIT)
    refused(run(deltacpp_bin, "update", simple_table, "--set", "id = 0", "--where", where),
            PREDICATE_LIMIT)
    rows = tmp_path / "rows.json"
    rows.write_text('{"id": 1}\n')
    refused(run(deltacpp_bin, "write", simple_table, rows, "--mode", "overwrite",
                "--replace-where", where), PREDICATE_LIMIT)
    assert hashes(simple_table) == before


def test_in_with_20000_values(deltacpp_bin, simple_table):
    # Each a value no row holds, then 5 and 7: as short as fits one argument.
    values = ",".join(str(v) for v in range(100, 20_100))
    assert len(values) < 131_072  # Linux's limit on one argument
    everything = ids(succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "csv")))
    kept = ids(succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "csv",
                             "--where", f"id IN ({values},5,7)")))
    assert kept == [v for v in everything if v in (5, 7)]
    rest = ids(succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "csv",
                             "--where", f"id NOT IN ({values},5,7)")))
    assert rest == [v for v in everything if v not in (5, 7)]
    # A long generated list of alternatives works as well.
    alternatives = " OR ".join(f"id={v}" for v in range(100, 10_100)) + " OR id=7"
    assert len(alternatives) < 131_072
    kept = ids(succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "csv",
                             "--where", alternatives)))
    assert kept == [v for v in everything if v == 7]
    # And a write with it: delete the rows it names.
    succeeded(run(deltacpp_bin, "delete", simple_table, "--where", f"id IN ({values},5,7)"))
    after = ids(succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "csv")))
    assert after == [v for v in everything if v not in (5, 7)]


def test_merge_with_thousands_of_conditions(deltacpp_bin, simple_table, tmp_path):
    # merge splits --on into its conditions and joined them again as a chain, which
    # binding recursed through (a stack overflow under AddressSanitizer at 1000).
    source = tmp_path / "source.json"
    source.write_text('{"id": 5}\n{"id": 1000}\n')
    on = "target.id = source.id" + " AND target.id > -1" * 6000
    assert len(on) < 131_072
    succeeded(run(deltacpp_bin, "merge", simple_table, source, "--on", on,
                  "--when", "matched THEN DELETE", "--when", "not matched THEN INSERT *"))
    kept = ids(succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "csv")))
    assert 5 not in kept and 1000 in kept
    before = hashes(simple_table)
    refused(run(deltacpp_bin, "merge", simple_table, source, "--on",
                "(" * 6000 + "target.id = source.id" + ")" * 6000,
                "--when", "matched THEN DELETE"), PREDICATE_LIMIT)
    assert hashes(simple_table) == before


def test_json_lines_input_of_100000_nested_arrays(deltacpp_bin, simple_table, tmp_path):
    before = hashes(simple_table)
    rows = tmp_path / "rows.json"
    rows.write_text('{"id": 1}\n{"id": 2, "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    refused(run(deltacpp_bin, "write", simple_table, rows),
            "JSON input", "line 2", "nests values deeper than 100 levels")
    # The same from stdin, and into a new table.
    refused(run(deltacpp_bin, "write", simple_table, "-", "--format", "json",
                stdin=rows.read_text()), "nests values deeper than 100 levels")
    new_table = tmp_path / "new"
    refused(run(deltacpp_bin, "write", new_table, rows), "nests values deeper than 100 levels")
    assert hashes(simple_table) == before
    assert not (new_table / "_delta_log").exists() or not any(
        (new_table / "_delta_log").glob("*.json"))

    # Values 100 levels deep, the most a table takes: written, and described.
    rows = tmp_path / "rows.json"
    rows.write_text('{"id":1,"x":' + '{"s":' * 100 + "1" + "}" * 100 + "}\n")
    table = tmp_path / "deep"
    succeeded(run(deltacpp_bin, "write", table, rows))
    assert "x" in succeeded(run(deltacpp_bin, "describe", table))
    # Read back at the limit, in the deepest Parquet form (a list is two of its levels,
    # so the file nests deeper than Arrow reads by default), and mixed.
    for value in ["[" * 100 + "1" + "]" * 100, '{"s":[' * 50 + "1" + "]}" * 50]:
        rows.write_text('{"id":1,"x":' + value + "}\n")
        readable = tmp_path / f"readable-{len(value)}"
        succeeded(run(deltacpp_bin, "write", readable, rows))
        out = succeeded(run(deltacpp_bin, "scan", readable, "--format", "json"))
        assert out.splitlines()[0].replace(" ", "") == '{"id":1,"x":' + value + "}"


def test_create_with_a_deep_schema(deltacpp_bin, tmp_path):
    table = tmp_path / "created"
    refused(run(deltacpp_bin, "create", table, "--schema",
                "a " + "struct<a: " * 10_000 + "int" + ">" * 10_000),
            "types nest deeper than 100 levels")
    refused(run(deltacpp_bin, "create", table, "--schema", "a " + "array<" * 20_000),
            "types nest deeper than 100 levels")
    refused(run(deltacpp_bin, "create", table, "--schema-json",
                '{"type":"struct","fields":' + "[" * 100_000), JSON_LIMIT)
    assert not (table / "_delta_log").exists() or not any(
        (table / "_delta_log").glob("*.json"))
