#!/usr/bin/env bash
# The play table's scripted expert over CALVIN's evaluation chains (default:
# all 1,000 of suites/calvin.yaml, two workers; about ten minutes on two
# cores). Prints the chains table (success after 1..5 subtasks in a row and
# the average length), the wall time, and per task the subtasks the chains
# attempted and how many succeeded, against the bar: every task at least 90%
# and an average length of at least 4.5. Long: not part of CI.
# Usage: scripts/playtable_sweep.sh [chain range, e.g. 0-99] [extra gauntlet run args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chains="${1:-0-999}"
shift || true
# Configured by scripts/build.sh; only the CLI is needed here.
[ -d "$root/build" ] || bash "$root/scripts/build.sh" >/dev/null
cmake --build "$root/build" --target gauntlet -j"${GAUNTLET_JOBS:-2}" >/dev/null
mkdir -p "$root/out"
db="$root/out/playtable-sweep.db"
rm -f "$db"
start=$(date +%s)
"$root/build/gauntlet" run "$root/suites/calvin.yaml" --policy oracle --chains "$chains" --workers 2 --db "$db" \
  --run-name "playtable-sweep-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo local)" "$@" \
  >"$root/out/playtable-sweep.log" 2>&1 || { tail -5 "$root/out/playtable-sweep.log"; exit 1; }
echo "wall time: $(( $(date +%s) - start )) s"
"$root/build/gauntlet" report --db "$db" --table chains
# Per task: every subtask a chain attempted (a chain stops at its first failure).
sqlite3 -column -header "$db" "
  SELECT subtask AS task, count(*) AS attempted, sum(success) AS succeeded,
         printf('%.1f', 100.0 * sum(success) / count(*)) AS percent
  FROM subtasks GROUP BY subtask ORDER BY 100.0 * sum(success) / count(*), subtask;"
bar=$(sqlite3 "$db" "
  WITH t AS (SELECT subtask, sum(success) AS s, count(*) AS n FROM subtasks GROUP BY subtask),
       c AS (SELECT sum(success) * 1.0 / count(DISTINCT episode_id) AS avg_len FROM subtasks)
  SELECT printf('worst task %.1f%%, average length %.2f  %s', min(100.0 * s / n), (SELECT avg_len FROM c),
                CASE WHEN min(100 * s >= 90 * n) = 1 AND (SELECT avg_len FROM c) >= 4.5 THEN 'PASS' ELSE 'FAIL' END)
  FROM t;")
echo "$bar"
! grep -q FAIL <<<"$bar"
