#!/usr/bin/env bash
# A policy server as a Slurm job of its own (e.g. on a GPU partition) that the
# shards of `gauntlet slurm submit` reach over the network.
#
# Usage: scripts/slurm_policy_server.sh --address-file FILE [--sbatch-opt OPT]... [--wait S] -- SERVER...
#
#   SERVER      the server's command. `{port}` in it is replaced by a free port
#               of the node it lands on (openpi: `uv run scripts/serve_policy.py
#               --port {port} ...`); without `{port}` the command must print
#               its port as its first line of output (gauntlet's test server).
#   --address-file FILE   where the job writes ws://HOST:PORT once the port
#               accepts connections (FILE on a file system the submit host sees)
#   --sbatch-opt OPT      passed to sbatch (repeatable): --partition=gpu, --gres=gpu:1, --time=...
#   --wait S    seconds to wait for the address (default 600: a model loading)
#
# Prints the server's job id once its address is written. Then, for example:
#   gauntlet slurm submit libero --shards 16 --policy remote:$(cat FILE) --policy-opt concurrency=...
#   sbatch --dependency=afterany:MERGE_JOB --wrap "scancel SERVER_JOB"    # stop it after the merge
set -uo pipefail
address="" wait_s=600 sbatch_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --address-file) address="$2"; shift 2 ;;
    --sbatch-opt) sbatch_opts+=("$2"); shift 2 ;;
    --wait) wait_s="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "slurm_policy_server: unknown option '$1' (the server's command goes after --)" >&2; exit 2 ;;
  esac
done
[ -n "$address" ] && [ $# -gt 0 ] || { sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
address="$(cd "$(dirname "$address")" && pwd)/$(basename "$address")"
rm -f "$address"
server="$(printf '%q ' "$@")"
job_script="$(mktemp /tmp/gauntlet-policy-server.XXXXXX.sbatch)"
cat > "$job_script" <<JOB
#!/bin/bash
#SBATCH --job-name=gauntlet-policy-server
set -uo pipefail
server=$(printf '%q' "$server")
host="\$(hostname)"
if [[ "\$server" == *"{port}"* ]]; then
  port="\$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')"
  bash -c "\${server//\{port\}/\$port}" &
else
  exec 3< <(bash -c "\$server")
  read -r port <&3
  cat <&3 &
fi
pid=\$!
until (exec 4<>"/dev/tcp/\$host/\$port") 2>/dev/null || (exec 4<>"/dev/tcp/127.0.0.1/\$port") 2>/dev/null; do
  kill -0 \$pid 2>/dev/null || { echo "policy server exited before listening" >&2; exit 1; }
  sleep 0.5
done
if (exec 4<>"/dev/tcp/\$host/\$port") 2>/dev/null; then echo "ws://\$host:\$port" > $(printf '%q' "$address.tmp")
else echo "ws://127.0.0.1:\$port" > $(printf '%q' "$address.tmp"); fi
mv $(printf '%q' "$address.tmp") $(printf '%q' "$address")
wait
JOB
job="$(sbatch --parsable "${sbatch_opts[@]}" "$job_script")" || exit 1
job="${job%%;*}"
rm -f "$job_script"
for _ in $(seq 1 $((wait_s * 5))); do
  [ -s "$address" ] && { echo "$job"; exit 0; }
  state="$(squeue -h -j "$job" -o %T 2>/dev/null)"
  [ -z "$state" ] && [ ! -s "$address" ] && { echo "slurm_policy_server: job $job ended before writing $address" >&2; exit 1; }
  sleep 0.2
done
echo "slurm_policy_server: no address from job $job within $wait_s s (still $state); scancel $job to stop it" >&2
exit 1
