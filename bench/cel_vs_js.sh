#!/usr/bin/env bash
# CEL filter evaluation: tako's bench_cel beside the JavaScript CEL implementations, in one
# run, CPU time per evaluation (the machine may be shared with other work):
#   @marcbachmann/cel-js ("cel-js") and @bufbuild/cel with its strings extension.
# The peers are installed with npm into build-deps/bench-peers (gitignored); without npm, or
# offline, only tako's figures are printed, with a note.
# Usage: bench/cel_vs_js.sh [build-bench dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-bench}"
peers="$root/build-deps/bench-peers"

if [[ ! -x "$build/bench/bench_cel" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTAKO_BENCH=ON -DTAKO_TESTS=OFF >/dev/null
  cmake --build "$build" -j "$(nproc)" --target bench_cel >/dev/null
fi

echo "== tako (bench_cel, median of 5, CPU time)"
"$build/bench/bench_cel" --benchmark_filter='Eval(Split|Semver)Filter$' --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true 2>/dev/null |
  awk '/_median/ { printf "tako %s\t%s %s CPU\n", $1, $4, $5 }'

if ! command -v npm >/dev/null 2>&1; then
  echo "note: npm not found: the JavaScript peers were not measured"
  exit 0
fi
if [[ ! -d "$peers/node_modules/@marcbachmann/cel-js" || ! -d "$peers/node_modules/@bufbuild/cel" ]]; then
  mkdir -p "$peers"
  if ! npm install --silent --no-audit --no-fund --no-save --prefix "$peers" \
      @marcbachmann/cel-js@8.0.0 @bufbuild/cel@0.6.1 >/dev/null 2>&1; then
    echo "note: npm could not install the peers (offline?): they were not measured"
    exit 0
  fi
fi
echo "== JavaScript peers (median of 3, CPU time, node $(node --version))"
node "$root/bench/cel_peers.mjs" "$peers/node_modules" 200000
