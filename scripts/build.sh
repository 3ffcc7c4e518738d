#!/usr/bin/env bash
# Configures and builds gauntlet into build/ (RelWithDebInfo, ccache, 2 jobs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"${GAUNTLET_JOBS:-2}"
