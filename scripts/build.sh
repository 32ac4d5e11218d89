#!/usr/bin/env bash
# Builds shelfcast natively (build/native) and to WebAssembly (build/wasm).
#   scripts/build.sh            both
#   scripts/build.sh native     native only
#   scripts/build.sh wasm       wasm only
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
jobs="$(nproc)"

if [[ "$what" == all || "$what" == native ]]; then
  cmake --preset native-release >/dev/null
  cmake --build --preset native-release -j "$jobs"
fi
if [[ "$what" == all || "$what" == wasm ]]; then
  export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # emcc's optimizer needs Debian's acorn
  cmake --preset wasm-release >/dev/null
  cmake --build --preset wasm-release -j "$jobs"
fi
