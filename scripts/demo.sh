#!/usr/bin/env bash
# Installs what is missing, builds, and rolls out LIBERO-Spatial (10 tasks x 50
# fixed initial states) with the scripted expert; prints the success table.
# Extra arguments go to `gauntlet run`, e.g. --trials 5 or --video videos/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
mkdir -p "$root/out"
"$root/build/gauntlet" run "$root/suites/libero_spatial.yaml" --policy oracle --workers 2 \
  --db "${GAUNTLET_DB:-$root/out/demo.db}" "$@"
