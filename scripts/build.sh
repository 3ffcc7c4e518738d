#!/usr/bin/env bash
# Configures and builds gauntlet into build/ (RelWithDebInfo, ccache, 2 jobs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
# ccache hits across checkouts in different folders (CI clones afresh): paths
# below the checkout are hashed relative to it, and the working directory not
# at all (debug info then names the folder of whichever build filled the cache).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"${GAUNTLET_JOBS:-2}"
