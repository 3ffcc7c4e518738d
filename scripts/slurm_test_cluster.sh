#!/usr/bin/env bash
# A throwaway one-node Slurm cluster for tests and trials, from Debian 12's
# slurm-wlm and munge, as root, without systemd. Everything (configuration,
# state, spool, logs, munge's socket) lives in DIR; /etc/slurm is not read.
#
# Usage: scripts/slurm_test_cluster.sh start DIR   -> prints `export SLURM_CONF=DIR/slurm.conf`
#        scripts/slurm_test_cluster.sh stop DIR    (kills the daemons by their PID files)
#
# What it needs (found on Debian 12, slurm 22.05): proctrack/linuxproc (the
# cgroup default drains the node without a cgroup freezer), select/cons_tres
# (the default select/linear runs one array task per node at a time), munged
# run as the munge user with its own socket. A daemon that does not come up
# within 20 s fails the start with every log printed.
set -uo pipefail
command="${1:-}" dir="${2:-}"
if [ -z "$command" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
dir="$(mkdir -p "$dir" && cd "$dir" && pwd)"

stop() {
  for pid_file in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    [ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null
  done
  sleep 0.5
  for pid_file in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    [ -f "$pid_file" ] && kill -9 "$(cat "$pid_file")" 2>/dev/null
    rm -f "$pid_file"
  done
  return 0
}

fail() {
  echo "slurm_test_cluster: $1" >&2
  for log in "$dir"/munge/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [ -f "$log" ] && { echo "---- $log" >&2; tail -n 40 "$log" >&2; }
  done
  stop
  exit 1
}

wait_for() {  # wait_for DESCRIPTION COMMAND...
  local what="$1"
  shift
  for _ in $(seq 1 100); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  fail "$what did not happen within 20 s"
}

case "$command" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

[ "$(id -u)" -eq 0 ] || fail "must run as root (slurmd starts jobs as their users)"
for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/setup.sh installs slurm-wlm and munge)"
done
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
chmod 755 "$dir"  # munged runs as munge: DIR's parents must let it through too
chown munge:munge "$dir/munge"
chmod 711 "$dir/munge"  # munged wants its socket folder executable by all
cpus="$(nproc)"
cat > "$dir/slurm.conf" <<CONF
ClusterName=gauntlet
SlurmctldHost=localhost
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
ProctrackType=proctrack/linuxproc
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MailProg=/bin/true
NodeName=localhost CPUs=$cpus
PartitionName=main Nodes=localhost Default=YES State=UP
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
CONF
export SLURM_CONF="$dir/slurm.conf"
runuser -u munge -- munged --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" || fail "munged did not start"
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
wait_for "slurmctld answering" sh -c 'scontrol ping | grep -q UP'
slurmd -f "$SLURM_CONF" -N localhost || fail "slurmd did not start"
wait_for "the node becoming idle" sh -c 'sinfo -h -o %T | grep -q idle'
echo "export SLURM_CONF=$SLURM_CONF"
