#!/usr/bin/env bash
# The one test command: setup, build native + wasm, run every test suite, then the
# hostile-input stages: the native suite under ASan + UBSan, the Node suite on the wasm
# debug build (ASSERTIONS=2, SAFE_HEAP, STACK_OVERFLOW_CHECK=2), and each fuzz target for
# FUZZ_SECONDS (default 60) seconds. Any failure, sanitizer report or fuzz finding fails
# the run. The time of each stage is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # emcc's optimizer needs Debian's acorn
jobs="$(nproc)"
fuzz_seconds="${FUZZ_SECONDS:-60}"
timings=()

stage() {  # stage NAME COMMAND...: runs and times one stage
  local name="$1" start=$SECONDS
  shift
  echo "== $name"
  "$@"
  timings+=("$(printf '%-28s %5ds' "$name" $((SECONDS - start)))")
}

build_and_test() {  # build_and_test PRESET
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j "$jobs"
  ctest --preset "$1"
}

fuzz_smoke() {
  FUZZ_NO_BUILD=0 scripts/fuzz.sh --list >/dev/null   # configures and builds every target
  for target in $(FUZZ_NO_BUILD=1 scripts/fuzz.sh --list); do
    FUZZ_NO_BUILD=1 scripts/fuzz.sh "$target" "$fuzz_seconds"
  done
}

stage "setup" scripts/setup.sh
stage "build native + wasm" scripts/build.sh all
stage "native tests" ctest --preset native-release
stage "wasm tests (node + browser e2e)" ctest --preset wasm-release
stage "native ASan + UBSan" build_and_test native-asan
stage "wasm debug (node)" build_and_test wasm-debug
stage "fuzz smoke (${fuzz_seconds}s each)" fuzz_smoke

echo "== stage times"
printf '%s\n' "${timings[@]}"
echo "test.sh: all suites passed"
