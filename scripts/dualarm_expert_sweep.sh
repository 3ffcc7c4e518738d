#!/usr/bin/env bash
# The dual-arm family's scripted expert (`--policy oracle`) on every task,
# embodiment and setting, as RoboTwin validates seeds: for each (setting,
# embodiment) a copy of suites/robotwin.yaml under $OUT with its
# `embodiment:` and `world: {setting:}`, its seed lists written there by
# `gauntlet init-states` with the expert validating (the family's registered
# expert: a candidate is kept when its scene is at rest and the expert solves
# it), then the expert run on the accepted seeds (100% by construction; the
# run's wall time is the sweep's). Prints per (task, embodiment, setting)
# the acceptance rate: accepted / candidates tried. suites/ is left alone.
#
#   OUT=/tmp/dualarm_expert_sweep bash scripts/dualarm_expert_sweep.sh
#   EMBODIMENTS="arx5" SETTINGS="clean" TASKS=handover_block TRIALS=20 bash scripts/dualarm_expert_sweep.sh
#
# TRIALS (default 100, RoboTwin's) is the accepted seeds per list and the
# episodes per task of the run. The acceptance rates of the lists stored in
# suites/ are in README "Dual-arm".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gauntlet="${GAUNTLET:-$root/build/gauntlet}"
trials="${TRIALS:-100}"
out="${OUT:-/tmp/dualarm_expert_sweep}"
embodiments="${EMBODIMENTS:-aloha arx5 piper}"
settings="${SETTINGS:-clean randomized}"
tasks="${TASKS:-}"
db="$out/sweep.db"
mkdir -p "$out"
for setting in $settings; do
  for embodiment in $embodiments; do
    suite="$out/robotwin_${setting}_${embodiment}.yaml"
    mkdir -p "$out/seeds/$setting/$embodiment"
    sed -e "s|^name: robotwin$|name: robotwin_${setting}_${embodiment}|" \
        -e "s|^family: dualarm$|family: dualarm\nembodiment: ${embodiment}|" \
        -e "s|^  setting: clean$|  setting: ${setting}|" \
        -e "s|^  trials: 100$|  trials: ${trials}|" \
        -e "s|init_states: robotwin/seeds/clean/aloha/|init_states: seeds/${setting}/${embodiment}/|" \
        "$root/suites/robotwin.yaml" > "$suite"
    select=()
    if [[ -n "$tasks" ]]; then select=(--tasks "$tasks"); fi
    start=$(date +%s)
    "$gauntlet" init-states "$suite" "${select[@]}" > /dev/null
    seeded=$(date +%s)
    "$gauntlet" run "$suite" --policy oracle --trials "$trials" --db "$db" \
      --run-name "expert-${setting}-${embodiment}" --quiet "${select[@]}" > /dev/null
    echo "$setting $embodiment: seed lists $((seeded - start)) s, expert run $(( $(date +%s) - seeded )) s" >&2
  done
done
echo "acceptance (accepted / candidates tried) per task:"
for list in "$out"/seeds/*/*/*.json; do
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(f"{d[\"setting\"]:<10} {d[\"embodiment\"]:<6} {d[\"task\"]:<24} {len(d[\"seeds\"])}/{d[\"candidates_tried\"]} = {100 * d[\"acceptance_rate\"]:.1f}%")' "$list"
done | sort
"$gauntlet" report --db "$db" --table settings
