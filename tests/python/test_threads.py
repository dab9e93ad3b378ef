"""deltacpp from several Python threads, and writes fed by Python generators.

What this file proves:

- eight threads reading (to_pyarrow_table, file_uris, history) one shared DeltaTable and
  their own DeltaTables while another thread appends 20 times: every read succeeds and
  is consistent with one version, the versions each reader sees never go back, and the
  final table has every row (checked by deltalake too);
- a write whose data comes from a Python generator finishes (the core reads the input on
  a background thread while the calling thread waits without the GIL: holding the GIL
  there would deadlock), also while other threads run Python code;
- an exception raised inside the generator comes out of write_deltalake with its message,
  and nothing is committed.
"""

from __future__ import annotations

import threading
import time

import deltalake
import pyarrow as pa
import pytest

from deltacpp import DeltaTable, write_deltalake
from deltacpp.exceptions import TableNotFoundError

BATCH_ROWS = 50
APPENDS = 20
READERS = 8
TIMEOUT = 60


def batch(start: int, n: int = BATCH_ROWS) -> pa.Table:
    return pa.table({"id": pa.array(range(start, start + n), pa.int64()),
                     "s": pa.array([f"r{i}" for i in range(start, start + n)])})


def run_in_thread(target, timeout: float = TIMEOUT) -> dict:
    """Runs ``target`` in a daemon thread; returns {"done", "result" or "error"}."""
    outcome: dict = {"done": False}

    def body():
        try:
            outcome["result"] = target()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error
        outcome["done"] = True

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"still running after {timeout} s: a deadlock?"
    return outcome


def test_readers_and_an_appender(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, batch(0))
    shared = DeltaTable(path)
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: dict[int, list[tuple[int, int]]] = {i: [] for i in range(READERS)}

    def check_snapshot(rows: int, files: list[str], history: list[dict]) -> None:
        # Whole commits only: every version is in the history, each append whole.
        newest = history[0]["version"]
        assert [h["version"] for h in history] == list(range(newest, -1, -1))
        assert rows % BATCH_ROWS == 0
        assert len(files) <= newest + 1

    def shared_reader(index: int) -> None:
        while not stop.is_set():
            version = shared.version()
            table = shared.to_pyarrow_table()
            files = shared.file_uris()
            history = shared.history()
            check_snapshot(table.num_rows, files, history)
            # The shared object only moves forward, so each later call sees as much.
            assert table.num_rows >= (version + 1) * BATCH_ROWS
            assert len(files) >= version + 1
            assert history[0]["version"] >= version
            seen[index].append((version, table.num_rows))

    def own_reader(index: int) -> None:
        dt = DeltaTable(path)
        while not stop.is_set():
            dt.update_incremental()
            version = dt.version()
            table = dt.to_pyarrow_table()
            files = dt.file_uris()
            history = dt.history()
            # Nothing else moves this object: rows and files are the version's. history()
            # lists the log's commits, newer ones included (as deltalake does).
            assert table.num_rows == (version + 1) * BATCH_ROWS
            assert len(files) == version + 1
            assert history[0]["version"] >= version
            assert sorted(table.column("id").to_pylist()) == list(range(table.num_rows))
            check_snapshot(table.num_rows, files, history)
            seen[index].append((version, table.num_rows))

    def guarded(target, index):
        def body():
            try:
                target(index)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)
                stop.set()
        return body

    threads = [threading.Thread(target=guarded(shared_reader if i % 2 else own_reader, i))
               for i in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        for i in range(1, APPENDS + 1):
            write_deltalake(shared, batch(i * BATCH_ROWS), mode="append")
            assert shared.version() == i
            time.sleep(0.01)
    finally:
        time.sleep(0.05)
        stop.set()
        for thread in threads:
            thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    for index, versions in seen.items():
        assert versions, f"reader {index} read nothing"
        numbers = [v for v, _ in versions]
        assert numbers == sorted(numbers), f"reader {index} went back: {numbers}"
        counts = [n for _, n in versions]
        assert counts == sorted(counts), f"reader {index} lost rows: {counts}"
    total = (APPENDS + 1) * BATCH_ROWS
    assert shared.version() == APPENDS
    assert shared.to_pyarrow_table().num_rows == total
    assert DeltaTable(path).to_pyarrow_table().num_rows == total
    theirs = deltalake.DeltaTable(str(path)).to_pyarrow_table()
    assert sorted(theirs.column("id").to_pylist()) == list(range(total))


def test_generator_write_finishes(tmp_path):
    path = tmp_path / "t"
    pulled = []

    def batches():
        for i in range(200):
            pulled.append(threading.current_thread().name)
            yield batch(i * 100, 100).to_batches()[0]

    outcome = run_in_thread(lambda: write_deltalake(path, batches()))
    assert outcome["done"] and "error" not in outcome, outcome
    assert len(pulled) == 200
    dt = DeltaTable(path)
    assert dt.version() == 0
    assert dt.to_pyarrow_table().num_rows == 20_000
    assert deltalake.DeltaTable(str(path)).to_pyarrow_table().num_rows == 20_000


def test_generator_write_while_other_threads_hold_the_gil(tmp_path):
    """Busy Python threads compete for the GIL the reading thread needs."""
    path = tmp_path / "t"
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            sum(range(1000))

    spinners = [threading.Thread(target=spin, daemon=True) for _ in range(3)]
    for spinner in spinners:
        spinner.start()

    def batches():
        for i in range(50):
            yield batch(i * 100, 100).to_batches()[0]

    try:
        outcome = run_in_thread(lambda: write_deltalake(path, batches(), mode="overwrite"))
    finally:
        stop.set()
        for spinner in spinners:
            spinner.join(TIMEOUT)
    assert outcome["done"] and "error" not in outcome, outcome
    assert DeltaTable(path).to_pyarrow_table().num_rows == 5000


def test_generator_writes_from_several_threads(tmp_path):
    """Four generator-fed appends at once, to four tables."""
    def write(index):
        def batches():
            for i in range(20):
                yield batch(i * 10, 10).to_batches()[0]
        write_deltalake(tmp_path / f"t{index}", batches())
        return index

    outcomes = []
    threads = []
    for index in range(4):
        outcome: dict = {}
        outcomes.append(outcome)

        def body(index=index, outcome=outcome):
            try:
                outcome["result"] = write(index)
            except BaseException as error:  # noqa: BLE001 - checked below
                outcome["error"] = error
        threads.append(threading.Thread(target=body, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert [o.get("result") for o in outcomes] == [0, 1, 2, 3], outcomes
    for index in range(4):
        assert DeltaTable(tmp_path / f"t{index}").to_pyarrow_table().num_rows == 200


@pytest.mark.parametrize("error_type", [RuntimeError, ValueError, KeyError])
def test_generator_exception_to_a_new_table(tmp_path, error_type):
    path = tmp_path / "t"
    message = f"generator gave up at batch 3 ({error_type.__name__})"

    def batches():
        for i in range(3):
            yield batch(i * 10, 10).to_batches()[0]
        raise error_type(message)

    outcome = run_in_thread(lambda: write_deltalake(path, batches()))
    assert outcome["done"]
    error = outcome.get("error")
    assert isinstance(error, Exception), outcome
    assert message in str(error)
    assert not DeltaTable.is_deltatable(path)
    with pytest.raises(TableNotFoundError):
        DeltaTable(path)


def test_generator_exception_on_the_first_batch(tmp_path):
    path = tmp_path / "t"

    def batches():
        raise RuntimeError("no data today")
        yield  # pragma: no cover - makes this a generator

    with pytest.raises(Exception, match="no data today"):
        write_deltalake(path, batches())
    assert not DeltaTable.is_deltatable(path)


def test_generator_exception_commits_nothing_to_an_existing_table(tmp_path):
    path = tmp_path / "t"
    write_deltalake(path, batch(0))
    dt = DeltaTable(path)

    def batches():
        yield batch(100, 10).to_batches()[0]
        yield batch(110, 10).to_batches()[0]
        raise RuntimeError("upstream feed broke: code 7731")

    for mode in ("append", "overwrite"):
        outcome = run_in_thread(
            lambda mode=mode: write_deltalake(dt, batches(), mode=mode))
        assert outcome["done"]
        assert "upstream feed broke: code 7731" in str(outcome.get("error")), outcome
        assert dt.version() == 0
    assert DeltaTable(path).version() == 0
    assert DeltaTable(path).to_pyarrow_table().num_rows == BATCH_ROWS
    theirs = deltalake.DeltaTable(str(path))
    assert theirs.version() == 0
    assert sorted(theirs.to_pyarrow_table().column("id").to_pylist()) == list(
        range(BATCH_ROWS))
