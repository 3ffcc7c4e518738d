#!/usr/bin/env bash
# `gauntlet slurm submit` on a real one-node Slurm cluster (started here from
# Debian's packages, stopped by PID on every exit path): a small LIBERO-Spatial
# run as 4 array tasks plus the merge job, checked against the same run done
# unsharded; then `slurm status`, and a second submit that finds nothing left.
# A cluster that cannot start fails the test with its daemons' logs.
# Usage (ctest): slurm_submit_test.sh GAUNTLET SOURCE_DIR
set -uo pipefail
gauntlet="$1" source_dir="$2"
tmp="$(mktemp -d /tmp/gauntlet-slurm.XXXXXX)"
chmod 755 "$tmp"  # munged (its own user) reaches its socket below
cluster="$source_dir/scripts/slurm_test_cluster.sh"
trap 'bash "$cluster" stop "$tmp/cluster"; [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
check() {  # check DESCRIPTION CONDITION...
  local what="$1"
  shift
  if ! "$@"; then
    echo "FAILED: $what" >&2
    for log in "$tmp"/out.*.slurm/*.log; do [ -f "$log" ] && { echo "---- $log" >&2; tail -n 20 "$log" >&2; }; done
    exit 1
  fi
  echo "ok: $what"
}

started="$(bash "$cluster" start "$tmp/cluster")" || exit 1
eval "$started"
cd "$tmp"
run_args=(--policy noop --tasks 0,1 --trials 2 --quiet)
submitted="$("$gauntlet" slurm submit libero_spatial --shards 4 --db "$tmp/out.db" "${run_args[@]}")"
check "submit: $submitted" grep -q "array job .* (shards 0,1,2,3 of 4), merge job" <<<"$submitted"
merge_job="$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' <<<"$submitted")"
for _ in $(seq 1 600); do  # the merge job leaves the queue last
  [ -z "$(squeue -h -j "$merge_job" 2>/dev/null)" ] && break
  sleep 0.5
done
check "the merge job has left the queue" test -z "$(squeue -h -j "$merge_job" 2>/dev/null)"
check "the merge job merged all shards" grep -q "4 / 4 episodes, 4 / 4 shards" out.libero_spatial.slurm/merge.log

"$gauntlet" run libero_spatial "${run_args[@]}" --db "$tmp/full.db" >/dev/null 2>&1
rows() {
  sqlite3 "$1" "SELECT suite, task, variant, init_state, seed, status, steps, state_hash, hex(actions) FROM episodes ORDER BY 1, 2, 3, 4, 5"
}
check "merged rows equal the unsharded run's" test "$(rows out.db)" = "$(rows full.db)"
check "the merged run is complete" test "$(sqlite3 out.db 'SELECT status, planned_episodes FROM runs')" = "completed|4"
check "the same report" test "$("$gauntlet" report --db out.db)" = "$("$gauntlet" report --db full.db)"
check "shard records carry Slurm's ids" test -n "$(sqlite3 out.db "SELECT json_extract(execution_json, '\$.shards[3].slurm.SLURM_ARRAY_TASK_ID') FROM runs")"

status="$("$gauntlet" slurm status libero_spatial --db "$tmp/out.db")"
check "status: every shard finished" grep -q "4 / 4 shards finished, 4 episodes" <<<"$status"
again="$("$gauntlet" slurm submit libero_spatial --shards 4 --db "$tmp/out.db" "${run_args[@]}")"
check "a second submit finds nothing to run" grep -q "nothing to submit" <<<"$again"
# The documented pattern for a policy server of its own: a Slurm job
# (scripts/slurm_policy_server.sh) serving the probe over openpi's protocol,
# whose address the shards are given; the merged run equals the in-process probe.
server_job="$(bash "$source_dir/scripts/slurm_policy_server.sh" --address-file "$tmp/server.addr" --wait 60 -- \
                /usr/bin/python3 "$source_dir/tests/remote/policy_server.py" --chunk 4)"
check "the policy server job wrote its address" test -s "$tmp/server.addr"
probe_args=(--tasks 0 --trials 2 --replan-steps 4 --quiet)
submitted="$("$gauntlet" slurm submit libero_spatial --shards 2 --db "$tmp/remote.db" --run-name remote \
               --policy "remote:$(cat "$tmp/server.addr")" --policy-opt image_size=128 \
               --policy-opt orientation=upright --policy-opt chunk=4 "${probe_args[@]}")"
merge_job="$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' <<<"$submitted")"
for _ in $(seq 1 600); do
  [ -z "$(squeue -h -j "$merge_job" 2>/dev/null)" ] && break
  sleep 0.5
done
scancel "$server_job"
"$gauntlet" run libero_spatial --policy probe "${probe_args[@]}" --db "$tmp/probe.db" >/dev/null 2>&1
probe_rows() { sqlite3 "$1" "SELECT init_state, status, steps, state_hash, hex(actions) FROM episodes ORDER BY 1"; }
check "shards through the server job equal the in-process probe" test "$(probe_rows remote.db)" = "$(probe_rows probe.db)"
check "... and there are two episodes" test "$(sqlite3 remote.db 'SELECT count(*) FROM episodes')" = "2"

# A lost shard file is the one resubmitted.
rm out.libero_spatial.shard-2-of-4.db
dry="$("$gauntlet" slurm submit libero_spatial --shards 4 --db "$tmp/out.db" "${run_args[@]}" --dry-run)"
check "only the lost shard is resubmitted" grep -q "^#SBATCH --array=2$" <<<"$dry"
