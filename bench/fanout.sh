#!/usr/bin/env bash
# Whole-process benchmark of tako/fan-out@v1 (issue 17 §1; results in docs/benchmarks.md).
#
#   bench/fanout.sh path/to/tako [N...]          (default N: 200 500; BENCH_REPS=3)
#
# One parent (acme/lib) fans out to N subscriber repositories already in the cache, each
# running a workflow of one `true` step, 4 at a time. Side by side, alternated, medians of
# BENCH_REPS runs each:
#   fresh     `tako exec release --local` (the clones as they are)
#             against `cp -r` of each cached clone + `sh -c true` in it, `xargs -P4`
#   fetching  `TAKO_FETCH_TTL=0 tako exec release` (every clone fetched, the default when
#             the clones are older than TAKO_FETCH_TTL)
#             against `git fetch` + `cp -r` + `sh -c true`, `xargs -P4`
#   worktree  `git worktree add` + `sh -c true` + `git worktree remove`, `xargs -P4`
# Every baseline removes what it made at its end, as tako does. Also tako's peak RSS
# (--local) and its cost per child (fresh wall / N).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
TAKO=$(bench_tako "${1:-}")
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(200 500)
REPS=${BENCH_REPS:-3}
bench_workdir fanout

echo "| N | tako --local (s) | cp -r + sh (s) | ratio | tako, fetching (s) | git fetch + cp -r + sh (s) | ratio | worktree + sh (s) | tako peak RSS (MB) | ms per child |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  dir=$WORK/n$n
  fanout_world "$dir" "$n" acme
  export TAKO_HOME="$dir/home" TAKO_GIT_URL="file://$dir/remotes/{owner}/{name}.git"
  # Warm-up (not measured): clones every subscriber and fills the subscription index.
  "$TAKO" exec release --root "$dir/src/lib" > /dev/null 2>&1
  # (a file, not a variable: one environment string is limited to 128 KB)
  ls -d "$TAKO_HOME"/cache/repos/acme/s*/main > "$dir/clones.txt"
  export dir TAKO
  mkdir -p "$dir/ws"

  side_by_side "$REPS" \
    tako '"$TAKO" exec release --root "$dir/src/lib" --local' \
    copy 'xargs < "$dir/clones.txt" -P4 -I{} sh -c '\''w="$2/$(basename "$(dirname "$1")")"; cp -r "$1" "$w" && cd "$w" && sh -c true'\'' _ {} "$dir/ws" && find "$dir/ws" -mindepth 1 -delete'
  fresh_t=$A_MED fresh_b=$B_MED
  side_by_side "$REPS" \
    tako 'TAKO_FETCH_TTL=0 "$TAKO" exec release --root "$dir/src/lib"' \
    fetch 'xargs < "$dir/clones.txt" -P4 -I{} sh -c '\''w="$2/$(basename "$(dirname "$1")")"; git -C "$1" fetch -q origin && cp -r "$1" "$w" && cd "$w" && sh -c true'\'' _ {} "$dir/ws" && find "$dir/ws" -mindepth 1 -delete'
  fetch_t=$A_MED fetch_b=$B_MED
  side_by_side 1 \
    none 'true' \
    worktree 'xargs < "$dir/clones.txt" -P4 -I{} sh -c '\''w="$2/$(basename "$(dirname "$1")")"; git -C "$1" worktree add -q --detach "$w" HEAD && (cd "$w" && sh -c true) && git -C "$1" worktree remove --force "$w"'\'' _ {} "$dir/ws"'
  worktree_b=$B_MED
  rss=$(peak_rss_mb "$TAKO" exec release --root "$dir/src/lib" --local)
  per_child=$(awk -v t="$fresh_t" -v n="$n" 'BEGIN { printf "%.2f", t * 1000 / n }')
  echo "| $n | $fresh_t | $fresh_b | $(ratio "$fresh_t" "$fresh_b") | $fetch_t | $fetch_b | $(ratio "$fetch_t" "$fetch_b") | $worktree_b | $rss | $per_child |"
  rm -rf "$dir"
done
