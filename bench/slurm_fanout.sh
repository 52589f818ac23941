#!/usr/bin/env bash
# The slurm executor's per-step overhead (issue #15): one parent fans out to N subscribers
# whose workflow is one `true` step, with --executor local and --executor slurm, against a
# private single-node cluster (tests/slurm/cluster.sh; or the one SLURM_CONF names).
#
# Usage: bench/slurm_fanout.sh path/to/tako [N]        (default N: 100; needs root for the
#        private cluster)
# Prints a Markdown table: wall time of each executor (median of 3, clones cached), the extra
# time per step ((slurm - local) * concurrency / N: each of the 4 in-flight steps pays it), and
# where it goes: a bare `srun true` (allocation + launch + teardown, the floor of a Slurm job),
# and `squeue`/`scontrol ping` (what tako adds around a job only on cancellation and at start).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[[ -n "${1:-}" ]] || { echo "usage: bench/slurm_fanout.sh path/to/tako [N]" >&2; exit 2; }
tako=$(bench_tako "$1")
n=${2:-100}
here=$(cd "$(dirname "$0")/.." && pwd)
bench_workdir slurm
dir=$WORK
if [ -z "${SLURM_CONF:-}" ]; then
  cluster="$dir/cluster"
  bench_at_exit '"$here/tests/slurm/cluster.sh" stop "$cluster" >/dev/null 2>&1'
  export "$("$here/tests/slurm/cluster.sh" start "$cluster")"
fi

fanout_world "$dir" "$n" acme
lib="$dir/src/lib"
export TAKO_HOME="$dir/home" TAKO_GIT_URL="file://$dir/remotes/{owner}/{name}.git"
"$tako" exec release --root "$lib" >/dev/null 2>&1  # warm-up: clones, subscription index

median_wall() {  # median of 3 wall times of "$@", in seconds
  local walls=() i
  for i in 1 2 3; do walls+=("$(wall_s "$@")"); done
  printf "%s\n" "${walls[@]}" | median
}
mean_ms() {  # mean wall time of 20 sequential runs of "$@", in ms
  local start end
  start=$(date +%s%N)
  for _ in $(seq 1 20); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", (e - s) / 1e6 / 20 }'
}

local_wall=$(median_wall "$tako" exec release --root "$lib" --executor local)
slurm_wall=$(median_wall "$tako" exec release --root "$lib" --executor slurm)
srun_ms=$(mean_ms srun --quiet --ntasks=1 --cpus-per-task=1 true)
squeue_ms=$(mean_ms squeue -h -a -o "%i|%k")
ping_ms=$(mean_ms scontrol ping)

echo "| N | local wall (s) | slurm wall (s) | extra per step (ms) | bare \`srun true\` (ms) | \`squeue\` (ms) | \`scontrol ping\` (ms) |"
echo "|---|---|---|---|---|---|---|"
awk -v n="$n" -v l="$local_wall" -v s="$slurm_wall" -v srun="$srun_ms" -v q="$squeue_ms" -v p="$ping_ms" \
  'BEGIN { printf "| %s | %.2f | %.2f | %.0f | %s | %s | %s |\n", n, l, s, (s - l) * 4 * 1000 / n, srun, q, p }'
