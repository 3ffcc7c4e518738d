#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (CI runs this).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
cd "$root/build"
ctest -j2 --output-on-failure --timeout 900
