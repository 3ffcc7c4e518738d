#!/usr/bin/env bash
# Solvability sweep: the scripted expert on every episode of a suite or suite
# set (default LIBERO-Spatial, 10 tasks x 50 initial states; `libero` runs all
# four LIBERO suites, 2,000 episodes). Prints the tables, the wall time, and
# checks the bars on every suite: at least 95% overall, at least 85% on every
# task, counted from the episode rows in the database.
# Usage: scripts/solvability.sh [suite-or-set] [extra gauntlet run args...]
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
# The bars, per suite, on the newest run of each suite in the database.
bars=$(sqlite3 "$db" "
  WITH latest AS (SELECT suite, max(run_id) AS id FROM runs GROUP BY suite),
       t AS (SELECT e.suite, e.task, sum(e.success) AS s, count(*) AS n
             FROM episodes e JOIN latest l ON e.run_id = l.id GROUP BY e.suite, e.task)
  SELECT printf('%-16s %d/%d = %.1f%%; worst task %.1f%%  %s', suite, sum(s), sum(n), 100.0 * sum(s) / sum(n),
                min(100.0 * s / n),
                CASE WHEN 100 * sum(s) >= 95 * sum(n) AND min(100 * s >= 85 * n) = 1 THEN 'PASS' ELSE 'FAIL' END)
  FROM t GROUP BY suite;")
echo "$bars"
! grep -q FAIL <<<"$bars"
