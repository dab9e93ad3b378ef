#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (fuzz/*_fuzzer.cc) from the test tables.

    fuzz/make_seeds.py OUT_DIR [--testdata DIR]

writes OUT_DIR/<target>/<sha1 of the seed> for each target:
  log_line         every line of every _delta_log/*.json (commits and V2 JSON
                   checkpoints), and whole commit files up to 64 KiB
  checkpoint       every Parquet checkpoint, checkpoint part and sidecar, and the V2
                   checkpoints in JSON
  schema_json      the schemaString of every metaData action, and the checkpointSchema
                   of the _last_checkpoint files
  predicate        the predicates and expressions of the unit, CLI and Python tests, and
                   the CHECK constraints, invariants and generation expressions of the
                   test tables
  deletion_vector  every deletion vector of the test tables in each of the target's
                   forms (bitmap, Z85, inline descriptor, file descriptor), see
                   deletion_vector_fuzzer.cc
  last_checkpoint  every _last_checkpoint file, and the names of the files in _delta_log
OUT_DIR is emptied first. Standard library only.
"""
import argparse
import hashlib
import json
import pathlib
import re
import shutil
import struct
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
TARGETS = ["log_line", "checkpoint", "schema_json", "predicate", "deletion_vector",
           "last_checkpoint"]
MAX_SEED = 1 << 20  # bytes; larger inputs only slow libFuzzer down
MAX_WHOLE_COMMIT = 64 << 10

Z85_ALPHABET = ("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                ".-:+=^!/*?&<>()[]{}@%$#")
Z85_DIGIT = {c: i for i, c in enumerate(Z85_ALPHABET)}

# Form bytes of deletion_vector_fuzzer.cc.
DV_BITMAP, DV_Z85, DV_INLINE, DV_FILE = range(4)


def z85_encode(data: bytes) -> str:
    data += b"\0" * (-len(data) % 4)
    out = []
    for i in range(0, len(data), 4):
        value = int.from_bytes(data[i:i + 4], "big")
        group = []
        for _ in range(5):
            group.append(Z85_ALPHABET[value % 85])
            value //= 85
        out.append("".join(reversed(group)))
    return "".join(out)


def z85_decode(text: str) -> bytes:
    out = bytearray()
    for i in range(0, len(text), 5):
        value = 0
        for c in text[i:i + 5]:
            value = value * 85 + Z85_DIGIT[c]
        out += value.to_bytes(4, "big")
    return bytes(out)


class Corpus:
    def __init__(self, root: pathlib.Path):
        self.root = root
        self.counts = {}
        for target in TARGETS:
            (root / target).mkdir(parents=True)
            self.counts[target] = 0

    def add(self, target: str, seed):
        if isinstance(seed, str):
            seed = seed.encode("utf-8", "surrogatepass")
        if not seed or len(seed) > MAX_SEED:
            return
        path = self.root / target / hashlib.sha1(seed).hexdigest()
        if not path.exists():
            path.write_bytes(seed)
            self.counts[target] += 1


def json_lines(path: pathlib.Path):
    for line in path.read_bytes().splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            yield line, json.loads(line)
        except ValueError:
            yield line, None


def walk_schema_metadata(schema, keys):
    """The values of metadata `keys` anywhere in a parsed schema."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "metadata" and isinstance(value, dict):
                for wanted in keys:
                    if isinstance(value.get(wanted), str):
                        yield value[wanted]
            else:
                yield from walk_schema_metadata(value, keys)
    elif isinstance(schema, list):
        for item in schema:
            yield from walk_schema_metadata(item, keys)


def invariant_expressions(text: str):
    # delta.invariants: {"expression": {"expression": "x > 3"}}
    try:
        value = json.loads(text)
        yield value["expression"]["expression"]
    except (ValueError, KeyError, TypeError):
        pass


def dv_seeds(corpus: Corpus, table: pathlib.Path, dv: dict):
    storage = dv.get("storageType")
    path_or_inline = dv.get("pathOrInlineDv")
    size = dv.get("sizeInBytes")
    cardinality = dv.get("cardinality")
    if not isinstance(path_or_inline, str) or not isinstance(size, int) or \
            not isinstance(cardinality, int):
        return
    offset = dv.get("offset") if isinstance(dv.get("offset"), int) else 1
    header = struct.pack("<iqi", size, cardinality, offset)
    if storage == "i":
        corpus.add("deletion_vector", bytes([DV_Z85]) + path_or_inline.encode())
        corpus.add("deletion_vector", bytes([DV_INLINE]) + header + path_or_inline.encode())
        return
    if storage != "u" or len(path_or_inline) < 20:
        return
    uuid_z85 = path_or_inline[-20:]
    corpus.add("deletion_vector", bytes([DV_Z85]) + uuid_z85.encode())
    try:
        uuid = z85_decode(uuid_z85).hex()
    except KeyError:
        return
    name = f"deletion_vector_{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}.bin"
    prefix = path_or_inline[:-20]
    file = table / prefix / name if prefix else table / name
    if not file.is_file():
        return
    content = file.read_bytes()
    corpus.add("deletion_vector", bytes([DV_FILE]) + header + content)
    bitmap = content[offset + 4:offset + 4 + size]
    if len(bitmap) == size:
        corpus.add("deletion_vector", bytes([DV_BITMAP]) + bitmap)
        corpus.add("deletion_vector", bytes([DV_Z85]) + z85_encode(bitmap).encode())
        inline_header = struct.pack("<iqi", size, cardinality, 0)
        corpus.add("deletion_vector",
                   bytes([DV_INLINE]) + inline_header + z85_encode(bitmap).encode())


def bitmaps_of_dv_file(content: bytes):
    """The bitmaps of a deletion vector file: a version byte, then blocks of size
    (big-endian), bitmap and CRC."""
    position = 1
    while position + 4 <= len(content):
        (size,) = struct.unpack_from(">I", content, position)
        if size == 0 or position + 4 + size > len(content):
            return
        yield content[position + 4:position + 4 + size]
        position += 4 + size + 4


def from_tables(corpus: Corpus, testdata: pathlib.Path):
    for log_dir in sorted(testdata.rglob("_delta_log")):
        if not log_dir.is_dir():
            continue
        table = log_dir.parent
        for file in sorted(log_dir.rglob("*")):
            if not file.is_file():
                continue
            corpus.add("last_checkpoint", file.name)
            if file.name == "_last_checkpoint":
                content = file.read_bytes()
                corpus.add("last_checkpoint", content)
                try:
                    schema = json.loads(content).get("checkpointSchema")
                except (ValueError, AttributeError):
                    schema = None
                if schema is not None:
                    corpus.add("schema_json", json.dumps(schema, separators=(",", ":")))
                continue
            if file.suffix == ".parquet" and ".checkpoint" in file.name or \
                    file.parent.name == "_sidecars":
                corpus.add("checkpoint", file.read_bytes())
                continue
            if file.suffix != ".json":
                continue
            if ".checkpoint." in file.name:
                corpus.add("checkpoint", file.read_bytes())
            elif file.stat().st_size <= MAX_WHOLE_COMMIT:
                corpus.add("log_line", file.read_bytes())
            for line, action in json_lines(file):
                corpus.add("log_line", line)
                if not isinstance(action, dict):
                    continue
                metadata = action.get("metaData")
                if isinstance(metadata, dict):
                    schema_string = metadata.get("schemaString")
                    if isinstance(schema_string, str):
                        corpus.add("schema_json", schema_string)
                        try:
                            schema = json.loads(schema_string)
                        except ValueError:
                            schema = None
                        for text in walk_schema_metadata(schema,
                                                         ["delta.generationExpression"]):
                            corpus.add("predicate", text)
                        for text in walk_schema_metadata(schema, ["delta.invariants"]):
                            for expression in invariant_expressions(text):
                                corpus.add("predicate", expression)
                    configuration = metadata.get("configuration")
                    if isinstance(configuration, dict):
                        for key, value in configuration.items():
                            if key.startswith("delta.constraints.") and isinstance(value, str):
                                corpus.add("predicate", value)
                for kind in ("add", "remove"):
                    file_action = action.get(kind)
                    if isinstance(file_action, dict) and \
                            isinstance(file_action.get("deletionVector"), dict):
                        dv_seeds(corpus, table, file_action["deletionVector"])
    for file in sorted(testdata.rglob("deletion_vector_*.bin")):
        for bitmap in bitmaps_of_dv_file(file.read_bytes()):
            corpus.add("deletion_vector", bytes([DV_BITMAP]) + bitmap)


C_STRING = r'"((?:[^"\\\n]|\\.)*)"'
PREDICATE_CALLS = re.compile(
    r"\b(?:Reparsed|Bound|BoundText|ParsePredicate|ParseExpression|Parsed|Eval\w*|"
    r"Filter\w*|Where)\(\s*" + C_STRING)
RAW_CALLS = re.compile(r'\b(?:ParsePredicate|ParseExpression|Bound|BoundText)\(R"\((.*?)\)"',
                       re.S)
CLI_OPTION = re.compile(
    r'--(?:where|replace-where|on|set|condition|predicate)["\']?[ ,=]+["\']((?:[^"\'\\]|\\.)*)["\']')
PY_KEYWORD = re.compile(r'\b(?:predicate|where|condition|replace_where|filter)\s*=\s*'
                        r'(?:"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\')')


def unescape_c(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": "\0"}.get(m[1], m[1]),
                  text)


def from_tests(corpus: Corpus):
    sources = sorted((REPO / "src").rglob("*_test.cc"))
    for source in sources:
        text = source.read_text(errors="replace")
        for match in PREDICATE_CALLS.finditer(text):
            corpus.add("predicate", unescape_c(match[1]))
        for match in RAW_CALLS.finditer(text):
            corpus.add("predicate", match[1])
    scripts = sorted((REPO / "src").rglob("CMakeLists.txt")) + \
        sorted((REPO / "tests").rglob("*.py")) + sorted((REPO / "scripts").glob("*.sh"))
    for script in scripts:
        text = script.read_text(errors="replace")
        for match in CLI_OPTION.finditer(text):
            corpus.add("predicate", unescape_c(match[1]))
        if script.suffix == ".py":
            for match in PY_KEYWORD.finditer(text):
                corpus.add("predicate", unescape_c(match[1] or match[2] or ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=pathlib.Path)
    parser.add_argument("--testdata", type=pathlib.Path,
                        default=REPO.parent / "shared" / "testdata")
    args = parser.parse_args()
    if not args.testdata.is_dir():
        print(f"make_seeds: no test tables at {args.testdata}", file=sys.stderr)
        return 1
    if args.out_dir.exists():
        shutil.rmtree(args.out_dir)
    corpus = Corpus(args.out_dir)
    from_tables(corpus, args.testdata)
    from_tests(corpus)
    print("make_seeds: " + ", ".join(f"{t} {n}" for t, n in corpus.counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
