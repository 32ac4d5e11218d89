#!/usr/bin/env bash
# The one test command: setup, build native + wasm, run every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh all
echo "== native tests (ctest)"
ctest --preset native-release
if [ -d build/wasm ]; then
  echo "== wasm tests (ctest: node --test)"
  ctest --preset wasm-release
fi
echo "test.sh: all suites passed"
