"""Hostile tables against the deltacpp CLI (issue 14, cases 3, 5, 6, 7 and 8).

Each test copies a test table to a temporary folder, makes it hostile, runs the real
binary and checks that it fails with a clear message, no signal, and, where it must not
write, every file of the table unchanged (by content hash):

- 3: versions at the end of the 64-bit range never wrap around to a negative version;
- 5: an empty predicate is never taken to mean every row;
- 6: scan/changes --output never writes into the table's own folder;
- 7: a checkpoint that lost its add rows is corrupt, not an empty table;
- 8: checkpoint refuses a table with writer features delta-cpp does not know.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import subprocess

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

MAX_VERSION = 2**63 - 1


def run(deltacpp_bin: pathlib.Path, *args: str | os.PathLike) -> subprocess.CompletedProcess:
    return subprocess.run([str(deltacpp_bin), *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def refused(result: subprocess.CompletedProcess, *phrases: str) -> None:
    """A clear refusal: an exit code (no signal) and an error naming the problem."""
    assert result.returncode > 0, (result.returncode, result.stdout, result.stderr)
    assert result.stderr.startswith("error: "), result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)


def succeeded(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)
    return result.stdout


def hashes(root: pathlib.Path) -> dict[str, str]:
    """Every file under `root` by its relative path, with its content's sha256."""
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


@pytest.fixture
def simple_table(testdata: pathlib.Path, tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of delta-rs/simple_table (one long column `id`, versions 0 to 4)."""
    table = tmp_path / "table"
    shutil.copytree(testdata / "delta-rs/simple_table", table)
    return table


@pytest.fixture
def rows_csv(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "rows.csv"
    path.write_text("id\n100\n101\n")
    return path


# --- 3: version overflow


def checkpoint_before_the_last_version(deltacpp_bin: pathlib.Path,
                                       table: pathlib.Path) -> None:
    """Renames a checkpoint of the table's newest version to version 2**63 - 2."""
    succeeded(run(deltacpp_bin, "checkpoint", table))
    log = table / "_delta_log"
    (log / "00000000000000000004.checkpoint.parquet").rename(
        log / f"{MAX_VERSION - 1:020d}.checkpoint.parquet")
    hint = json.loads((log / "_last_checkpoint").read_text())
    hint["version"] = MAX_VERSION - 1
    (log / "_last_checkpoint").write_text(json.dumps(hint))


def test_appends_stop_at_the_last_version(deltacpp_bin, simple_table, rows_csv):
    checkpoint_before_the_last_version(deltacpp_bin, simple_table)
    out = succeeded(run(deltacpp_bin, "write", simple_table, rows_csv, "--mode", "append"))
    assert out.startswith(f"version {MAX_VERSION}:"), out
    assert (simple_table / "_delta_log" / f"{MAX_VERSION:020d}.json").is_file()

    before = hashes(simple_table)
    result = run(deltacpp_bin, "write", simple_table, rows_csv, "--mode", "append")
    refused(result, f"is at version {MAX_VERSION}, the last version the protocol allows",
            str(simple_table))
    assert hashes(simple_table) == before
    assert not [p for p in (simple_table / "_delta_log").iterdir() if p.name.startswith("-")]
    # The rows of the last version are still read.
    out = succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "csv"))
    assert sorted(out.split()) == sorted(['"id"', "5", "7", "9", "100", "101"])


def test_every_writer_refuses_a_table_at_the_last_version(deltacpp_bin, simple_table,
                                                          rows_csv):
    checkpoint_before_the_last_version(deltacpp_bin, simple_table)
    succeeded(run(deltacpp_bin, "write", simple_table, rows_csv, "--mode", "append"))
    before = hashes(simple_table)
    for args in (["delete", simple_table, "--where", "id = 100"],
                 ["update", simple_table, "--set", "id = 1", "--where", "id = 100"],
                 ["write", simple_table, rows_csv, "--mode", "overwrite"],
                 ["merge", simple_table, rows_csv, "--on", "target.id = source.id",
                  "--when", "matched THEN DELETE"],
                 ["optimize", simple_table]):
        refused(run(deltacpp_bin, *args), "the last version the protocol allows")
        assert hashes(simple_table) == before, args


def test_a_log_file_past_the_last_version_is_corrupt(deltacpp_bin, simple_table, rows_csv):
    name = "99999999999999999999.json"
    (simple_table / "_delta_log" / name).write_text(
        (simple_table / "_delta_log" / "00000000000000000004.json").read_text())
    before = hashes(simple_table)
    for args in (["scan", simple_table], ["describe", simple_table],
                 ["write", simple_table, rows_csv, "--mode", "append"]):
        refused(run(deltacpp_bin, *args), name,
                f"names a version past {MAX_VERSION}")
        assert hashes(simple_table) == before, args


# --- 5: empty predicates


@pytest.mark.parametrize("predicate", ["", "   ", "\t"])
def test_empty_replace_where_does_not_overwrite_the_table(deltacpp_bin, simple_table,
                                                          rows_csv, predicate):
    before = hashes(simple_table)
    result = run(deltacpp_bin, "write", simple_table, rows_csv, "--mode", "overwrite",
                 "--replace-where", predicate)
    refused(result, "--replace-where is empty")
    assert hashes(simple_table) == before


@pytest.mark.parametrize("args", [
    ["delete", "--where", ""],
    ["delete", "--where", "  "],
    ["delete", "--where", "", "--all"],
    ["update", "--set", "id = 0", "--where", ""],
    ["update", "--set", "id = 0", "--where", " "],
    ["update", "--set", "id = 0", "--where", "", "--all"],
])
def test_empty_where_does_not_change_every_row(deltacpp_bin, simple_table, args):
    before = hashes(simple_table)
    result = run(deltacpp_bin, args[0], simple_table, *args[1:])
    refused(result)
    assert "--where" in result.stderr, result.stderr
    assert hashes(simple_table) == before


@pytest.mark.parametrize("args", [
    ["--on", "", "--when", "matched THEN DELETE"],
    ["--on", " ", "--when", "matched THEN DELETE"],
    ["--on", "target.id = source.id", "--when", "matched AND  THEN DELETE"],
])
def test_empty_merge_conditions_are_refused(deltacpp_bin, simple_table, rows_csv, args):
    before = hashes(simple_table)
    result = run(deltacpp_bin, "merge", simple_table, rows_csv, *args)
    refused(result)
    assert "--on is empty" in result.stderr or "condition after AND" in result.stderr, (
        result.stderr)
    assert hashes(simple_table) == before


# --- 6: scan --output into the table


def live_data_file(table: pathlib.Path) -> pathlib.Path:
    return sorted(table.glob("part-00000-*.parquet"))[0]


def test_scan_output_over_a_data_file_is_refused(deltacpp_bin, simple_table):
    before = hashes(simple_table)
    target = live_data_file(simple_table)
    result = run(deltacpp_bin, "scan", simple_table, "--format", "parquet", "--output",
                 target)
    refused(result, "is inside the folder of table", str(target))
    assert hashes(simple_table) == before


@pytest.mark.parametrize("where", ["new.parquet", "_delta_log/00000000000000000000.json",
                                   "sub/../new.parquet"])
def test_scan_output_anywhere_in_the_table_is_refused(deltacpp_bin, simple_table, where):
    before = hashes(simple_table)
    result = run(deltacpp_bin, "scan", simple_table, "--format", "parquet", "--output",
                 f"{simple_table}/{where}")
    refused(result, "is inside the folder of table")
    assert hashes(simple_table) == before


def test_scan_output_through_links_is_refused(deltacpp_bin, simple_table, tmp_path):
    before = hashes(simple_table)
    folder_link = tmp_path / "folder-link"
    folder_link.symlink_to(simple_table)
    file_link = tmp_path / "file-link.parquet"
    file_link.symlink_to(live_data_file(simple_table))
    dangling = tmp_path / "dangling.parquet"
    dangling.symlink_to(simple_table / "not-there-yet.parquet")
    for output in (folder_link / live_data_file(simple_table).name, file_link, dangling):
        result = run(deltacpp_bin, "scan", simple_table, "--format", "parquet",
                     "--output", output)
        refused(result, "is inside the folder of table")
        assert hashes(simple_table) == before, output
    # The table named through a link is the same folder.
    result = run(deltacpp_bin, "scan", folder_link, "--format", "parquet", "--output",
                 live_data_file(simple_table))
    refused(result, "is inside the folder of table")
    assert hashes(simple_table) == before


def test_scan_output_relative_to_the_working_folder(deltacpp_bin, simple_table):
    before = hashes(simple_table)
    result = subprocess.run(
        [str(pathlib.Path(deltacpp_bin).resolve()), "scan", ".", "--format", "parquet",
         "--output",
         live_data_file(simple_table).name],
        capture_output=True, text=True, timeout=120, cwd=simple_table)
    refused(result, "is inside the folder of table")
    assert hashes(simple_table) == before


def test_scan_output_outside_the_table_is_written(deltacpp_bin, simple_table, tmp_path):
    output = tmp_path / "rows.parquet"
    succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "parquet", "--output",
                  output))
    assert sorted(pq.read_table(output).column("id").to_pylist()) == [5, 7, 9]
    # A sibling folder whose name starts with the table's is outside it.
    sibling = tmp_path / (simple_table.name + "-export")
    sibling.mkdir()
    succeeded(run(deltacpp_bin, "scan", simple_table, "--format", "parquet", "--output",
                  sibling / "rows.parquet"))


def test_changes_output_into_the_table_is_refused(deltacpp_bin, testdata, tmp_path):
    table = tmp_path / "cdf"
    shutil.copytree(testdata / "delta-rs/cdf-table", table)
    before = hashes(table)
    target = sorted(table.rglob("*.parquet"))[0]
    result = run(deltacpp_bin, "changes", table, "--format", "parquet", "--output", target)
    refused(result, "is inside the folder of table")
    assert hashes(table) == before


# --- 7: a checkpoint that lost its add rows


def test_checkpoint_without_its_adds_is_corrupt(deltacpp_bin, testdata, tmp_path):
    table = tmp_path / "table"
    shutil.copytree(testdata / "golden/basic-with-inserts-deletes-checkpoint", table)
    checkpoint = table / "_delta_log" / "00000000000000000010.checkpoint.parquet"
    assert json.loads((table / "_delta_log" / "_last_checkpoint").read_text())[
        "numOfAddFiles"] == 6
    succeeded(run(deltacpp_bin, "scan", table, "--format", "csv"))

    rows = pq.read_table(checkpoint)
    pq.write_table(rows.filter(pc.is_null(rows.column("add"))), checkpoint)
    # The hint's size is made to match, or the size check alone (a checkpoint replaced
    # after the hint was written) would set the checkpoint aside.
    hint_path = table / "_delta_log" / "_last_checkpoint"
    hint = json.loads(hint_path.read_text())
    hint["sizeInBytes"] = checkpoint.stat().st_size
    hint.pop("checksum", None)
    hint_path.write_text(json.dumps(hint))
    before = hashes(table)
    for command in ("scan", "describe", "files"):
        result = run(deltacpp_bin, command, table)
        refused(result, str(checkpoint),
                "holds 0 add actions, but _last_checkpoint records 6")
    # Before the checkpoint the commits still tell the table.
    succeeded(run(deltacpp_bin, "scan", table, "--version", "9", "--format", "csv"))
    assert hashes(table) == before


# --- 8: checkpoint on a table with writer features delta-cpp does not know


def test_checkpoint_refuses_unknown_writer_features(deltacpp_bin, simple_table, rows_csv):
    (simple_table / "_delta_log" / "00000000000000000005.json").write_text(json.dumps(
        {"protocol": {"minReaderVersion": 1, "minWriterVersion": 7,
                      "writerFeatures": ["appendOnly", "someFutureFeature"]}}) + "\n")
    before = hashes(simple_table)
    for args in (["checkpoint", simple_table],
                 ["cleanup-metadata", simple_table, "--retention", "interval 0 days"],
                 ["write", simple_table, rows_csv, "--mode", "append"]):
        refused(run(deltacpp_bin, *args), "'someFutureFeature'")
        assert hashes(simple_table) == before, args
    # Reading is not writing.
    succeeded(run(deltacpp_bin, "scan", simple_table))
