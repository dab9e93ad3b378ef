#!/usr/bin/env bash
# Fuzzes the parsers that read what strangers write (fuzz/, libFuzzer with ASan + UBSan):
# builds the `fuzz` preset (clang), makes the seed corpora from the test tables
# (fuzz/make_seeds.py), replays each target's saved findings (fuzz/regressions/<target>/),
# then fuzzes each target for a while. Exits nonzero on any finding: a crash, a hang
# (-timeout), a leak, a failed check, more memory than -rss_limit_mb.
#
#   scripts/fuzz.sh                          every target, 30 s each
#   scripts/fuzz.sh --time 1800              every target, 30 minutes each (the long run)
#   scripts/fuzz.sh --time 60 predicate      some targets (names as below, or *_fuzzer)
#   scripts/fuzz.sh --time 1800 --jobs 2     two targets at a time, one core each
#
# Targets: log_line checkpoint schema_json predicate deletion_vector last_checkpoint.
# Corpora grow in build/fuzz/corpus/<target>/ from run to run; seeds are remade each run
# in build/fuzz/seeds/; a finding's input lands in build/fuzz/findings/<target>/ (copy it
# to fuzz/regressions/<target>/ so that every later run replays it).
#
# Environment: FUZZ_MAX_LEN=N sets -max_len for every target (0: libFuzzer's default, the
# largest seed). Without it the JSON targets stop at 4096 bytes and the predicate target
# at 1024: room to nest past every parser's depth limit, and short enough to mutate fast.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

all_targets=(log_line checkpoint schema_json predicate deletion_vector last_checkpoint)
declare -A dictionary=([log_line]=fuzz/delta_log.dict [schema_json]=fuzz/delta_log.dict
                       [last_checkpoint]=fuzz/delta_log.dict [predicate]=fuzz/predicate.dict)
declare -A max_len=([log_line]=4096 [schema_json]=4096 [predicate]=1024)

seconds=30
parallel=1
targets=()
while (($#)); do
  case "$1" in
    --time) seconds="${2:?--time needs a number of seconds}"; shift 2 ;;
    --time=*) seconds="${1#--time=}"; shift ;;
    --jobs) parallel="${2:?--jobs needs a number}"; shift 2 ;;
    --jobs=*) parallel="${1#--jobs=}"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) targets+=("${1%_fuzzer}"); shift ;;
  esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $target "* ]] || {
    echo "fuzz: unknown target '$target' (targets: ${all_targets[*]})" >&2; exit 2; }
done
[[ "$seconds" =~ ^[0-9]+$ ]] && ((seconds > 0)) || {
  echo "fuzz: --time takes a positive number of seconds, not '$seconds'" >&2; exit 2; }
[[ "$parallel" =~ ^[0-9]+$ ]] && ((parallel > 0)) || {
  echo "fuzz: --jobs takes a positive number of targets, not '$parallel'" >&2; exit 2; }

build=build/fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
python3 fuzz/make_seeds.py "$build/seeds"

# libFuzzer sets most sanitizer options itself; these make reports complete.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
common_flags=(-timeout=10 -rss_limit_mb=2048)

# Replays one target's saved findings, then fuzzes it; its summary line goes to
# $build/logs/<target>.summary. Returns 1 on any finding.
fuzz_target() {
  local target="$1" failed=0 binary corpus artifacts log flags length replay_failed saved
  local input status execs_per_second corpus_size result
  binary="$build/fuzz/${target}_fuzzer"
  corpus="$build/corpus/$target"
  artifacts="$build/findings/$target"
  log="$build/logs/$target.log"
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  flags=("${common_flags[@]}")
  [[ -n "${dictionary[$target]:-}" ]] && flags+=("-dict=${dictionary[$target]}")
  length="${FUZZ_MAX_LEN-${max_len[$target]:-0}}"
  ((length > 0)) && flags+=("-max_len=$length")

  # 1. Every saved finding, once, at its full length.
  replay_failed=0
  mapfile -t saved < <(find "fuzz/regressions/$target" -type f ! -name '.*' 2>/dev/null | sort)
  if ((${#saved[@]})); then
    printf '\n== fuzz: %s: replaying %d saved findings\n' "$target" "${#saved[@]}"
    : >"$log.replay"
    for input in "${saved[@]}"; do
      if ! "$binary" "${common_flags[@]}" "$input" >>"$log.replay" 2>&1; then
        echo "fuzz: $target: $input still fails"
        replay_failed=$((replay_failed + 1))
      fi
    done
    if ((replay_failed)); then
      grep -E '^==[0-9]+==ERROR|^SUMMARY|fuzz check failed|ERROR: libFuzzer' "$log.replay" |
        head -n 20 || true
      echo "fuzz: $target: $replay_failed saved finding(s) still fail (log: $log.replay)"
      failed=1
    fi
  fi

  # 2. Fuzzing, from the corpus of earlier runs and the seeds.
  printf '\n== fuzz: %s for %d s (%s)\n' "$target" "$seconds" "${flags[*]}"
  status=0
  "$binary" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$build/seeds/$target" >"$log" 2>&1 || status=$?
  execs_per_second="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  corpus_size="$(grep -E '^#[0-9]+' "$log" | grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' |
                 tail -n 1 | sed 's/corp: //')"
  corpus_size="${corpus_size:-?}"
  if ((status != 0)); then
    grep -E -A 30 '^==[0-9]+==ERROR|^SUMMARY|fuzz check failed|ERROR: libFuzzer' "$log" |
      head -n 60 || tail -n 40 "$log"
    echo "fuzz: $target: FINDING (exit $status); input in $artifacts/, log $log"
    failed=1
    result=FINDING
  elif ((replay_failed)); then
    result=REGRESSION
  else
    result=ok
  fi
  printf '%-16s %-10s %10s %22s\n' "$target" "$result" "${execs_per_second:-?}" \
    "$corpus_size" >"$build/logs/$target.summary"
  return "$failed"
}

mkdir -p "$build/logs"
findings=0
for target in "${targets[@]}"; do rm -f "$build/logs/$target.summary"; done
if ((parallel == 1)); then
  for target in "${targets[@]}"; do fuzz_target "$target" || findings=$((findings + 1)); done
else
  # Up to `parallel` targets at once, each on one core.
  for target in "${targets[@]}"; do
    while (($(jobs -rp | wc -l) >= parallel)); do wait -n || findings=$((findings + 1)); done
    fuzz_target "$target" &
  done
  while (($(jobs -rp | wc -l) > 0)); do wait -n || findings=$((findings + 1)); done
fi
summary=()
for target in "${targets[@]}"; do
  summary+=("$(cat "$build/logs/$target.summary" 2>/dev/null || echo "$target (no result)")")
done

printf '\n== fuzz: %d s per target\n' "$seconds"
printf '%-16s %-10s %10s %22s\n' target result "execs/s" "corpus (units/bytes)"
printf '%s\n' "${summary[@]}"
if ((findings)); then
  echo "fuzz: $findings failing step(s): see above"
  exit 1
fi
echo "fuzz: no findings"
