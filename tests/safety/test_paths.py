"""Hostile tables against the paths delta-cpp reads and deletes (issue 14).

Every case runs the real `deltacpp` binary on a copy of a test table that a hostile
writer changed: symbolic links inside the table, log paths climbing out of it, FIFOs
where files should be, data files truncated after their commit, deletion vectors that
lie. Decoy files outside the table are checked by content hash after every command: no
command may touch them, and none may crash, hang or return wrong rows silently.
"""
import hashlib
import json
import os
import pathlib
import shutil
import struct
import subprocess
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

DAY = 24 * 3600
TIMEOUT = 60


def run(deltacpp_bin, *args, check=False):
    result = subprocess.run([str(deltacpp_bin), *map(str, args)], capture_output=True,
                            text=True, timeout=TIMEOUT)
    # A crash shows as a negative return code (the signal): never acceptable.
    assert result.returncode >= 0, f"deltacpp {args} died of signal {-result.returncode}"
    if check:
        assert result.returncode == 0, result.stderr
    return result


def digest_tree(root: pathlib.Path) -> dict:
    """Content hash of every regular file under root (links not followed)."""
    digests = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        digests[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def age(root: pathlib.Path, days: float) -> None:
    """Makes every file under root look `days` old, so that vacuum may take it."""
    then = time.time() - days * DAY
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            os.utime(path, (then, then))


def scan_ids(deltacpp_bin, table) -> list:
    result = run(deltacpp_bin, "scan", table, "--format", "csv", check=True)
    return sorted(int(line) for line in result.stdout.splitlines()[1:] if line)


@pytest.fixture
def scratch(tmp_path, testdata):
    """A copy of simple_table as `table`, with decoy files beside it in `outside`."""
    table = tmp_path / "table"
    shutil.copytree(testdata / "delta-rs/simple_table", table)
    outside = tmp_path / "outside"
    outside.mkdir()
    pq.write_table(pa.table({"id": pa.array([666, 667], pa.int64())}),
                   outside / "secret.parquet")
    (outside / "notes.txt").write_text("not the table's")
    return tmp_path, table, outside


# 1. vacuum never deletes through symbolic links.
@pytest.mark.parametrize("lite", [False, True])
def test_vacuum_never_follows_symlinks(deltacpp_bin, scratch, lite):
    tmp, table, outside = scratch
    (table / "link").symlink_to(outside, target_is_directory=True)
    (table / "self").symlink_to(".", target_is_directory=True)
    (table / "up").symlink_to("..", target_is_directory=True)
    # A tombstone that names a file behind the link, for vacuum --lite.
    commit = table / "_delta_log" / "00000000000000000005.json"
    commit.write_text(json.dumps({"remove": {"path": "link/secret.parquet",
                                             "deletionTimestamp": 1, "dataChange": True}})
                      + "\n")
    age(tmp, 30)
    rows_before = scan_ids(deltacpp_bin, table)
    outside_before = digest_tree(outside)
    live = [line for line in run(deltacpp_bin, "files", table, check=True).stdout.splitlines()
            if line.startswith("part-")]
    assert live

    result = run(deltacpp_bin, "vacuum", table, *(["--lite"] if lite else []), check=True)
    assert "link/" not in result.stdout and "self/" not in result.stdout
    assert "up/" not in result.stdout
    assert digest_tree(outside) == outside_before
    assert scan_ids(deltacpp_bin, table) == rows_before
    assert (table / "link").is_symlink() and (table / "self").is_symlink()


# 10. relative paths with ../ (also percent-encoded) are never read.
@pytest.mark.parametrize("logged", ["../outside/secret.parquet",
                                    "%2E%2E/outside/secret.parquet",
                                    "%2e%2e%2foutside%2fsecret.parquet",
                                    "sub/../../outside/secret.parquet"])
def test_data_paths_climbing_out_of_the_table_are_refused(deltacpp_bin, scratch, logged):
    _, table, outside = scratch
    size = (outside / "secret.parquet").stat().st_size
    (table / "_delta_log" / "00000000000000000005.json").write_text(json.dumps(
        {"add": {"path": logged, "partitionValues": {}, "size": size,
                 "modificationTime": 1, "dataChange": True}}) + "\n")
    result = run(deltacpp_bin, "scan", table, "--format", "csv")
    assert result.returncode != 0
    assert "666" not in result.stdout
    assert "climbs out of the table root" in result.stderr, result.stderr
    vacuum = run(deltacpp_bin, "vacuum", table, "--dry-run")
    assert vacuum.returncode != 0 and "climbs out" in vacuum.stderr


def test_deletion_vector_paths_climbing_out_are_refused(deltacpp_bin, tmp_path, testdata):
    table = tmp_path / "table"
    shutil.copytree(testdata / "delta-rs/table-with-dv-small", table)
    commit = table / "_delta_log" / "00000000000000000001.json"
    lines = commit.read_text().splitlines()
    for i, line in enumerate(lines):
        action = json.loads(line)
        if "add" in action:
            action["add"]["deletionVector"]["storageType"] = "p"
            action["add"]["deletionVector"]["pathOrInlineDv"] = \
                "../" + next(table.glob("deletion_vector_*.bin")).name
            lines[i] = json.dumps(action)
    commit.write_text("\n".join(lines) + "\n")
    result = run(deltacpp_bin, "scan", table)
    assert result.returncode != 0
    assert "climbs out of the table root" in result.stderr, result.stderr


# Absolute paths (shallow clones) stay readable, unless the reader says otherwise.
def test_absolute_paths_follow_the_outside_paths_option(deltacpp_bin, scratch):
    _, table, outside = scratch
    size = (outside / "secret.parquet").stat().st_size
    (table / "_delta_log" / "00000000000000000005.json").write_text(json.dumps(
        {"add": {"path": (outside / "secret.parquet").as_uri(), "partitionValues": {},
                 "size": size, "modificationTime": 1, "dataChange": True}}) + "\n")
    assert 666 in scan_ids(deltacpp_bin, table)
    confined = run(deltacpp_bin, "scan", table, "--no-outside-paths")
    assert confined.returncode != 0
    assert "outside the table root" in confined.stderr, confined.stderr
    assert "666" not in confined.stdout


# 9. a FIFO (or any non-regular file) never hangs a reader.
@pytest.mark.parametrize("victim", ["commit", "last_checkpoint", "data"])
def test_fifos_fail_instead_of_hanging(deltacpp_bin, tmp_path, testdata, victim):
    table = tmp_path / "table"
    # The newest commit of simple_table is read by every command; the checkpoint
    # table's _last_checkpoint is.
    source = "simple_table" if victim == "commit" else "simple_table_with_checkpoint"
    shutil.copytree(testdata / "delta-rs" / source, table)
    log = table / "_delta_log"
    if victim == "commit":
        path = sorted(log.glob("*.json"))[-1]
    elif victim == "last_checkpoint":
        path = log / "_last_checkpoint"
    else:
        path = sorted(table.glob("*.parquet"))[-1]
    path.unlink()
    os.mkfifo(path)
    for command in (["scan", table], ["describe", table], ["history", table]):
        if victim == "data" and command[0] != "scan":
            continue
        result = run(deltacpp_bin, *command)  # times out (fails) if it blocks
        assert result.returncode != 0, command
        assert "not a regular file" in result.stderr, result.stderr


# 6. a data file of another size than its commit records is not read silently.
def test_truncated_data_files_are_reported(deltacpp_bin, scratch):
    _, table, _ = scratch
    victim = sorted(table.glob("part-*.parquet"))[0]
    files = run(deltacpp_bin, "files", table, check=True).stdout
    if victim.name not in files:
        victim = next(p for p in table.glob("part-*.parquet") if p.name in files)
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])
    result = run(deltacpp_bin, "scan", table)
    assert result.returncode != 0
    assert "truncated or replaced after it was committed" in result.stderr, result.stderr


# 4. malformed inline deletion vectors are refused, never applied.
def z85_encode(data: bytes) -> str:
    alphabet = ("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                ".-:+=^!/*?&<>()[]{}@%$#")
    data += b"\0" * (-len(data) % 4)
    out = []
    for i in range(0, len(data), 4):
        value = struct.unpack(">I", data[i:i + 4])[0]
        chunk = []
        for _ in range(5):
            value, digit = divmod(value, 85)
            chunk.append(alphabet[digit])
        out.extend(reversed(chunk))
    return "".join(out)


def roaring_bitmap_array(values) -> bytes:
    """A RoaringBitmapArray of one bitmap (key 0) holding one array container with
    `values` exactly as given (unsorted or repeated if asked)."""
    container = struct.pack(f"<{len(values)}H", *values)
    bitmap = (struct.pack("<II", 12346, 1) + struct.pack("<HH", 0, len(values) - 1)
              + struct.pack("<I", 8 + 4 + 4) + container)
    return struct.pack("<IQ", 1681511377, 1) + struct.pack("<I", 0) + bitmap


def table_with_inline_deletion_vector(tmp_path, testdata, rows):
    """A copy of table-with-dv-small whose file's deletion vector is inline and lists
    `rows` as they are given (unsorted, repeated or out of range, if so)."""
    table = tmp_path / "table"
    shutil.copytree(testdata / "delta-rs/table-with-dv-small", table)
    commit = table / "_delta_log" / "00000000000000000001.json"
    serialized = roaring_bitmap_array(rows)
    lines = commit.read_text().splitlines()
    for i, line in enumerate(lines):
        action = json.loads(line)
        if "add" in action:
            action["add"]["deletionVector"] = {
                "storageType": "i", "pathOrInlineDv": z85_encode(serialized),
                "sizeInBytes": len(serialized), "cardinality": len(rows)}
            lines[i] = json.dumps(action)
    commit.write_text("\n".join(lines) + "\n")
    return table


@pytest.mark.parametrize("values,problem", [
    ([9, 0], "sorted and unique"),
    ([5, 5], "sorted and unique"),
    ([1, 60000], "has 10 rows, but its deletion vector lists row 60000"),
])
def test_malformed_inline_deletion_vectors_are_refused(deltacpp_bin, tmp_path, testdata,
                                                       values, problem):
    table = table_with_inline_deletion_vector(tmp_path, testdata, values)
    result = run(deltacpp_bin, "scan", table, "--format", "csv")
    assert result.returncode != 0, result.stdout
    assert problem in result.stderr, result.stderr


def test_a_valid_crafted_inline_vector_deletes_exactly_its_rows(deltacpp_bin, tmp_path,
                                                                testdata):
    """The crafting above is right: sorted, unique, in-range rows are honoured."""
    table = table_with_inline_deletion_vector(tmp_path, testdata, [0, 3, 9])
    result = run(deltacpp_bin, "scan", table, "--format", "csv", check=True)
    assert sorted(int(v) for v in result.stdout.splitlines()[1:]) == [1, 2, 4, 5, 6, 7, 8]


# 11. a table is not created in a non-empty folder that is not one (vacuum would then
# take the folder's files for garbage), unless asked for explicitly.
def test_no_table_is_created_over_other_files(deltacpp_bin, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "q3.csv").write_text("id\n1\n")
    before = digest_tree(folder)
    rows = tmp_path / "rows.csv"
    rows.write_text("id\n7\n")
    create = run(deltacpp_bin, "create", folder, "--schema", "id long")
    assert create.returncode != 0
    assert "not empty and not a Delta table (q3.csv" in create.stderr, create.stderr
    write = run(deltacpp_bin, "write", folder, rows)
    assert write.returncode != 0 and "not empty" in write.stderr
    assert digest_tree(folder) == before and not (folder / "_delta_log").exists()

    run(deltacpp_bin, "write", folder, rows, "--allow-non-empty-folder", check=True)
    assert scan_ids(deltacpp_bin, folder) == [7]
    # An empty or missing folder needs no flag.
    run(deltacpp_bin, "create", tmp_path / "fresh", "--schema", "id long", check=True)
