#!/usr/bin/env bash
# The dual-arm family's scripted expert (`--policy oracle`) on every task,
# embodiment and setting: success per (task, embodiment, setting), the
# expert-validation bar of issue 15 (RoboTwin keeps a seed only if its
# expert solves it; gauntlet asks >= 50% of the stable seeds, most far higher).
#
# Each (setting, embodiment) gets a copy of suites/robotwin.yaml under $OUT
# with its `embodiment:`, `world: {setting:}` and stability-only seed lists
# written there by `gauntlet init-states` (suites/ is left alone: the lead
# regenerates its lists with the expert validating).
#
#   TRIALS=20 OUT=/tmp/dualarm_expert_sweep bash scripts/dualarm_expert_sweep.sh
#   EMBODIMENTS="arx5" SETTINGS="clean" TASKS=handover_block bash scripts/dualarm_expert_sweep.sh
#
# Measured at the branch's last commit (20 seeds each, 100000..100019 of the
# stability-only lists; the same episodes as the policies_tests harness):
# see the table in the helper's report (h-dexpert).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
gauntlet="${GAUNTLET:-$root/build/gauntlet}"
trials="${TRIALS:-20}"
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
        -e "s|init_states: robotwin/seeds/clean/aloha/|init_states: seeds/${setting}/${embodiment}/|" \
        "$root/suites/robotwin.yaml" > "$suite"
    select=()
    if [[ -n "$tasks" ]]; then select=(--tasks "$tasks"); fi
    "$gauntlet" init-states "$suite" "${select[@]}"
    "$gauntlet" run "$suite" --policy oracle --trials "$trials" --db "$db" \
      --run-name "expert-${setting}-${embodiment}" --quiet "${select[@]}"
  done
done
"$gauntlet" report --db "$db"
