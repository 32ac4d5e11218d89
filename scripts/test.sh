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
  ctest --preset wasm-release -E '^e2e_tests$'
  # The demo site, the kiosk element and the Node example in headless Chromium
  # (tests/e2e; screenshots and measurements land in build/e2e/).
  echo "== browser end-to-end tests (ctest: headless Chromium)"
  ctest --preset wasm-release -R '^e2e_tests$'
fi
echo "test.sh: all suites passed"
