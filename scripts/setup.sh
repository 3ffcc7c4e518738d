#!/usr/bin/env bash
# Installs gauntlet's build and runtime dependencies from Debian 12 packages.
# Idempotent: does nothing (and needs no network) when all are installed.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config git
  libmujoco-dev libqhull-dev            # MuJoCo 2.2.2 (its CMake config needs qhull headers)
  libegl-dev libegl1 libegl-mesa0 libgl1-mesa-dri libgl-dev libosmesa6-dev  # offscreen GL
  libyaml-cpp-dev libsqlite3-dev sqlite3 libopencv-dev libeigen3-dev
  libcli11-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  libtorch-dev python3-torch            # TorchScript policies (LibTorch 1.13); export recipe
  libwebsocketpp-dev libasio-dev libboost-dev libmsgpack-cxx-dev  # remote policies (openpi protocol)
  pybind11-dev python3-dev python3-numpy python3-pytest             # Python module and policies
  python3-websockets python3-msgpack    # the test policy server (openpi's own stack)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
