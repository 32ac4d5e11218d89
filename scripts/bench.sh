#!/usr/bin/env bash
# The benchmark, in one command: shelfcast against the peer runtimes a user would
# otherwise pick (onnxruntime-web, LiteRT.js, TF.js wasm; Node 20, one thread each), the
# f32 kernels in wasm, the native kernel benchmark (f32-gemm vs XNNPACK), and the streaming
# API's cost per step (stream.step vs re-running the window, scripts/bench/streaming-run.mjs).
# Writes build/bench/*.json and regenerates docs/benchmarks.md and docs/benchmarks.svg.
#
#   scripts/bench.sh                  untrained LSTM-16/32/64 models (shelfcast init)
#   scripts/bench.sh --models DIR     lstm16.shcf, lstm32.shcf, lstm64.shcf from DIR, plus any
#                                     lstm<H>-<variant>.shcf (sparse, int8, stacked: rows in
#                                     scripts/bench/runtimes.mjs; lstm<H>-p90.shcf stands for
#                                     -sparse); `--models models` runs the shipped trained
#                                     models, int8 and 90 %-pruned ones included
#   scripts/bench.sh --quick          LSTM-16/64, fewer rounds: a smoke run (minutes)
#   scripts/bench.sh --streaming-only the streaming part alone (minutes; with --models DIR / --quick
#                                     as above): builds only the wasm engine and the CLI, and rewrites
#                                     only the Streaming section of docs/benchmarks.md, leaving the last
#                                     full run's tables (their JSON stays in build/, not in git)
#
# Not part of scripts/test.sh: benchmarks report numbers, they never fail on time.
set -euo pipefail
cd "$(dirname "$0")/.."
command_line="scripts/bench.sh${*:+ $*}"   # recorded in the results: the doc names the command that made it
models_src=""
quick=()
streaming_only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --models) models_src="$2"; shift 2 ;;
    --quick) quick=(--quick); shift ;;
    --streaming-only) streaming_only=1; shift ;;
    *) echo "usage: scripts/bench.sh [--models DIR] [--quick] [--streaming-only]" >&2; exit 2 ;;
  esac
done
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # emcc's optimizer needs Debian's acorn
[[ -e node_modules ]] || { echo "bench: node_modules missing (npm ci, or link it)" >&2; exit 1; }

out=build/bench
models="$out/models"
cli=build/native/src/cli/shelfcast
# The benchmark's models: untrained LSTM-16/32/64 (init is deterministic: seed = H), or --models DIR.
make_models() {
  rm -rf "$models"
  mkdir -p "$models"
  echo "== models ($models)"
  if [[ -n "$models_src" ]]; then
    # Only the files rows use (runtimes.mjs): lstm<H>.shcf and lstm<H>-{sparse,int8,stacked}.shcf.
    # The shipped pruned models are named by sparsity: lstm<H>-p90.shcf (90 % pruned, stored
    # sparse) is the sparse row unless DIR has an lstm<H>-sparse.shcf. (models/ also holds other
    # pruned, calendar and full-integer variants no row runs.)
    for f in "$models_src"/lstm*.shcf; do
      name="$(basename "$f")"
      if [[ "$name" =~ ^lstm[0-9]+(-(sparse|int8|stacked))?\.shcf$ ]]; then
        cp "$f" "$models"/
      elif [[ "$name" =~ ^(lstm[0-9]+)-p90\.shcf$ && ! -e "$models_src/${BASH_REMATCH[1]}-sparse.shcf" ]]; then
        cp "$f" "$models/${BASH_REMATCH[1]}-sparse.shcf"
      fi
    done
  else
    for h in 16 32 64; do "$cli" init --hidden "$h" --seed "$h" --out "$models/lstm$h.shcf" >/dev/null; done
  fi
}
streaming() {
  echo "== streaming (Node $(node --version), one thread)"
  node scripts/bench/streaming-run.mjs --models "$models" --out "$out/streaming.json" "$@" "${quick[@]}"
}

if [[ -n "$streaming_only" ]]; then
  # Only what the streaming run needs: the wasm engine and the CLI (models, int8 copies).
  echo "== build (wasm engine, native CLI)"
  cmake --preset wasm-release >/dev/null
  cmake --build --preset wasm-release --target shelfcast-engine shelfcast-web >/dev/null
  cmake --preset native-release >/dev/null
  cmake --build --preset native-release --target shelfcast >/dev/null
  make_models
  streaming --streaming-only
  echo "== report (Streaming section of docs/benchmarks.md)"
  node scripts/bench/report.mjs --streaming "$out/streaming.json" --splice-into docs/benchmarks.md
  exit 0
fi

echo "== build (native, wasm, native benchmarks)"
scripts/build.sh all >/dev/null
# Clang for the native kernel benchmark: the same LLVM code generation the wasm kernels get
# (GCC 12 keeps the micro-kernels' accumulator arrays partly in memory: ~2x slower).
compiler=()
if command -v clang++-14 >/dev/null; then compiler=(-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14); fi
cmake -S . -B build/bench-native -G Ninja -DCMAKE_BUILD_TYPE=Release -DSHELFCAST_BUILD_BENCH=ON \
  -DSHELFCAST_BUILD_TESTS=OFF -DSHELFCAST_BUILD_TOOLS=ON "${compiler[@]}" >/dev/null
cmake --build build/bench-native --target shelfcast_kernel_bench >/dev/null

make_models
mkdir -p "$out/wasm"
for f in "$models"/*.shcf; do
  # The ONNX "core" graph (normalised input, no layout ops) is the one the peers run.
  "$cli" export onnx "$f" --graph core --out "${f%.shcf}.core.onnx" >/dev/null
done
ls "$models"

echo "== f32 kernels in wasm (V8)"
src=src
em++ -std=c++17 -O3 -msimd128 -DSHELFCAST_SIMD=1 -I"$src" tests/bench/f32_kernels_wasm.cpp \
  "$src"/kernels/f32-gemm/*.cpp "$src"/kernels/f32-lstm-cell/*.cpp \
  -sENVIRONMENT=node -sALLOW_MEMORY_GROWTH=1 -o "$out/wasm/f32_kernels.js"
mv "$out/wasm/f32_kernels.js" "$out/wasm/f32_kernels.cjs"   # CommonJS glue; package.json says "module"
node --no-experimental-fetch "$out/wasm/f32_kernels.cjs" > "$out/wasm_kernels.json"

echo "== native kernels vs XNNPACK"
build/bench-native/tests/bench/shelfcast_kernel_bench --benchmark_min_time=0.2 \
  --benchmark_format=json --benchmark_out="$out/native_kernels.json" --benchmark_out_format=json >/dev/null

echo "== runtimes (Node $(node --version), one thread each)"
node scripts/bench/run.mjs --models "$models" --out "$out/results.json" --command "$command_line" "${quick[@]}"

streaming

echo "== report"
node scripts/bench/report.mjs --results "$out/results.json" --wasm-kernels "$out/wasm_kernels.json" \
  --native-kernels "$out/native_kernels.json" --streaming "$out/streaming.json" \
  --md docs/benchmarks.md --svg docs/benchmarks.svg
