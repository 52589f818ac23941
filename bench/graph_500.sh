#!/usr/bin/env bash
# Whole-process benchmark of `tako graph` and `tako run` over a generated graph of N
# repositories (default 500) already in the cache (issues 6 and 17 §2; results in
# docs/benchmarks.md).
#
#   bench/graph_500.sh [path/to/tako] [N]            (BENCH_REPS=5)
#
# Repository i lists 2i+1, 2i+2 and, for every fifth i, i+7 as dependents: a DAG with shared
# nodes. tako clones them all once (not measured), then, side by side and alternated,
# medians of BENCH_REPS runs each:
#   1. `tako graph` (default: every clone fetched less than TAKO_FETCH_TTL ago, so none is
#      fetched) against `tako graph --local`                         goal: < 0.3 s
#   2. `tako graph --refresh` (every clone fetched, 8 at a time) against the same fetches
#      done by `xargs -P8 git fetch`                                 goal: ratio <= 1.2
#   3. `tako run --local true` (4 at a time, each after its upstreams) against `sh -c true`
#      in each clone by `xargs -P4`, a Makefile of the same graph run by `make -j4`, and
#      `meta exec` / `turbo run` when installed (npm install -g meta turbo).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TAKO=$(bench_tako "${1:-}")
N=${2:-500}
REPS=${BENCH_REPS:-5}
bench_workdir graph
export TAKO_HOME=$WORK/home
export TAKO_GIT_URL="file://$WORK/remotes/{owner}/{name}.git"

name() { printf 'r%03d' "$1"; }
deps_of() {
  local i=$1 j
  for j in $((2 * i + 1)) $((2 * i + 2)); do ((j < N)) && echo "$j"; done
  if ((i % 5 == 0 && i + 7 < N)); then echo $((i + 7)); fi
  return 0
}

echo "generating $N repositories in $WORK ..." >&2
mkdir -p "$WORK/remotes/bench" "$WORK/src" "$WORK/yml"
for ((i = 0; i < N; i++)); do
  n=$(name "$i")
  {
    echo "version: 0.1.0"
    mapfile -t deps < <(deps_of "$i")
    if ((${#deps[@]} > 0)); then
      echo "dependents:"
      for j in "${deps[@]}"; do echo "  - repo: bench/$(name "$j"):main"; done
    fi
    printf 'workflows:\n  build:\n    steps:\n      - run: make\n'
  } > "$WORK/yml/$n.yml"
  bare_repo "$WORK/remotes/bench/$n.git" "$WORK/yml/$n.yml"
done
git clone -q "$WORK/remotes/bench/r000.git" "$WORK/src/r000"
cd "$WORK/src/r000"
echo "warm-up: tako graph clones $N repositories (not measured) ..." >&2
"$TAKO" graph > /dev/null
clones=$(ls -d "$TAKO_HOME"/cache/repos/bench/*/main)  # every repository but the root
dirs=$(printf '%s\n%s\n' "$WORK/src/r000" "$clones")  # every repository of the graph
export clones dirs TAKO
dir_of() { if (($1 == 0)); then echo "$WORK/src/r000"; else echo "$TAKO_HOME/cache/repos/bench/$(name "$1")/main"; fi; }

# The graph as a Makefile: a repository's target after its upstreams'.
{
  echo ".PHONY: all"
  printf 'all:'
  for ((i = 0; i < N; i++)); do printf ' %s' "$(name "$i")"; done
  echo
  for ((i = 0; i < N; i++)); do
    for j in $(deps_of "$i"); do echo "$(name "$j"): $(name "$i")"; done
  done
  for ((i = 0; i < N; i++)); do
    printf '%s:\n\tcd %s && sh -c true\n' "$(name "$i")" "$(dir_of "$i")"
  done
} > "$WORK/Makefile"

echo "| what | tako (s) | baseline | baseline (s) | ratio |"
echo "| --- | ---: | --- | ---: | ---: |"
row() { echo "| $1 | $A_MED | $2 | $B_MED | $(ratio "$A_MED" "$B_MED") |"; }

side_by_side "$REPS" tako '"$TAKO" graph' local '"$TAKO" graph --local'
row "\`tako graph\`, $N cached repositories, fresh (default)" "\`tako graph --local\`"
echo "| CPU (user+sys) of \`tako graph\`, fresh (default) | $(cpu_s "$TAKO" graph) | CPU of \`tako graph --local\` | $(cpu_s "$TAKO" graph --local) | |"
side_by_side "$REPS" tako '"$TAKO" graph --refresh' \
  fetch 'echo "$clones" | xargs -P8 -I{} git -C {} fetch -q --prune origin "+refs/heads/*:refs/remotes/origin/*"'
row "\`tako graph --refresh\` (every clone fetched)" "the same fetches, \`xargs -P8 git fetch\`"
side_by_side "$REPS" tako '"$TAKO" run --local true' \
  xargs 'echo "$dirs" | xargs -P4 -I{} sh -c "cd {} && sh -c true"'
row "\`tako run --local true\`, 4 at a time" "\`xargs -P4\` \`sh -c true\` in each"
side_by_side "$REPS" tako '"$TAKO" run --local true' make "make -s -j4 -f '$WORK/Makefile'"
row "\`tako run --local true\`, 4 at a time" "\`make -j4\` of the same graph"
meta=$(peer meta)
if [[ -n "$meta" ]]; then
  # meta reads the repositories from a .meta file: {"projects": {"dir": "url"}}.
  (cd "$TAKO_HOME/cache/repos/bench" &&
    { printf '{"projects": {'; ls | sed 's|.*|"&/main": "x"|' | paste -sd, -; printf '}}\n'; } > .meta)
  export meta
  side_by_side "$REPS" tako '"$TAKO" run --local true' \
    meta 'cd "$TAKO_HOME/cache/repos/bench" && "$meta" exec true'
  row "\`tako run --local true\`" "\`meta exec true\`"
fi
turbo=$(peer turbo)
if [[ -n "$turbo" ]]; then
  echo "note: turbo needs a package.json workspace per repository; not set up by this script" >&2
fi
