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
. "$(dirname "$0")/lib.sh"
TAKO=$(bench_tako "${1:-}")
REPS=${2:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
bench_workdir step-cache
work=$WORK
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

ms() { awk -v s="$1" 'BEGIN {printf "%.0f", s * 1000}'; }
timed() { wall_s_to "$1" "$TAKO" "${@:2}"; }  # timed <output file> <tako args...>: seconds

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
