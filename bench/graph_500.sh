#!/bin/bash
# Whole-process benchmark of `tako graph` over a generated graph of N repositories (default
# 500) that are already in the cache (issue 6; results in docs/benchmarks.md).
#
#   bench/graph_500.sh [path/to/tako] [N]
#
# Builds N bare repositories under a temporary directory (repository i lists 2i+1, 2i+2 and,
# for every fifth i, i+7 as dependents: a DAG with shared nodes), lets tako clone them all
# once (not measured), then times:
#   1. `tako graph`                          default: fetches every clone (file:// remotes)
#   2. the same again, nothing changed
#   3. `tako graph --local`                  no network: the clones as they are
#   4. the same again, nothing changed
#   5. `TAKO_FETCH_TTL=10m tako graph`       fetched within the TTL, so not fetched again
set -euo pipefail

TAKO=${1:-build/tako}
N=${2:-500}
TAKO=$(cd "$(dirname "$TAKO")" && pwd)/$(basename "$TAKO")
WORK=$(mktemp -d /tmp/tako-graph-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export TAKO_HOME=$WORK/home
export TAKO_GIT_URL="file://$WORK/remotes/{owner}/{name}.git"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

name() { printf 'r%03d' "$1"; }

echo "generating $N repositories in $WORK ..." >&2
mkdir -p "$WORK/remotes/bench" "$WORK/src"
for ((i = 0; i < N; i++)); do
  n=$(name "$i")
  {
    echo "version: 0.1.0"
    deps=()
    for j in $((2 * i + 1)) $((2 * i + 2)); do ((j < N)) && deps+=("$j"); done
    if ((i % 5 == 0 && i + 7 < N)); then deps+=($((i + 7))); fi
    if ((${#deps[@]} > 0)); then
      echo "dependents:"
      for j in "${deps[@]}"; do echo "  - repo: bench/$(name "$j"):main"; done
    fi
    echo "workflows:"
    echo "  build:"
    echo "    steps:"
    echo "      - run: make"
  } > "$WORK/tako-$n.yml"
  # One commit made with plumbing, pushed into a fresh bare repository.
  git init -q --bare "$WORK/remotes/bench/$n.git"
  export GIT_DIR=$WORK/remotes/bench/$n.git
  blob=$(git hash-object -w "$WORK/tako-$n.yml")
  tree=$(printf '100644 blob %s\ttako.yml\n' "$blob" | git mktree)
  commit=$(git commit-tree -m "initial" "$tree")
  git update-ref refs/heads/main "$commit"
  git symbolic-ref HEAD refs/heads/main
  unset GIT_DIR
done
git clone -q "$WORK/remotes/bench/r000.git" "$WORK/src/r000"

cd "$WORK/src/r000"
echo "first call: cloning $N repositories (not measured) ..." >&2
start=$(date +%s.%N)
"$TAKO" graph > /dev/null
end=$(date +%s.%N)
printf 'warm-up (clones %d repositories): %.2f s\n' "$N" "$(echo "$end - $start" | bc)"

measure() {
  local label=$1
  shift
  local TIMEFORMAT='%R %U %S'
  local times
  times=$( { time "$@" > "$WORK/out.txt"; } 2>&1 )
  read -r real user sys <<< "$times"
  printf '| %-40s | %6.3f s | %6.3f s | %d |\n' "$label" "$real" "$(echo "$user + $sys" | bc)" \
    "$(wc -l < "$WORK/out.txt")"
}

echo "| command | wall | CPU (user+sys, tako and git) | output lines |"
echo "| --- | ---: | ---: | ---: |"
measure "tako graph (fetch every clone)" "$TAKO" graph
measure "tako graph (fetch, nothing changed)" "$TAKO" graph
measure "tako graph --local" "$TAKO" graph --local
measure "tako graph --local (nothing changed)" "$TAKO" graph --local
measure "TAKO_FETCH_TTL=10m tako graph" env TAKO_FETCH_TTL=10m "$TAKO" graph
measure "tako graph --local --format json" "$TAKO" graph --local --format json
measure "tako run --dry-run --local true" "$TAKO" run --local --dry-run true
