#!/usr/bin/env bash
# Installs every system and npm dependency shelfcast needs. Idempotent: installs only
# what is missing. Debian 12 (apt) + Node 20 (npm, from the committed package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake ninja-build g++ clang libclang-rt-14-dev     # native build, libFuzzer/sanitizers
  emscripten                                         # wasm build (3.1.6, clang-14)
  terser                                             # minifies the wasm dist's JavaScript
  libeigen3-dev catch2 nlohmann-json3-dev libcli11-dev
  libxnnpack-dev libpthreadpool-dev                  # native reference backend, benchmarks
  libhdf5-dev hdf5-tools libzip-dev                  # Keras .h5 / .keras import
  chromium                                           # browser end-to-end tests
  nodejs npm
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs may come from another source (nodesource) that bundles npm: accept any node >= 20.
if command -v node >/dev/null && node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)'; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: system packages present"
fi

if [ -f package-lock.json ]; then
  if [ -L node_modules ]; then
    # A link to a shared install (e.g. a git worktree's link to the main checkout's): npm ci
    # would empty the folder it points to, under everyone using it. Its owner updates it.
    echo "setup: node_modules links to $(readlink node_modules): left alone"
  elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci"
    ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  else
    echo "setup: node_modules up to date"
  fi
fi
