#!/usr/bin/env bash
# Whole-process benchmark of tako/fan-out@v1 (issue: fan-out, "Speed").
#
# One parent (acme/lib) fans out to N subscriber repositories already in the cache, whose
# workflow is one trivial step. Compared with a baseline shell pipeline that does the
# essential work alone: copy each repository, run the step, 4 at a time (xargs -P4).
#
# Usage: bench/fanout.sh path/to/tako [N...]        (default N: 10 100 500)
# Prints one Markdown table row per N: wall time of tako (second run: clones cached, index
# warm), the baseline, their ratio, tako's peak RSS and the discovery time from --debug.
set -euo pipefail
tako=$(realpath "${1:?usage: bench/fanout.sh path/to/tako [N...]}")
shift
sizes=("$@")
((${#sizes[@]})) || sizes=(10 100 500)

export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

echo "| N | tako wall (s) | baseline wall (s) | ratio | tako peak RSS (MB) | discovery, 2nd run (ms) |"
echo "|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
  dir=$(mktemp -d /tmp/tako-bench-fanout.XXXXXX)
  mkdir -p "$dir/remotes/acme" "$dir/src"

  # One subscriber repository, copied N times as bare remotes (identity comes from the path).
  sub="$dir/src/subscriber"
  mkdir -p "$sub"
  cat > "$sub/tako.yml" <<'YML'
version: 0.1.0
workflows:
  test:
    on: event
    steps:
      - run: "true"
subscriptions:
  - artifact: acme/lib:lib
    events: [lib_built]
    workflow: test
YML
  git -C "$sub" init -q -b main && git -C "$sub" add -A && git -C "$sub" commit -q -m init
  git clone -q --bare "$sub" "$dir/remotes/acme/template.git"
  deps=""
  for i in $(seq 1 "$n"); do
    cp -r "$dir/remotes/acme/template.git" "$dir/remotes/acme/s$i.git"
    deps+="  - repo: acme/s$i"$'\n'
  done

  lib="$dir/src/lib"
  mkdir -p "$lib"
  cat > "$lib/tako.yml" <<YML
version: 0.1.0
metadata: {repo: acme/lib}
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

  export TAKO_HOME="$dir/home" TAKO_GIT_URL="file://$dir/remotes/{owner}/{name}.git"
  # Warm-up: clones every subscriber into the cache and fills the subscription index.
  "$tako" exec release --root "$lib" >/dev/null 2>&1
  # Measured runs: the median of 3 (wall), the largest peak RSS.
  walls=() tako_rss_kb=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$dir/time.txt" "$tako" exec release --root "$lib" >/dev/null 2>&1
    read -r w rss < "$dir/time.txt"
    walls+=("$w")
    ((rss > tako_rss_kb)) && tako_rss_kb=$rss
  done
  tako_wall=$(printf "%s\n" "${walls[@]}" | sort -g | sed -n 2p)
  discovery=$("$tako" exec release --root "$lib" --debug 2>&1 >/dev/null | sed -n 's/.*discovery:.* in \([0-9.]*\) ms.*/\1/p' | head -1)

  # Baseline: copy each cached repository and run its step, 4 at a time (median of 3).
  bases=()
  for k in 1 2 3; do
    mkdir -p "$dir/baseline$k"
    start=$(date +%s%N)
    ls -d "$TAKO_HOME"/cache/repos/acme/s*/main | xargs -P4 -I{} sh -c \
      'd="$1"; w="$2/$(basename "$(dirname "$d")")"; cp -r "$d" "$w" && cd "$w" && sh -c "true"' _ {} "$dir/baseline$k"
    end=$(date +%s%N)
    bases+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1e9 }')")
  done
  base_wall=$(printf "%s\n" "${bases[@]}" | sort -g | sed -n 2p)
  awk -v n="$n" -v t="$tako_wall" -v b="$base_wall" -v rss="$tako_rss_kb" -v d="${discovery:-?}" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.1f | %s |\n", n, t, b, t / b, rss / 1024, d }' 
  rm -rf "$dir"
done
