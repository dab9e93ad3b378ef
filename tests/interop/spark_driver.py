"""The Delta Spark side of test_spark_interop.py; runs under .venv-spark/bin/python.

  spark_driver.py --packages      print the Maven coordinates of the Delta jar
  spark_driver.py --warm-up       start Spark once so that Ivy fetches the jars into the
                                  cache, and list them (scripts/setup_spark.sh does this)
  spark_driver.py --work DIR [--only NAME,...] [--threads N]
      for each table of BUILDERS: builds it with Spark in DIR/tables/NAME, reads every
      version back with Spark (versionAsOf) and evaluates its filters at the latest
      version; the rows go to DIR/results/NAME/*.parquet, and DIR/manifest.json lists
      tables, versions, filters, any Spark error, and timings.
      --written FILE: also reads the tables delta-cpp wrote, and has delta-cpp append to a
      table Spark creates (see read_written, spark_then_deltacpp).

One Spark session (one JVM) does it all: starting it costs 10-25 s, the first Delta
operation another 10-15 s of JIT warm-up, later operations 0.5-3 s each. With --threads 2,
two threads, each with its own SparkSession on the shared SparkContext, work on different
tables at once; the default is one, because two concurrent DataFrame.toArrow calls were
seen to hang for good (both JVM "serve-Arrow" threads waiting for a Python side that never
connected), besides the JDK 17 method-handle race read_written retries.

The jar cache is DELTACPP_IVY_DIR (default: .cache/ivy in the repository). --warm-up
lists the resolved jars in DELTACPP_IVY_DIR/delta-jars.txt; later runs load those files
directly, with no Ivy resolution and no network.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import queue
import sys
import tempfile
import time
import traceback
import urllib.parse

import pyarrow as pa
import pyarrow.parquet as pq

REPO = pathlib.Path(__file__).resolve().parents[2]
# The Delta jar: artifact named after Spark's minor version (delta-spark_<spark>_<scala>),
# version = the delta-spark pip package's (scripts/requirements/spark.txt).
PACKAGES = "io.delta:delta-spark_4.1_2.13:4.4.0"
IVY_DIR = pathlib.Path(os.environ.get("DELTACPP_IVY_DIR", REPO / ".cache/ivy"))
JAR_LIST = IVY_DIR / "delta-jars.txt"


def cached_jars():
    """The jars --warm-up resolved, if all are still there."""
    try:
        lines = JAR_LIST.read_text().split()
    except OSError:
        return None
    jars = [line for line in lines if line]
    paths = [urllib.parse.urlparse(j).path for j in jars]
    if jars and all(pathlib.Path(p).is_file() for p in paths) and \
            any("delta-spark_" in p for p in paths):
        return jars
    return None


def start_spark(use_cache=True):
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[2]")
        .appName("deltacpp-interop")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        # Small tables: log replay in 2 tasks, not 50.
        .config("spark.databricks.delta.snapshotPartitions", "2")
        # Proleptic Gregorian dates and times in every file, as the Delta protocol says.
        .config("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
        .config("spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED")
        .config("spark.sql.parquet.datetimeRebaseModeInRead", "CORRECTED")
        .config("spark.sql.parquet.int96RebaseModeInRead", "CORRECTED")
        # Speed on 2 cores with tiny tables, measured: the C1 JIT only, interpreted
        # expressions instead of generated code (Spark's own tests run both ways), no
        # adaptive query execution: about a third less time here; results do not change.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.sql.adaptive.enabled", "false")
    )
    jars = cached_jars() if use_cache else None
    if jars:
        builder = builder.config("spark.jars", ",".join(jars))
    else:
        IVY_DIR.mkdir(parents=True, exist_ok=True)
        builder = (builder.config("spark.jars.packages", PACKAGES)
                   .config("spark.jars.ivy", str(IVY_DIR)))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# ---------------------------------------------------------------------------------------
# The tables. Each builder gets a session and a path, and makes commits there; filters=
# lists predicates in the SQL both Spark's .where() and `deltacpp scan --where` accept.

BUILDERS = {}


def table(name, filters=()):
    def register(fn):
        BUILDERS[name] = (fn, list(filters))
        return fn
    return register


def sql(spark, text, path):
    return spark.sql(text.replace("{t}", f"delta.`{path}`"))


class conf:
    """Session settings for the duration of a with-block."""

    def __init__(self, spark, **settings):
        self.spark, self.settings, self.saved = spark, settings, {}

    def __enter__(self):
        for key, value in self.settings.items():
            key = key.replace("__", ".")
            self.saved[key] = self.spark.conf.get(key, None)
            self.spark.conf.set(key, value)

    def __exit__(self, *exc):
        for key, value in self.saved.items():
            if value is None:
                self.spark.conf.unset(key)
            else:
                self.spark.conf.set(key, value)


def ctas(spark, path, columns, rows, partitioned_by=(), properties=None, hint=""):
    """Version 0 with rows in it: CREATE TABLE ... AS SELECT over VALUES, cast to the
    declared column types ("name TYPE" each). One commit instead of CREATE + INSERT."""
    names = [c.split(" ", 1)[0] for c in columns]
    select = ", ".join(f"CAST({n} AS {c.split(' ', 1)[1]}) AS {n}" for n, c in zip(names, columns))
    text = f"CREATE TABLE delta.`{path}` USING DELTA"
    if partitioned_by:
        text += f" PARTITIONED BY ({', '.join(partitioned_by)})"
    if properties:
        pairs = ", ".join(f"'{k}' = '{v}'" for k, v in properties.items())
        text += f" TBLPROPERTIES ({pairs})"
    if isinstance(rows, str) and rows.lstrip().upper().startswith("SELECT"):
        source = f"({rows})"
    else:
        source = f"VALUES {rows}"
    text += f" AS SELECT {hint} {select} FROM {source} AS v({', '.join(names)})"
    spark.sql(text)


@table("deletion_vectors", filters=[
    "id > 50", "name = 'n17'", "id IN (1, 7, 8, 99, 105)", "grp = 1 AND name IS NOT NULL"])
def build_deletion_vectors(spark, p):
    # 0: two files; 1, 2: DVs (the second delete merges into the first file's DV);
    # 3: UPDATE, and a checkpoint holding the DV descriptors; 4: a new file.
    ctas(spark, p, ["id BIGINT", "name STRING", "grp INT"],
         "SELECT id, concat('n', id), id % 5 FROM range(100)",
         properties={"delta.enableDeletionVectors": "true", "delta.checkpointInterval": "3"},
         hint="/*+ REPARTITION(2) */")
    sql(spark, "DELETE FROM {t} WHERE id % 7 = 0", p)
    sql(spark, "DELETE FROM {t} WHERE id BETWEEN 40 AND 60", p)
    sql(spark, "UPDATE {t} SET name = concat(name, '-u') WHERE grp = 1", p)
    sql(spark, "INSERT INTO {t} SELECT id, concat('n', id), 9 FROM range(100, 110)", p)


@table("column_mapping_name", filters=[
    "`a renamed` = 'x3'", "s.`x renamed` >= 3", "`part col` = 'p2'", "b IS NULL",
    "id > 1 AND `part col` IS NULL"])
def build_column_mapping_name(spark, p):
    # Checkpoints at 4 and 8 (partition values by physical name, renamed columns).
    ctas(spark, p, ["id INT", "a STRING", "b DOUBLE", "s STRUCT<x: INT, y: STRING>", "p STRING"],
         "(1, 'x1', 1.5, named_struct('x', 1, 'y', 'y1'), 'p1'), (2, NULL, NULL, NULL, NULL)",
         partitioned_by=["p"],
         properties={"delta.columnMapping.mode": "name", "delta.checkpointInterval": "4"})
    sql(spark, "ALTER TABLE {t} RENAME COLUMN a TO `a renamed`", p)
    sql(spark, "INSERT INTO {t} (id, `a renamed`, b, s, p) VALUES (3, 'x3', 3.5, "
        "named_struct('x', 3, 'y', 'y3'), 'p2')", p)
    sql(spark, "ALTER TABLE {t} DROP COLUMN b", p)
    sql(spark, "ALTER TABLE {t} RENAME COLUMN s.x TO `x renamed`", p)
    sql(spark, "INSERT INTO {t} (id, `a renamed`, s, p) VALUES (4, 'x4', "
        "named_struct('x renamed', 4, 'y', 'y4'), 'p1')", p)
    sql(spark, "ALTER TABLE {t} RENAME COLUMN p TO `part col`", p)
    sql(spark, "ALTER TABLE {t} ADD COLUMNS (b STRING)", p)   # same name as the dropped one
    sql(spark, "INSERT INTO {t} (id, `a renamed`, s, `part col`, b) VALUES (5, 'x5', "
        "named_struct('x renamed', 5, 'y', NULL), 'p2', 'b5')", p)


@table("column_mapping_id", filters=["a2 = 'a3'", "id <= 2"])
def build_column_mapping_id(spark, p):
    ctas(spark, p, ["id INT", "a STRING", "n STRUCT<m: INT, k: STRING>"],
         "(1, 'a1', named_struct('m', 1, 'k', 'k1')), (2, NULL, NULL)",
         properties={"delta.columnMapping.mode": "id"})
    sql(spark, "ALTER TABLE {t} RENAME COLUMN a TO a2", p)
    sql(spark, "INSERT INTO {t} (id, a2, n) VALUES (3, 'a3', named_struct('m', 3, 'k', NULL))", p)
    sql(spark, "ALTER TABLE {t} DROP COLUMN n", p)
    sql(spark, "INSERT INTO {t} (id, a2) VALUES (4, 'a4')", p)


@table("partitioned_special", filters=[
    "s = 'a b'", "s = '100%'", "s IS NULL", "s = ''", "s = 'x=y/z'", "s = '#{}[]?*:^'",
    "i > 1", "d = '2024-01-02'", "d IS NULL OR id > 8", "s IN ('a%20b', 'it''s') AND i IS NULL"])
def build_partitioned_special(spark, p):
    ctas(spark, p, ["id INT", "s STRING", "i INT", "d DATE", "v STRING"], """
        (1, 'a b', 1, DATE'2024-01-01', 'v1'),
        (2, '100%', 2, DATE'2024-01-02', 'v2'),
        (3, '', 3, NULL, 'v3'),
        (4, NULL, NULL, DATE'1970-01-01', 'v4'),
        (5, 'x=y/z', -1, DATE'0001-01-01', 'v5'),
        (6, 'ümlaut é', 0, DATE'9999-12-31', 'v6'),
        (7, 'it''s', NULL, NULL, NULL),
        (8, 'a%20b', 2147483647, DATE'2024-01-02', 'v8'),
        (9, '#{}[]?*:^', -2147483648, DATE'1900-02-28', 'v9')""",
         partitioned_by=["s", "i", "d"])
    sql(spark, "INSERT INTO {t} VALUES (10, 'a b', 1, DATE'2024-01-01', 'v10'), "
        "(11, NULL, NULL, NULL, 'v11'), (12, '', NULL, DATE'2024-01-02', 'v12')", p)
    sql(spark, "DELETE FROM {t} WHERE s = 'ümlaut é'", p)   # a whole partition: removes only


@table("partitioned_types", filters=[
    "ts = '2024-03-01 12:34:56.789'", "b = TRUE", "dec > 0", "big < 0", "f >= 1.5",
    "ntz IS NULL", "t = -128"])
def build_partitioned_types(spark, p):
    ctas(spark, p, ["id INT", "ts TIMESTAMP", "ntz TIMESTAMP_NTZ", "b BOOLEAN",
                    "dec DECIMAL(10,3)", "big BIGINT", "f DOUBLE", "t TINYINT"], """
        (1, TIMESTAMP'2024-03-01 12:34:56.789', TIMESTAMP_NTZ'2024-03-01 12:34:56.789', TRUE,
         1234567.891, 9223372036854775807, 1.5, 127),
        (2, TIMESTAMP'1970-01-01 00:00:00', TIMESTAMP_NTZ'1970-01-01 00:00:00', FALSE,
         -0.001, -9223372036854775808, -0.0, -128),
        (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
        (4, TIMESTAMP'0001-01-01 00:00:00', TIMESTAMP_NTZ'9999-12-31 23:59:59.999999', TRUE,
         0, 0, 1e300, 0)""", partitioned_by=["ts", "ntz", "b", "dec", "big", "f", "t"])


@table("multipart_checkpoint", filters=["id < 10", "part = 'c'", "part != 'a' AND id >= 25"])
def build_multipart_checkpoint(spark, p):
    # Checkpoints at 2 and 4, in parts of at most 3 actions (4 and 5 parts).
    with conf(spark, spark__databricks__delta__checkpoint__partSize="3"):
        rows = ("SELECT id, element_at(array('a', 'b', 'c'), CAST(id % 3 AS INT) + 1) "
                "FROM range({}, {})")
        ctas(spark, p, ["id BIGINT", "part STRING"], rows.format(0, 10), partitioned_by=["part"],
             properties={"delta.checkpointInterval": "2"})
        sql(spark, "INSERT INTO {t} " + rows.format(10, 20), p)
        sql(spark, "INSERT INTO {t} " + rows.format(20, 30), p)
        sql(spark, "DELETE FROM {t} WHERE part = 'b'", p)              # 3: tombstones
        sql(spark, "INSERT INTO {t} VALUES (100, 'b'), (101, NULL)", p)  # 4
        sql(spark, "DELETE FROM {t} WHERE id = 3", p)                  # 5: rewrites a file


@table("v2_checkpoint", filters=["id >= 12", "v = 'v7'"])
def build_v2_checkpoint(spark, p):
    # V2 checkpoints with sidecars: at 2 with a JSON top-level file, at 4 with a Parquet one.
    rows = "SELECT id, concat('v', id) FROM range({}, {})"
    ctas(spark, p, ["id BIGINT", "v STRING"], rows.format(0, 5),
         properties={"delta.checkpointPolicy": "v2", "delta.checkpointInterval": "2"})
    with conf(spark, spark__databricks__delta__checkpointV2__topLevelFileFormat="json"):
        sql(spark, "INSERT INTO {t} " + rows.format(5, 10), p)
        sql(spark, "INSERT INTO {t} " + rows.format(10, 15), p)
    with conf(spark, spark__databricks__delta__checkpointV2__topLevelFileFormat="parquet"):
        sql(spark, "DELETE FROM {t} WHERE id < 3", p)
        sql(spark, "INSERT INTO {t} " + rows.format(15, 20), p)


@table("timestamps", filters=[
    "ts > '2000-01-01 00:00:00'", "ntz >= '9999-12-31 00:00:00'", "d = '0001-01-01'",
    "ts < '1600-01-01 00:00:00' OR ts IS NULL", "d BETWEEN '1582-01-01' AND '1970-01-01'",
    "ntz = '1969-12-31 23:59:59.999999'"])
def build_timestamps(spark, p):
    rows = """
        (1, TIMESTAMP'0001-01-01 00:00:00', TIMESTAMP_NTZ'0001-01-01 00:00:00', DATE'0001-01-01'),
        (2, TIMESTAMP'9999-12-31 23:59:59.999999', TIMESTAMP_NTZ'9999-12-31 23:59:59.999999',
            DATE'9999-12-31'),
        (3, TIMESTAMP'1970-01-01 00:00:00', TIMESTAMP_NTZ'1970-01-01 00:00:00', DATE'1970-01-01'),
        (4, TIMESTAMP'1582-10-10 12:00:00', TIMESTAMP_NTZ'1582-10-10 12:00:00', DATE'1582-10-10'),
        (5, TIMESTAMP'1677-09-21 00:12:43.145224', TIMESTAMP_NTZ'1677-09-21 00:12:43.145224',
            DATE'1677-09-21'),
        (6, TIMESTAMP'2262-04-11 23:47:16.854776', TIMESTAMP_NTZ'2262-04-11 23:47:16.854776',
            DATE'2262-04-12'),
        (7, TIMESTAMP'2024-02-29 12:34:56.123456', TIMESTAMP_NTZ'2024-02-29 12:34:56.123456',
            DATE'2024-02-29'),
        (8, NULL, NULL, NULL),
        (9, TIMESTAMP'1969-12-31 23:59:59.999999', TIMESTAMP_NTZ'1969-12-31 23:59:59.999999',
            DATE'1969-12-31'),
        (10, TIMESTAMP'2024-06-01 12:00:00+02:00', TIMESTAMP_NTZ'2024-06-01 12:00:00',
            DATE'2024-06-01')"""
    columns = ["id INT", "ts TIMESTAMP", "ntz TIMESTAMP_NTZ", "d DATE"]
    ctas(spark, p, columns, rows)                         # 0: INT96, Spark's default
    with conf(spark, spark__sql__parquet__outputTimestampType="TIMESTAMP_MICROS"):
        sql(spark, "INSERT INTO {t} SELECT id + 100, ts, ntz, d FROM VALUES " + rows
            + " AS v(id, ts, ntz, d)", p)
    with conf(spark, spark__sql__parquet__outputTimestampType="TIMESTAMP_MILLIS"):
        sql(spark, "INSERT INTO {t} VALUES (201, TIMESTAMP'2024-05-05 05:05:05.123', "
            "TIMESTAMP_NTZ'2024-05-05 05:05:05.123', DATE'2024-05-05')", p)


@table("decimals", filters=["d4 > 0", "d6 = 1.5", "d2 < -1.25", "d7 IS NULL", "d3 >= 0.5"])
def build_decimals(spark, p):
    types = ["1,0", "5,2", "9,9", "18,6", "19,0", "38,10", "38,0"]

    def row(i, *values):
        cells = ["NULL" if v is None else f"CAST('{v}' AS DECIMAL({t}))"
                 for v, t in zip(values, types)]
        return f"({i}, {', '.join(cells)})"

    def rows(base):
        return ", ".join([
            row(base + 1, 0, 0, 0, 0, 0, 0, 0),
            row(base + 2, 9, "999.99", "0.999999999", "999999999999.999999", "9" * 19,
                "9" * 28 + "." + "9" * 10, "9" * 38),
            row(base + 3, -9, "-999.99", "-0.999999999", "-999999999999.999999", "-" + "9" * 19,
                "-" + "9" * 28 + "." + "9" * 10, "-" + "9" * 38),
            row(base + 4, 1, "-1.5", "0.5", "0.000001", "1", "1.5", "12345678901234567890"),
            row(base + 5, None, None, None, None, None, None, None),
        ])

    ctas(spark, p, ["id INT"] + [f"d{i + 1} DECIMAL({t})" for i, t in enumerate(types)], rows(0))
    # Legacy Parquet: every decimal as FIXED_LEN_BYTE_ARRAY (and old list/map layouts).
    with conf(spark, spark__sql__parquet__writeLegacyFormat="true"):
        sql(spark, "INSERT INTO {t} VALUES " + rows(10), p)


@table("nested", filters=["s.a = 1", "s.b.c = 'c1'", "s IS NULL", "id > 10"])
def build_nested(spark, p):
    columns = ["id INT", "s STRUCT<a: INT, b: STRUCT<c: STRING, d: ARRAY<INT>>>",
               "arr ARRAY<STRUCT<x: INT, y: STRING>>", "m MAP<STRING, INT>",
               "m2 MAP<INT, ARRAY<STRING>>", "arr2 ARRAY<ARRAY<BIGINT>>",
               "ms MAP<STRING, STRUCT<u: DOUBLE, w: ARRAY<DATE>>>"]
    rows = """
        (1, named_struct('a', 1, 'b', named_struct('c', 'c1', 'd', array(1, 2, NULL))),
         array(named_struct('x', 1, 'y', 'y1'), NULL), map('k1', 1, 'k2', NULL),
         map(1, array('a', NULL)), array(array(1L, 2L), NULL, array()),
         map('z', named_struct('u', 0.5D, 'w', array(DATE'2024-01-01', NULL)))),
        (2, NULL, NULL, NULL, NULL, NULL, NULL),
        (3, named_struct('a', NULL, 'b', NULL), array(), map(), map(2, NULL), array(),
         map('n', NULL)),
        (4, named_struct('a', 4, 'b', named_struct('c', NULL, 'd', array())),
         array(named_struct('x', NULL, 'y', NULL)), map('k', 4), map(4, array()),
         array(array(CAST(NULL AS BIGINT))), map('e', named_struct('u', NULL, 'w', NULL)))"""
    ctas(spark, p, columns, rows)
    with conf(spark, spark__sql__parquet__writeLegacyFormat="true"):   # 2-level lists
        sql(spark, "INSERT INTO {t} SELECT id + 10, s, arr, m, m2, arr2, ms FROM VALUES " + rows
            + " AS v(id, s, arr, m, m2, arr2, ms)", p)


@table("in_commit_timestamps", filters=["id >= 2"])
def build_in_commit_timestamps(spark, p):
    # Version 0 is an empty table here, as CREATE TABLE makes it.
    sql(spark, "CREATE TABLE {t} (id INT, v STRING) USING DELTA "
        "TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true')", p)
    sql(spark, "INSERT INTO {t} VALUES (1, 'v1')", p)
    sql(spark, "INSERT INTO {t} VALUES (2, 'v2'), (3, NULL)", p)


@table("in_commit_timestamps_enabled_later", filters=["v = 'v3'"])
def build_ict_later(spark, p):
    ctas(spark, p, ["id INT", "v STRING"], "(1, 'v1')")
    sql(spark, "ALTER TABLE {t} SET TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true')", p)
    sql(spark, "INSERT INTO {t} VALUES (2, 'v2')", p)
    sql(spark, "INSERT INTO {t} VALUES (3, 'v3')", p)


@table("type_widening", filters=["v > 3000000000", "s = -40000", "v < 0"])
def build_type_widening(spark, p):
    ctas(spark, p, ["id INT", "v INT", "s SMALLINT"],
         "(1, 100, 1), (2, -2147483648, -32768), (3, NULL, NULL)",
         properties={"delta.enableTypeWidening": "true"})
    sql(spark, "ALTER TABLE {t} CHANGE COLUMN v TYPE BIGINT", p)
    sql(spark, "INSERT INTO {t} VALUES (4, 3000000001, 2), (5, -3000000000, 32767)", p)
    sql(spark, "ALTER TABLE {t} CHANGE COLUMN s TYPE INT", p)
    sql(spark, "INSERT INTO {t} VALUES (6, 6, -40000)", p)


@table("no_json_stats", filters=[
    "id >= 15", "part = 'b'", "id < 3 AND part = 'a'", "ts > '2024-01-01 00:00:15'",
    "s = 's7'", "part IS NULL"])
def build_no_json_stats(spark, p):
    # Checkpoints at 2 and 4 (the latest version) carry stats only as stats_parsed, and
    # partitionValues_parsed: the filters run on what the checkpoint alone says.
    rows = ("SELECT id, IF(id % 2 = 0, 'a', 'b'), timestamp_seconds(1704067200 + id), "
            "concat('s', id) FROM range({}, {})")
    ctas(spark, p, ["id BIGINT", "part STRING", "ts TIMESTAMP", "s STRING"], rows.format(0, 6),
         partitioned_by=["part"],
         properties={"delta.checkpoint.writeStatsAsJson": "false",
                     "delta.checkpoint.writeStatsAsStruct": "true",
                     "delta.checkpointInterval": "2"})
    sql(spark, "INSERT INTO {t} " + rows.format(6, 12), p)
    sql(spark, "INSERT INTO {t} " + rows.format(12, 18), p)
    sql(spark, "DELETE FROM {t} WHERE id % 4 = 0", p)
    sql(spark, "INSERT INTO {t} VALUES (100, NULL, NULL, NULL)", p)


@table("variant", filters=["id > 2", "v IS NULL", "s = 's1'"])
def build_variant(spark, p):
    json_of = ("CASE WHEN id = 2 THEN NULL WHEN id = 3 THEN '[1, \"two\", null, 4.5]' "
               "WHEN id = 4 THEN '\"just a string\"' ELSE concat('{\"a\": ', id, "
               "', \"b\": {\"c\": [true, null]}, \"d\": 1.25e3}') END")
    sql(spark, "CREATE TABLE {t} USING DELTA AS SELECT CAST(id AS INT) AS id, "
        f"parse_json({json_of}) AS v, concat('s', id) AS s FROM range(6)", p)
    sql(spark, "INSERT INTO {t} SELECT 10, parse_json('{\"z\": null}'), NULL", p)


@table("variant_shredded", filters=["id >= 1998", "v IS NULL"])
def build_variant_shredded(spark, p):
    # Shredded: typed_value columns beside value in the files (variantShredding-preview).
    with conf(spark, spark__sql__variant__writeShredding__enabled="true",
              spark__sql__variant__inferShreddingSchema="true"):
        sql(spark, "CREATE TABLE {t} (id INT, v VARIANT) USING DELTA "
            "TBLPROPERTIES ('delta.enableVariantShredding' = 'true')", p)
        sql(spark, "INSERT INTO {t} SELECT CAST(id AS INT), parse_json(CASE WHEN id = 2 THEN "
            "NULL WHEN id = 5 THEN '\"str\"' ELSE concat('{\"a\": ', id, ', \"b\": \"x', id, "
            "'\"}') END) FROM range(2000)", p)


# ---------------------------------------------------------------------------------------


def commit_versions(path: pathlib.Path):
    return sorted(int(f.name[:20]) for f in (path / "_delta_log").glob("*.json")
                  if len(f.name) == 25 and f.name[:20].isdigit())


def error_text(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) < 2000 else text[:2000] + " ..."


VARIANT_ARROW = pa.struct([pa.field("metadata", pa.binary(), False),
                           pa.field("value", pa.binary(), False)])


def to_arrow(df) -> pa.Table:
    """df.toArrow(), except for top-level VARIANT columns, which PySpark 4.1 cannot convert
    when a value is null ("nulls in input cannot be viewed as non-nullable"): such a table
    is collected row by row, each variant becoming struct<metadata: binary, value: binary>
    (the Parquet layout, in the order of Arrow's canonical variant extension type)."""
    from pyspark.sql.pandas.types import to_arrow_type
    from pyspark.sql.types import IntegerType, LongType, StringType, BooleanType, VariantType

    fields = df.schema.fields
    if not any(isinstance(f.dataType, VariantType) for f in fields):
        try:
            return df.toArrow()
        except Exception as error:
            # JDK 17 can fail to link a method handle when two threads first use it at
            # once ("InternalError: ... MethodHandle.linkToStatic"): a JVM race, not a
            # verdict on the table; the same read succeeds when run again.
            if "java.lang.InternalError" not in str(error):
                raise
            return df.toArrow()
    plain = (IntegerType, LongType, StringType, BooleanType, VariantType)
    if not all(isinstance(f.dataType, plain) for f in fields):
        raise TypeError(f"to_arrow: variant tables may only have {plain} columns: {df.schema}")
    rows = df.collect()
    columns = []
    for i, f in enumerate(fields):
        values = [row[i] for row in rows]
        if isinstance(f.dataType, VariantType):
            values = [None if v is None else {"metadata": bytes(v.metadata),
                                              "value": bytes(v.value)} for v in values]
            columns.append(pa.array(values, VARIANT_ARROW))
        else:
            columns.append(pa.array(values, to_arrow_type(f.dataType)))
    return pa.Table.from_arrays(columns, names=[f.name for f in fields])


def read_versions(spark, path, versions, filters, out_dir):
    """Spark's rows for every version, and for each filter at the latest version.

    A filter's rows are those for which Spark evaluates the predicate to TRUE, which is
    what `.where(predicate)` returns. They are computed in the latest version's read, as one
    boolean column per filter: a `.where` per filter costs a Delta scan each (a data-skipping
    job per predicate, ~0.5-1 s each), the columns nothing. Only if that read fails is each
    filter run alone with `.where`, to tell which one Spark rejects."""
    from pyspark.sql import functions as F

    items, filter_items = [], []
    for v in versions:
        item = {"version": v, "result": str(out_dir / f"v{v}.parquet"), "error": None}
        items.append(item)
        df = None
        try:
            df = spark.read.format("delta").option("versionAsOf", v).load(path)
            if v != versions[-1] or not filters:
                pq.write_table(to_arrow(df), item["result"])
                continue
            flags = [f"__where{i}" for i in range(len(filters))]
            rows = to_arrow(df.select("*", *[F.coalesce(F.expr(w), F.lit(False)).alias(flag)
                                    for w, flag in zip(filters, flags)]))
            pq.write_table(rows.drop_columns(flags), item["result"])
            for i, (w, flag) in enumerate(zip(filters, flags)):
                filter_items.append({"where": w, "version": v, "error": None,
                                     "result": str(out_dir / f"where{i}.parquet")})
                pq.write_table(rows.filter(rows.column(flag)).drop_columns(flags),
                               filter_items[-1]["result"])
        except Exception as error:
            if df is None or v != versions[-1] or not filters:
                item["error"] = error_text(error)
                continue
            try:   # which part failed: the read, or one of the filters?
                pq.write_table(to_arrow(df), item["result"])
            except Exception as error:
                item["error"] = error_text(error)
            filter_items = []
            for i, w in enumerate(filters):
                f_item = {"where": w, "version": v, "error": None,
                          "result": str(out_dir / f"where{i}.parquet")}
                filter_items.append(f_item)
                try:
                    pq.write_table(to_arrow(df.where(w)), f_item["result"])
                except Exception as error:
                    f_item["error"] = error_text(error)
    return items, filter_items


def process_table(spark, name, tables_dir, results_dir, timings):
    """Builds one table, then reads each version and runs its filters: a manifest entry."""
    build, filters = BUILDERS[name]
    path = tables_dir / name
    entry = {"name": name, "path": str(path), "build_error": None, "versions": [],
             "filters": []}
    t = time.monotonic()
    try:
        build(spark, str(path))
    except Exception as error:  # reported by the test as a failure of the set-up
        entry["build_error"] = error_text(error) + "\n" + traceback.format_exc()
        return entry
    timings[f"build {name}"] = round(time.monotonic() - t, 1)

    # Results travel as Arrow (DataFrame.toArrow): TIMESTAMP as timestamp[us, UTC],
    # TIMESTAMP_NTZ as timestamp[us]; pyarrow writes them (a Spark write job per result
    # costs more than the read).
    t = time.monotonic()
    out_dir = results_dir / name
    out_dir.mkdir(parents=True, exist_ok=True)
    entry["versions"], entry["filters"] = read_versions(
        spark, str(path), commit_versions(path), filters, out_dir)
    timings[f"read {name}"] = round(time.monotonic() - t, 1)
    return entry


# ---------------------------------------------------------------------------------------
# Tables delta-cpp wrote (--written FILE, a JSON file from the test):
#   {"read": [{"name": N, "path": P}, ...],          Spark reads each at its latest version
#                                                    (and with "changes_from": V, its
#                                                    change feed from version V)
#    "append": {"name": N, "binary": B, "rows": R},  Spark creates N, `B write N R --mode
#                                                    append` appends, Spark reads again
#    "append_constrained": {"name": N, "binary": B, "rows": R, "bad_rows": X}}
#        the same on a table with a generated column, a CHECK constraint and in-commit
#        timestamps: X (violating the constraint) must be refused, R appended
# Results go to DIR/results/written/N*.parquet, the manifest's "written" list says where.


def read_written(spark, spec, out_dir, timings):
    t = time.monotonic()
    item = {"name": spec["name"], "path": spec["path"], "error": None,
            "result": str(out_dir / f"{spec['name']}.parquet")}
    try:
        pq.write_table(to_arrow(spark.read.format("delta").load(spec["path"])), item["result"])
        if spec.get("changes_from") is not None:
            item["changes"] = str(out_dir / f"{spec['name']}.changes.parquet")
            feed = (spark.read.format("delta").option("readChangeFeed", "true")
                    .option("startingVersion", spec["changes_from"]).load(spec["path"]))
            pq.write_table(to_arrow(feed.drop("_commit_timestamp")), item["changes"])
    except Exception as error:
        item["error"] = error_text(error)
    timings[f"read written {spec['name']}"] = round(time.monotonic() - t, 1)
    return item


def append_with_deltacpp(spec, path, rows):
    """`deltacpp write PATH ROWS --mode append`: the finished process."""
    import subprocess

    return subprocess.run([spec["binary"], "write", str(path), rows, "--mode", "append"],
                          capture_output=True, text=True, timeout=120)


def spark_table_deltacpp_appends_to(build, spark, spec, tables_dir, out_dir, timings):
    """The frame of the Spark-creates, delta-cpp-appends cases: build(path, read_before,
    item) makes the table, calls read_before() to keep Spark's rows before delta-cpp
    writes, runs delta-cpp, and returns an error text or None; Spark's rows after go to
    item["result"]."""
    t = time.monotonic()
    name = spec["name"]
    path = tables_dir / name
    item = {"name": name, "path": str(path), "error": None,
            "before": str(out_dir / f"{name}.before.parquet"),
            "result": str(out_dir / f"{name}.parquet")}

    def read(to):
        pq.write_table(to_arrow(spark.read.format("delta").load(str(path))), to)

    try:
        item["error"] = build(path, lambda: read(item["before"]), item)
        if item["error"] is None:
            read(item["result"])
    except Exception as error:
        item["error"] = error_text(error) + "\n" + traceback.format_exc()
    timings[f"spark+deltacpp {name}"] = round(time.monotonic() - t, 1)
    return item


def spark_then_deltacpp(spark, spec, tables_dir, out_dir, timings):
    """Spark creates a partitioned table, delta-cpp appends to it, Spark reads it again."""
    def build(path, read_before, item):
        ctas(spark, str(path), ["id BIGINT", "part STRING", "d DATE", "ts TIMESTAMP",
                                "v DECIMAL(10,2)", "s STRING"], """
            (1, 'a', DATE'2024-01-01', TIMESTAMP'2024-01-01 10:00:00.5', 1.25, 's1'),
            (2, NULL, NULL, NULL, NULL, NULL),
            (3, 'b c', DATE'1999-12-31', TIMESTAMP'1970-01-01 00:00:00', -3.50, '')""",
             partitioned_by=["part"])
        read_before()
        run = append_with_deltacpp(spec, path, spec["rows"])
        if run.returncode != 0:
            return f"deltacpp write failed ({run.returncode}): {run.stderr.strip()}"
        return None

    return spark_table_deltacpp_appends_to(build, spark, spec, tables_dir, out_dir, timings)


def spark_constrained_then_deltacpp(spark, spec, tables_dir, out_dir, timings):
    """Spark creates a table with rules writers must enforce; delta-cpp's append of rows
    that break the CHECK constraint must fail, its append of rows without the generated
    column must compute it; Spark reads the table again."""
    def build(path, read_before, item):
        sql(spark, """CREATE TABLE {t} (id BIGINT NOT NULL, ts TIMESTAMP, amount INT,
                      day DATE GENERATED ALWAYS AS (CAST(ts AS DATE))) USING delta
                      TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true')""", path)
        sql(spark, "ALTER TABLE {t} ADD CONSTRAINT positive_amount CHECK (amount > 0)", path)
        sql(spark, """INSERT INTO {t} (id, ts, amount)
                      VALUES (1, TIMESTAMP'2024-01-01 23:30:00', 5)""", path)
        read_before()
        bad = append_with_deltacpp(spec, path, spec["bad_rows"])
        good = append_with_deltacpp(spec, path, spec["rows"])
        if bad.returncode == 0 or "positive_amount" not in bad.stderr:
            return (f"deltacpp accepted rows breaking CHECK positive_amount or failed "
                    f"otherwise ({bad.returncode}): {bad.stderr.strip()}")
        if good.returncode != 0:
            return f"deltacpp write failed ({good.returncode}): {good.stderr.strip()}"
        history = spark.sql(f"DESCRIBE HISTORY delta.`{path}`").collect()
        item["history_versions"] = sorted(row["version"] for row in history)
        return None

    return spark_table_deltacpp_appends_to(build, spark, spec, tables_dir, out_dir, timings)


def run(work: pathlib.Path, only, threads, written=None):
    timings = {}
    t0 = time.monotonic()
    spark = start_spark()
    timings["start"] = round(time.monotonic() - t0, 1)
    tables_dir, results_dir = work / "tables", work / "results"
    tables_dir.mkdir(parents=True, exist_ok=True)
    names = [n for n in BUILDERS if not only or n in only]
    # Tables are independent: with 2 threads, each with its own session (session settings
    # such as the checkpoint part size stay per thread), the driver's planning, which is
    # most of the time with tiny tables, uses both cores.
    sessions = queue.SimpleQueue()
    for i in range(threads):
        sessions.put(spark if i == 0 else spark.newSession())

    def work_on(name):
        session = sessions.get()
        try:
            return process_table(session, name, tables_dir, results_dir, timings)
        finally:
            sessions.put(session)

    spec = json.loads(written.read_text()) if written else {"read": [], "append": None}
    written_dir = results_dir / "written"
    written_dir.mkdir(parents=True, exist_ok=True)
    jobs = [("table", name) for name in names] + [("read", s) for s in spec["read"]]
    if spec.get("append"):
        jobs.append(("append", spec["append"]))
    if spec.get("append_constrained"):
        jobs.append(("append_constrained", spec["append_constrained"]))

    def do(job):
        kind, what = job
        if kind == "table":
            return work_on(what)
        session = sessions.get()
        try:
            if kind == "read":
                return read_written(session, what, written_dir, timings)
            if kind == "append_constrained":
                return spark_constrained_then_deltacpp(session, what, tables_dir, written_dir,
                                                       timings)
            return spark_then_deltacpp(session, what, tables_dir, written_dir, timings)
        finally:
            sessions.put(session)

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        done = list(pool.map(do, jobs))
    entries = [d for d, (kind, _) in zip(done, jobs) if kind == "table"]
    written_items = [d for d, (kind, _) in zip(done, jobs) if kind != "table"]
    timings["total"] = round(time.monotonic() - t0, 1)
    manifest = {"spark": spark.version, "packages": PACKAGES, "threads": threads,
                "timings": timings, "tables": entries, "written": written_items}
    (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
    spark.stop()


def warm_up():
    spark = start_spark(use_cache=False)
    with tempfile.TemporaryDirectory() as scratch:
        spark.range(3).write.format("delta").save(scratch + "/t")
        assert spark.read.format("delta").load(scratch + "/t").count() == 3
    jars = spark.sparkContext.getConf().get("spark.jars", "")
    spark.stop()
    paths = [j for j in jars.split(",") if j]
    if not any("delta-spark_" in j for j in paths):
        sys.exit(f"spark_driver: Spark did not report the Delta jars (spark.jars = {jars!r})")
    JAR_LIST.write_text("\n".join(paths) + "\n")
    print(f"spark_driver: {len(paths)} jars cached in {IVY_DIR}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packages", action="store_true")
    parser.add_argument("--warm-up", action="store_true")
    parser.add_argument("--work", type=pathlib.Path)
    parser.add_argument("--only", default="")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--written", type=pathlib.Path,
                        help="JSON file: tables delta-cpp wrote, for Spark to read")
    args = parser.parse_args()
    if args.packages:
        print(PACKAGES)
    elif args.warm_up:
        with tempfile.TemporaryDirectory() as scratch:
            os.chdir(scratch)   # Spark may leave metastore_db, spark-warehouse in the cwd
            warm_up()
    elif args.work:
        work = args.work.resolve()
        work.mkdir(parents=True, exist_ok=True)
        os.chdir(work)   # Spark may leave metastore_db, spark-warehouse in the cwd
        run(work, {n for n in args.only.split(",") if n}, args.threads,
            args.written.resolve() if args.written else None)
    else:
        parser.error("one of --packages, --warm-up, --work")


if __name__ == "__main__":
    main()
