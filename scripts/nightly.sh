#!/usr/bin/env bash
# The nightly regression gate: tonight's checkpoint against last night's, on
# identical episodes, in one results database.
#
# Usage: scripts/nightly.sh --policy SPEC [options] [-- RUN_OPTIONS...]
#
#   --policy SPEC        the checkpoint, as `gauntlet run --policy` takes it
#                        (torchscript:PATH.pt, remote:ws://HOST:PORT, ...); required
#   --policy-opt K=V     a policy setting (repeatable)
#   --suites NAME        suite or suite set, name or file (default: libero)
#   --db FILE            results database holding every night (default: nightly.db)
#   --name-prefix P      run names are P-DATE (default: nightly); letters, digits, . _ -
#   --date YYYY-MM-DD    tonight's date (default: today, local time)
#   --html DIR           where the dashboard goes (default: the database's name
#                        without .db, plus -dashboard)
#   --margin M, --alpha A   passed to `gauntlet compare` (defaults: its own)
#   --slurm N            run step 1 on the Slurm cluster as N shards (`gauntlet
#                        slurm submit`; --slurm-opt passes e.g. --partition=gpu),
#                        wait for its merge job, then go on with the merged --db
#   --slurm-opt OPT      an option for `gauntlet slurm submit` (repeatable)
#   -- RUN_OPTIONS       the rest goes to `gauntlet run` (--workers 2, --trials 10, ...)
#
# Steps:
#   1. `gauntlet run SUITES --run-name P-DATE`: a suite set runs each member as
#      P-DATE/<suite>. Rerunning the same date resumes the same runs.
#   2. For each of tonight's runs, the baseline is the latest completed run of
#      the same suite in the database named P-<earlier date> (or
#      P-<earlier date>/<suite>). No baseline (the first night): nothing to compare.
#   3. `gauntlet compare --baseline BASELINE --candidate TONIGHT` per suite.
#   4. `gauntlet report --html DIR`: the dashboard of the whole database.
#
# Exit status: 0 when no comparison found a significant regression; 1 when one
# did (compare exited 1); 2 on a usage error; 3 when a step failed (a run that
# did not complete, a comparison without shared episodes, the dashboard), with
# regressions taking precedence. Uses $GAUNTLET, else build/gauntlet.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"
}
usage_error() {
  echo "nightly: $1 (see scripts/nightly.sh --help)" >&2
  exit 2
}

suites=libero policy="" db=nightly.db prefix=nightly date="$(date +%F)" html=""
policy_opts=() compare_opts=() run_opts=() slurm_shards="" slurm_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --) shift; run_opts=("$@"); break ;;
    --suites|--policy|--policy-opt|--db|--name-prefix|--date|--html|--margin|--alpha|--slurm|--slurm-opt)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case "$1" in
        --suites) suites="$2" ;;
        --policy) policy="$2" ;;
        --policy-opt) policy_opts+=(--policy-opt "$2") ;;
        --db) db="$2" ;;
        --name-prefix) prefix="$2" ;;
        --date) date="$2" ;;
        --html) html="$2" ;;
        --margin|--alpha) compare_opts+=("$1" "$2") ;;
        --slurm) slurm_shards="$2" ;;
        --slurm-opt) slurm_opts+=("$2") ;;
      esac
      shift 2 ;;
    *) usage_error "unknown option '$1' (options for gauntlet run go after --)" ;;
  esac
done
[ -n "$policy" ] || usage_error "--policy SPEC is required"
[[ "$prefix" =~ ^[A-Za-z0-9._-]+$ ]] || usage_error "--name-prefix '$prefix': use letters, digits, '.', '_' or '-'"
if ! [[ "$date" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || ! date -d "$date" >/dev/null 2>&1; then
  usage_error "--date '$date': expected a date as YYYY-MM-DD"
fi
[ -n "$html" ] || html="${db%.db}-dashboard"
gauntlet="${GAUNTLET:-$root/build/gauntlet}"
[ -x "$gauntlet" ] || usage_error "no gauntlet binary at $gauntlet (build it: bash scripts/build.sh, or set GAUNTLET)"
command -v sqlite3 >/dev/null || usage_error "sqlite3 is missing (bash scripts/setup.sh installs it)"

run_name="$prefix-$date"
failed=()      # steps that did not work
regressed=()   # suites whose comparison found a regression

# 1. Tonight's runs: here, or as Slurm shards merged into --db.
if [ -z "$slurm_shards" ]; then
  echo "nightly: $run_name: gauntlet run $suites --policy $policy" >&2
  "$gauntlet" run "$suites" --policy "$policy" "${policy_opts[@]}" --db "$db" --run-name "$run_name" "${run_opts[@]}"
  status=$?
  [ $status -eq 0 ] || failed+=("gauntlet run exited $status")
else
  [[ "$slurm_shards" =~ ^[1-9][0-9]*$ ]] || usage_error "--slurm '$slurm_shards': expected a number of shards"
  echo "nightly: $run_name: gauntlet slurm submit $suites --shards $slurm_shards --policy $policy" >&2
  submitted=$("$gauntlet" slurm submit "$suites" --shards "$slurm_shards" --db "$db" --run-name "$run_name" \
                "${slurm_opts[@]}" --policy "$policy" "${policy_opts[@]}" "${run_opts[@]}")
  status=$?
  echo "$submitted" >&2
  merge_job=$(sed -n 's/.*merge job \([0-9]*\).*/\1/p' <<< "$submitted")
  if [ $status -ne 0 ]; then
    failed+=("gauntlet slurm submit exited $status")
  elif [ -n "$merge_job" ]; then
    while [ -n "$(squeue -h -j "$merge_job" 2>/dev/null)" ]; do sleep 10; done
  fi
  "$gauntlet" slurm status "$suites" --db "$db" --run-name "$run_name" >&2 || failed+=("shards of $run_name unfinished")
fi

# Read-only queries; values are quoted for SQL (the prefix and date were
# checked above, so they hold no GLOB wildcard either).
query() { [ -f "$db" ] && sqlite3 -readonly -separator $'\t' "$db" "$1"; }
quote() { printf "'%s'" "${1//\'/\'\'}"; }
day='[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
date_of_name="substr(name, $(( ${#prefix} + 2 )), 10)"  # the date in P-DATE[/suite]

tonight=$(query "SELECT name, suite FROM runs WHERE name = $(quote "$run_name") OR name GLOB $(quote "$run_name/*")
                 ORDER BY run_id")
[ -n "$tonight" ] || failed+=("no run named $run_name or $run_name/<suite> in $db")

# 2 and 3. Each run against the latest earlier night of its suite.
while IFS=$'\t' read -r name suite; do
  [ -n "$name" ] || continue
  baseline=$(query "SELECT name FROM runs WHERE suite = $(quote "$suite") AND status = 'completed'
                      AND (name GLOB $(quote "$prefix-$day") OR name GLOB $(quote "$prefix-$day/*"))
                      AND $date_of_name < $(quote "$date")
                    ORDER BY $date_of_name DESC, run_id DESC LIMIT 1")
  if [ -z "$baseline" ]; then
    echo "nightly: $suite: no earlier completed $prefix-<date> run to compare $name with (first night?)" >&2
    continue
  fi
  echo "nightly: $suite: $name against $baseline" >&2
  "$gauntlet" compare --db "$db" --baseline "$baseline" --candidate "$name" "${compare_opts[@]}"
  case $? in
    0) ;;
    1) regressed+=("$suite ($name against $baseline)") ;;
    *) failed+=("gauntlet compare $baseline $name") ;;
  esac
done <<< "$tonight"

# 4. The dashboard.
if [ -f "$db" ]; then
  "$gauntlet" report --db "$db" --html "$html" || failed+=("gauntlet report --html $html")
fi

for r in "${regressed[@]}"; do echo "nightly: REGRESSION: $r" >&2; done
for f in "${failed[@]}"; do echo "nightly: FAILED: $f" >&2; done
if [ ${#regressed[@]} -gt 0 ]; then exit 1; fi
if [ ${#failed[@]} -gt 0 ]; then exit 3; fi
echo "nightly: no significant regression" >&2
exit 0
