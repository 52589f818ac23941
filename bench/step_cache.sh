#!/usr/bin/env bash
# Step result caching (issue 17 §3, docs/caching.md): the demo's release train
# (examples/release-train: acme/go-lib fans out to api-service → e2e-tests, web-app,
# legacy-worker) with every `run` step taking 1 second (`sleep 1 && …`) and `cache: true`,
# run twice with a fresh TAKO_HOME:
#   1. the first run (every step runs; the clones are made),
#   2. the same command again (every `run` step a hit; fan-outs and children still run),
#   3. once more with --no-cache (every step runs again, clones warm): the uncached baseline.
# Goal: run 2 < 10% of run 1.
#
#   bench/step_cache.sh [path/to/tako] [repetitions]
#
# Each figure is the median of the repetitions (default 3).
set -euo pipefail

TAKO=${1:-build/tako}
REPS=${2:-3}
TAKO=$(cd "$(dirname "$TAKO")" && pwd)/$(basename "$TAKO")
[[ -x "$TAKO" ]] || { echo "no tako binary at $TAKO (build it: cmake --build build --target tako_exe)" >&2; exit 1; }
here=$(cd "$(dirname "$0")/.." && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NO_COLOR=1
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
export TAKO_GIT_URL="file://$work/remotes/{owner}/{name}.git"

bash "$here/examples/create-world.sh" "$work" release-train > /dev/null
# Every `run` step sleeps 1 second first and is cached (a shorthand step becomes {run: …}),
# except api-service's `bump`, whose effect is an edit of the workspace that a later step reads:
# that is not an output, a hit would not redo it (docs/caching.md), so it stays uncached (and
# fast). Committed and pushed, so that children's clones have it too.
for repo in "$work"/checkouts/*/*; do
  sed -i -E \
    -e '/bump\.sh/b' \
    -e "s/^(      - run: )'(.*)$/\1'sleep 1 \&\& \2\n        cache: true/; t" \
    -e 's/^(      - run: )([^>|].*)$/\1sleep 1 \&\& \2\n        cache: true/; t' \
    -e 's/^      - (\.\/.*)$/      - run: sleep 1 \&\& \1\n        cache: true/; t' \
    -e "s/^(        run: )'(.*)$/        cache: true\n\1'sleep 1 \&\& \2/; t" \
    -e 's/^(        run: )([^>|].*)$/        cache: true\n\1sleep 1 \&\& \2/; t' \
    -e '/^        run: [>|]/{s/^/        cache: true\n/;n;s/^( +)/\1sleep 1 \&\& /}' \
    "$repo/tako.yml"
  git -C "$repo" commit -q -am "every run step: 1 second, cached"
  git -C "$repo" push -q origin main
done
root="$work/checkouts/acme/go-lib"
"$TAKO" validate --root "$root" > /dev/null

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { awk -v ns="$1" 'BEGIN {printf "%.0f", ns/1e6}'; }
timed() {  # timed <output file> <tako args...>: wall time in ns
  local out=$1 t0 t1
  shift
  t0=$(now_ns)
  "$TAKO" "$@" > "$out" 2>&1 || { cat "$out" >&2; echo "failed: tako $*" >&2; exit 1; }
  t1=$(now_ns)
  echo $((t1 - t0))
}

first=() second=() uncached=()
for rep in $(seq "$REPS"); do
  export TAKO_HOME="$work/home-$rep"
  args=(exec release --root "$root" --inputs.version=1.4.0)
  first+=("$(timed "$work/first.out" "${args[@]}")")
  second+=("$(timed "$work/second.out" "${args[@]}")")
  uncached+=("$(timed "$work/uncached.out" "${args[@]}" --no-cache)")
done
hits=$(grep -c "(cached)" "$work/second.out" || true)
t1=$(printf '%s\n' "${first[@]}" | median)
t2=$(printf '%s\n' "${second[@]}" | median)
t3=$(printf '%s\n' "${uncached[@]}" | median)
echo "run 1, cold (every step runs, clones made):   $(ms "$t1") ms"
echo "run 2, same command (cached):                 $(ms "$t2") ms  ($hits lines '(cached)' in its output)"
echo "run 3, --no-cache (every step runs again):    $(ms "$t3") ms"
echo "run 2 / run 1:                                $(awk -v a="$t2" -v b="$t1" 'BEGIN {printf "%.1f%%", 100*a/b}') (goal < 10%)"
echo "run 2 / run 3:                                $(awk -v a="$t2" -v b="$t3" 'BEGIN {printf "%.1f%%", 100*a/b}')"
echo "--- run 2's output:"
cat "$work/second.out"
