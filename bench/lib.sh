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
# (call it directly, not in $(...)), after what bench_at_exit registered.
BENCH_AT_EXIT=()
bench_workdir() {
  WORK=$(mktemp -d "/tmp/tako-bench-$1.XXXXXX")
  trap bench_exit EXIT
}

# bench_at_exit COMMAND: a shell command to run when the script exits (e.g. stopping a cluster
# the script started), before WORK is removed; a failing one does not keep the others from
# running.
bench_at_exit() { BENCH_AT_EXIT+=("$1"); }

bench_exit() {
  local c
  for c in "${BENCH_AT_EXIT[@]}"; do eval "$c" || true; done
  rm -rf "$WORK"
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

# fanout_world DIR N OWNER: the world of the fan-out benchmarks (fanout.sh, graph_release.sh,
# slurm_fanout.sh). N subscriber repositories OWNER/s1 … OWNER/sN, bare under DIR/remotes
# (copies of DIR/remotes/OWNER/template.git, whose tako.yml is DIR/subscriber.yml), each
# running workflow `test` of one `true` step on OWNER/lib:lib's lib_built events; and the
# parent OWNER/lib in DIR/src/lib (a plain directory, no git), listing them all as dependents,
# whose `release` fans out to them 4 at a time. Point TAKO_GIT_URL at
# file://DIR/remotes/{owner}/{name}.git.
fanout_world() {
  local dir=$1 n=$2 owner=$3 deps="" i
  mkdir -p "$dir/remotes/$owner" "$dir/src/lib"
  cat > "$dir/subscriber.yml" <<YML
version: 0.1.0
workflows:
  test:
    on: event
    steps:
      - run: "true"
subscriptions:
  - artifact: $owner/lib:lib
    events: [lib_built]
    workflow: test
YML
  bare_repo "$dir/remotes/$owner/template.git" "$dir/subscriber.yml"
  for ((i = 1; i <= n; i++)); do
    cp -r "$dir/remotes/$owner/template.git" "$dir/remotes/$owner/s$i.git"
    deps+="  - repo: $owner/s$i"$'\n'
  done
  cat > "$dir/src/lib/tako.yml" <<YML
version: 0.1.0
metadata: {repo: $owner/lib}
artifacts:
  lib: {path: ./tako.yml}
dependents:
$deps
workflows:
  release:
    steps:
      - id: notify
        uses: tako/fan-out@v1
        with: {event_type: lib_built, concurrency_limit: 4}
YML
}

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# wall_s COMMAND...: runs COMMAND (output discarded) and prints its wall time in seconds;
# a failing command stops the benchmark.
wall_s() { wall_s_to /dev/null "$@"; }

# wall_s_to FILE COMMAND...: like wall_s, COMMAND's output (stdout and stderr) kept in FILE,
# which is shown when the command fails.
wall_s_to() {
  local out=$1 t0 t1
  shift
  t0=$(date +%s%N)
  "$@" > "$out" 2>&1 || {
    [[ "$out" == /dev/null ]] || tail -20 "$out" >&2
    echo "benchmark command failed: $*" >&2
    exit 1
  }
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
