#!/usr/bin/env bash
# The non-successful chains of a play-table sweep database (scripts/playtable_sweep.sh,
# or `gauntlet run suites/calvin.yaml --policy oracle`), one line each: the chain, its
# status, the failed subtask (0-based position, task, steps it used), the subtask
# before it (task, steps) and the termination. Most causes start in the subtask
# before (a block left in the hand after unstack_block, a hand left touching a
# pushed block, a block placed beside another on the shelf), so it is listed too.
# SQL only; the next step is `gauntlet trace calvin/<chain>` on each line.
# Usage: scripts/playtable_failures.sh <sweep.db> [run name; default: the newest run]
set -euo pipefail
db="${1:?usage: $0 <sweep.db> [run name]}"
run="${2:-}"
[ -f "$db" ] || { echo "no such database: $db" >&2; exit 1; }
# Quotes doubled, so a run name cannot break out of its SQL string.
run_sql="(SELECT max(run_id) FROM runs)"
[ -n "$run" ] && run_sql="(SELECT run_id FROM runs WHERE name = '${run//\'/\'\'}')"
if [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE run_id = $run_sql;")" != 1 ]; then
  echo "no run ${run:-at all} in $db; runs: $(sqlite3 "$db" "SELECT group_concat(name, ', ') FROM runs;")" >&2
  exit 1
fi
sqlite3 -column -header "$db" "
  WITH bad AS (SELECT episode_id, task AS chain, status, termination
               FROM episodes WHERE run_id = $run_sql AND status != 'success'),
       failed AS (SELECT s.episode_id, s.position, s.subtask, s.steps
                  FROM subtasks s JOIN bad b ON s.episode_id = b.episode_id
                  WHERE s.success = 0)
  SELECT b.chain, b.status, f.position AS pos, f.subtask AS failed_subtask, f.steps,
         p.subtask AS previous_subtask, p.steps AS prev_steps, b.termination
  FROM bad b
  LEFT JOIN failed f ON f.episode_id = b.episode_id
  LEFT JOIN subtasks p ON p.episode_id = b.episode_id AND p.position = f.position - 1
  ORDER BY b.chain;"
# Pairs (previous subtask -> failed subtask) by count: repeated pairs point at a class.
echo
sqlite3 -column -header "$db" "
  SELECT coalesce(p.subtask, '(start)') AS previous_subtask, f.subtask AS failed_subtask, count(*) AS chains
  FROM episodes e
  JOIN subtasks f ON f.episode_id = e.episode_id AND f.success = 0
  LEFT JOIN subtasks p ON p.episode_id = e.episode_id AND p.position = f.position - 1
  WHERE e.run_id = $run_sql AND e.status != 'success'
  GROUP BY 1, 2 ORDER BY chains DESC, 1, 2;"
sqlite3 "$db" "
  SELECT printf('%d non-successful chains of %d (%d failure, %d error, %d timeout)',
                sum(status != 'success'), count(*), sum(status = 'failure'), sum(status = 'error'),
                sum(status = 'timeout'))
  FROM episodes WHERE run_id = $run_sql;"
