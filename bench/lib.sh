# Helpers shared by the whole-process benchmarks (bench/*.sh). Source it:
#   . "$(dirname "$0")/lib.sh"
# Every figure these scripts print is a median of repeated runs, measured side by side with
# its baseline in the same run (A/B alternated), on whatever machine runs them: compare
# ratios, not absolute times, across machines.

export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export NO_COLOR=1

# bench_tako PATH: the absolute path of the tako binary PATH (default build/tako); exits
# with a hint when it is missing.
bench_tako() {
  local t=${1:-build/tako}
  [[ -x "$t" ]] || { echo "no tako binary at $t (cmake --build build --target tako_exe)" >&2; exit 1; }
  echo "$(cd "$(dirname "$t")" && pwd)/$(basename "$t")"
}

# bench_workdir NAME: sets WORK to a new temporary directory, removed when the script exits
# (call it directly, not in $(...)).
bench_workdir() {
  WORK=$(mktemp -d "/tmp/tako-bench-$1.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$WORK'" EXIT
}

# bare_repo DIR FILE [NAME]: a bare repository DIR on branch main whose one commit holds
# FILE as NAME (default tako.yml), made with plumbing (no work tree, no clone: fast).
bare_repo() {
  local dir=$1 file=$2 name=${3:-tako.yml} blob tree commit
  git init -q --bare "$dir"
  blob=$(GIT_DIR=$dir git hash-object -w "$file")
  tree=$(printf '100644 blob %s\t%s\n' "$blob" "$name" | GIT_DIR=$dir git mktree)
  commit=$(GIT_DIR=$dir git commit-tree -m initial "$tree")
  GIT_DIR=$dir git update-ref refs/heads/main "$commit"
  GIT_DIR=$dir git symbolic-ref HEAD refs/heads/main
}

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# wall_s COMMAND...: runs COMMAND (output discarded) and prints its wall time in seconds;
# a failing command stops the benchmark.
wall_s() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" > /dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; exit 1; }
  t1=$(date +%s%N)
  awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }'
}

# peak_rss_mb COMMAND...: runs COMMAND and prints its peak resident memory in MB (GNU time;
# "?" without /usr/bin/time). Needs WORK (bench_workdir).
peak_rss_mb() {
  if [[ ! -x /usr/bin/time ]]; then "$@" > /dev/null 2>&1; echo "?"; return; fi
  /usr/bin/time -f "%M" -o "$WORK/.time" "$@" > /dev/null 2>&1 ||
    { echo "benchmark command failed: $*" >&2; exit 1; }
  awk '{ printf "%.1f\n", $1 / 1024 }' "$WORK/.time"
}

# cpu_s COMMAND...: the CPU time (user + sys, COMMAND and the processes it waited for) in
# seconds: steadier than wall time on a loaded machine. Needs WORK and GNU time.
cpu_s() {
  /usr/bin/time -f "%U %S" -o "$WORK/.time" "$@" > /dev/null 2>&1 ||
    { echo "benchmark command failed: $*" >&2; exit 1; }
  awk '{ printf "%.3f\n", $1 + $2 }' "$WORK/.time"
}

# side_by_side REPS NAME_A CMD_A NAME_B CMD_B: runs the two shell commands alternately REPS
# times each and sets A_MED and B_MED to their median wall times (s).
side_by_side() {
  local reps=$1 a=$3 b=$5 i as=() bs=()
  for ((i = 0; i < reps; i++)); do
    as+=("$(wall_s bash -c "$a")")
    bs+=("$(wall_s bash -c "$b")")
  done
  A_MED=$(printf '%s\n' "${as[@]}" | median)
  B_MED=$(printf '%s\n' "${bs[@]}" | median)
}

# peer NAME: the path of an installed peer tool (meta, turbo: `npm install -g meta turbo`),
# or nothing, after printing a note that it is skipped.
peer() {
  local p
  p=$(command -v "$1" || true)
  [[ -n "$p" ]] || echo "note: $1 is not installed (npm install -g $1): its figures are skipped" >&2
  echo "$p"
}
