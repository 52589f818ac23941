#!/usr/bin/env bash
# Per-step overhead of `tako exec` (issue 5): a workflow of 200 trivial steps (`true`) against
# /bin/sh running the same 200 commands in one script, and 200 separate `sh -c true`
# processes; plus wall time and peak memory of `tako exec` of a one-step workflow.
#
#   bench/exec_steps.sh [path/to/tako] [repetitions]
#
# Each figure is the median of the repetitions (default 7). Needs /usr/bin/time (GNU time,
# Debian package `time`) for the memory figure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TAKO=$(bench_tako "${1:-}")
REPS=${2:-7}
bench_workdir exec-steps
work=$WORK
export TAKO_HOME="$work/home"
N=200

mkdir -p "$work/many" "$work/one"
{
  echo "version: 0.1.0"
  echo "workflows:"
  echo "  many:"
  echo "    steps:"
  for _ in $(seq $N); do echo "      - run: 'true'"; done
} > "$work/many/tako.yml"
printf 'version: 0.1.0\nworkflows:\n  one:\n    steps:\n      - run: "true"\n' > "$work/one/tako.yml"
for _ in $(seq $N); do echo true; done > "$work/script.sh"

now_ns() { date +%s%N; }
ms() { awk -v ns="$1" 'BEGIN {printf "%.1f", ns/1e6}'; }

measure() {  # measure <label> <command...>: median wall time in ns over REPS runs
  shift
  local t0 t1 samples=()
  for _ in $(seq "$REPS"); do
    t0=$(now_ns)
    "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    t1=$(now_ns)
    samples+=($((t1 - t0)))
  done
  printf '%s\n' "${samples[@]}" | median
}

separate() { for _ in $(seq $N); do /bin/sh -c true; done; }

t_tako=$(cd "$work/many" && measure tako "$TAKO" exec many)
t_script=$(measure script /bin/sh "$work/script.sh")
t_sep=$(measure separate separate)
t_one=$(cd "$work/one" && measure one "$TAKO" exec one)

echo "tako exec, $N steps of 'true':      $(ms "$t_tako") ms  ($(awk -v a="$t_tako" -v n=$N 'BEGIN {printf "%.2f", a/n/1e6}') ms/step)"
echo "/bin/sh, one script of $N 'true':    $(ms "$t_script") ms"
echo "$N separate 'sh -c true' processes: $(ms "$t_sep") ms"
echo "ratio tako / separate processes:     $(awk -v a="$t_tako" -v b="$t_sep" 'BEGIN {printf "%.2f", a/b}') (target <= 1.5)"
echo "tako exec of a one-step workflow:    $(ms "$t_one") ms"
if [[ -x /usr/bin/time ]]; then
  rss=$(cd "$work/one" && /usr/bin/time -v "$TAKO" exec one 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
  echo "peak memory (max RSS), one-step:     $rss KB"
  rss=$(cd "$work/many" && /usr/bin/time -v "$TAKO" exec many 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
  echo "peak memory (max RSS), $N steps:     $rss KB"
else
  echo "peak memory: /usr/bin/time not installed (apt-get install time)"
fi
