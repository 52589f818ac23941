#!/bin/sh
# A private single-node Slurm cluster for tako's tests (issue #15): its own munged, slurmctld
# and slurmd, config, state, spool, logs and free ports, all under DIR, so that it never meets
# another cluster (a parallel ctest, a real site).
#
#   tests/slurm/cluster.sh start DIR   # prints SLURM_CONF=DIR/slurm.conf once `sinfo` is idle
#   tests/slurm/cluster.sh stop DIR    # stops every daemon it started, cancels leftover jobs
#   tests/slurm/cluster.sh env DIR     # the environment line again
#
# Needs root (slurmd runs jobs as their user) and Debian's slurm-wlm + munge. start exits
# non-zero, naming what failed, when the cluster cannot come up.
set -eu

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|env DIR" >&2; exit 2; }

fail() { echo "slurm cluster: $*" >&2; exit 1; }

stop_pidfile() {
  [ -f "$1" ] || return 0
  pid=$(cat "$1" 2>/dev/null || true)
  rm -f "$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  kill -9 "$pid" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
env)
  echo "SLURM_CONF=$dir/slurm.conf"
  ;;
stop)
  [ -d "$dir" ] || exit 0
  if [ -f "$dir/slurm.conf" ] && [ -f "$dir/slurmctld.pid" ]; then
    SLURM_CONF="$dir/slurm.conf" scancel --full --quiet --user="$(id -un)" 2>/dev/null || true
  fi
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  stop_pidfile "$dir/munge/munged.pid"
  # What the daemons started (slurmstepd) ends with its job; make sure nothing of ours stays.
  for p in $(pgrep -f "$dir/" 2>/dev/null || true); do
    [ "$p" = "$$" ] || kill -9 "$p" 2>/dev/null || true
  done
  # Only what start made: DIR itself may be anyone's.
  rm -rf "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
  rm -f "$dir/slurm.conf"
  rmdir "$dir" 2>/dev/null || true
  ;;
start)
  [ "$(id -u)" = 0 ] || fail "needs root (slurmd runs each job as its user)"
  for p in munged slurmctld slurmd srun sinfo scancel squeue; do
    command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] ||
      fail "'$p' not found (scripts/install-deps.sh installs slurm-wlm and munge)"
  done
  PATH="$PATH:/usr/sbin"
  "$0" stop "$dir"
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
  dir=$(cd "$dir" && pwd -P)
  chmod 700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
  chmod 400 "$dir/munge/munge.key"
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" || fail "munged did not start (see $dir/log/munged.log)"
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
  cat >"$dir/slurm.conf" <<CONF
ClusterName=tako
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
SchedulerParameters=sched_interval=1
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=2
MinJobAge=5
InactiveLimit=0
NodeName=tako-node NodeHostname=$(hostname) NodeAddr=127.0.0.1 CPUs=16 RealMemory=8000 State=UNKNOWN
PartitionName=tako Nodes=tako-node Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -i || fail "slurmctld did not start (see $dir/log/slurmctld.log)"
  slurmd -N tako-node || fail "slurmd did not start (see $dir/log/slurmd.log)"
  i=0
  until sinfo -h -o %t 2>/dev/null | grep -qx idle; do
    i=$((i + 1))
    if [ $i -gt 300 ]; then
      state=$(sinfo -h -o %t 2>&1 || true)
      "$0" stop "$dir" >/dev/null 2>&1 || true
      fail "the node did not become idle within 30 s (sinfo: $state)"
    fi
    sleep 0.1
  done
  echo "SLURM_CONF=$SLURM_CONF"
  ;;
*)
  echo "usage: $0 start|stop|env DIR" >&2
  exit 2
  ;;
esac
