#!/bin/sh
# ctest's side of the private Slurm cluster (tests/e2e/CMakeLists.txt): one cluster per ctest
# run, set up and cleaned up by CTest fixtures, shared by the suites that need it.
#
#   tests/slurm/ctest.sh setup DIR      # cluster.sh start; see below when it cannot start
#   tests/slurm/ctest.sh run DIR CMD…   # CMD with SLURM_CONF of the cluster; exit 77 = skipped
#   tests/slurm/ctest.sh cleanup DIR    # cluster.sh stop: no daemon, no job left
#
# When the cluster cannot start, CI (CI=true) fails loudly here; elsewhere setup records why
# in DIR/unavailable and every suite that needs the cluster is skipped, saying why.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cmd=$1
dir=$2
shift 2
case "$cmd" in
setup)
  rm -f "$dir.unavailable"
  if ! why=$("$here/cluster.sh" start "$dir" 2>&1); then
    echo "$why" >&2
    if [ "${CI:-}" = true ]; then
      echo "slurm: the test cluster did not start, and CI=true: failing" >&2
      exit 1
    fi
    printf '%s\n' "$why" >"$dir.unavailable"
    echo "slurm: no test cluster ($why): the Slurm suites will be skipped" >&2
    exit 0
  fi
  echo "$why"
  ;;
run)
  if [ -f "$dir.unavailable" ]; then
    echo "skipped: no Slurm test cluster: $(cat "$dir.unavailable")"
    exit 77
  fi
  if [ ! -f "$dir/slurm.conf" ]; then
    echo "slurm: no cluster in $dir (run the slurm.cluster.setup test first)" >&2
    exit 1
  fi
  export SLURM_CONF="$dir/slurm.conf"
  exec "$@"
  ;;
cleanup)
  rm -f "$dir.unavailable"
  "$here/cluster.sh" stop "$dir"
  ;;
*)
  echo "usage: $0 setup|run|cleanup DIR [CMD…]" >&2
  exit 2
  ;;
esac
