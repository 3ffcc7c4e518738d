#!/usr/bin/env bash
# Solvability sweep: the scripted expert on every episode of a suite (default
# LIBERO-Spatial, 10 tasks x 50 initial states). Prints the table and checks
# the bars: at least 95% overall and at least 90% on every task.
# Usage: scripts/solvability.sh [suite] [extra gauntlet run args...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
suite="${1:-libero_spatial}"
shift || true
bash "$root/scripts/build.sh" >/dev/null
mkdir -p "$root/out"
db="$root/out/solvability-$suite.db"
start=$(date +%s)
"$root/build/gauntlet" run "$suite" --policy oracle --workers 2 --db "$db" \
  --run-name "solvability-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo local)" "$@"
echo "wall time: $(( $(date +%s) - start )) s"
# The bars, from raw counts in the database.
sqlite3 "$db" "
  WITH r AS (SELECT max(run_id) AS id FROM runs),
       t AS (SELECT task, sum(success) AS s, count(*) AS n FROM episodes, r WHERE run_id = r.id GROUP BY task)
  SELECT printf('overall %d/%d = %.1f%%; worst task %.1f%%',
                sum(s), sum(n), 100.0 * sum(s) / sum(n), min(100.0 * s / n)) FROM t;"
sqlite3 "$db" "
  WITH r AS (SELECT max(run_id) AS id FROM runs),
       t AS (SELECT task, sum(success) AS s, count(*) AS n FROM episodes, r WHERE run_id = r.id GROUP BY task)
  SELECT CASE WHEN 100 * sum(s) >= 95 * sum(n) AND min(100 * s >= 90 * n) = 1 THEN 'PASS' ELSE 'FAIL' END FROM t;" \
  | tee /dev/stderr | grep -q PASS
