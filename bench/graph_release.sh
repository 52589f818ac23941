#!/usr/bin/env bash
# Whole-process benchmark of releasing a dependency graph (issue 11; results in
# docs/benchmarks.md), against the fan-out to as many repositories, in the same run.
#
#   bench/graph_release.sh [path/to/tako] [N]          (default N: 500)
#
# 1. graph: N repositories in bench/graph_500.sh's shape (repository i lists 2i+1, 2i+2 and,
#    for every fifth i, i+7 as dependents), each with a `release` workflow of one `true`
#    step; `tako exec release` in r000 releases all N, each once after its upstreams.
# 2. fan-out: one parent fanning out to N subscribers, each running one `true` step (the
#    shape of bench/fanout.sh).
# Both with the repositories already in the cache (a warm-up run is not measured), 4 at a
# time (--max-concurrent-repos 4, concurrency_limit 4); each figure is the median of 3 runs.
# Prints the wall times and the orchestration time per repository (wall / N) of each, and
# their ratio.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TAKO=$(bench_tako "${1:-}")
N=${2:-500}
bench_workdir graph-release
export TAKO_GIT_URL="file://$WORK/remotes/{owner}/{name}.git"

name() { printf 'r%03d' "$1"; }

echo "generating 2 x $N repositories in $WORK ..." >&2
mkdir -p "$WORK/remotes/bench" "$WORK/src"
for ((i = 0; i < N; i++)); do
  n=$(name "$i")
  {
    echo "version: 0.1.0"
    echo "metadata: {repo: bench/$n}"
    deps=()
    for j in $((2 * i + 1)) $((2 * i + 2)); do ((j < N)) && deps+=("$j"); done
    if ((i % 5 == 0 && i + 7 < N)); then deps+=($((i + 7))); fi
    if ((${#deps[@]} > 0)); then
      echo "dependents:"
      for j in "${deps[@]}"; do echo "  - repo: bench/$(name "$j"):main"; done
    fi
    echo "workflows:"
    echo "  release:"
    echo "    steps:"
    echo "      - run: \"true\""
  } > "$WORK/graph-$n.yml"
  bare_repo "$WORK/remotes/bench/$n.git" "$WORK/graph-$n.yml"
done
git clone -q "$WORK/remotes/bench/r000.git" "$WORK/src/r000"

fanout_world "$WORK" "$N" fan  # fan/s1 … fan/sN, the parent fan/lib in $WORK/src/lib

# The median wall time of 3 runs of `tako exec release --root $1` (after one warm-up run).
measure() {
  local root=$1 walls=() w
  "$TAKO" exec release --root "$root" --max-concurrent-repos 4 > "$WORK/warm.txt" 2>&1 ||
    { tail -5 "$WORK/warm.txt" >&2; exit 1; }
  for _ in 1 2 3; do
    /usr/bin/time -f "%e" -o "$WORK/time.txt" \
      "$TAKO" exec release --root "$root" --max-concurrent-repos 4 > /dev/null 2>&1
    read -r w < "$WORK/time.txt"
    walls+=("$w")
  done
  printf "%s\n" "${walls[@]}" | median
}

export TAKO_HOME=$WORK/home-graph
echo "graph release: warm-up (clones $N repositories), then 3 runs ..." >&2
graph_wall=$(measure "$WORK/src/r000")
export TAKO_HOME=$WORK/home-fan
echo "fan-out: warm-up (clones $N repositories), then 3 runs ..." >&2
fan_wall=$(measure "$WORK/src/lib")

echo "| N | graph release wall (s) | per repository (ms) | fan-out wall (s) | per child (ms) | ratio |"
echo "|---|---|---|---|---|---|"
awk -v n="$N" -v g="$graph_wall" -v f="$fan_wall" 'BEGIN {
  printf "| %d | %.2f | %.1f | %.2f | %.1f | %.2f |\n", n, g, 1000 * g / n, f, 1000 * f / n, g / f }'
