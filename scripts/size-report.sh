#!/usr/bin/env bash
# What the browser downloads, in bytes: builds the wasm release (build/wasm) and the
# forecast-only engine (build/size-forecast, -DSHELFCAST_WASM_DATA=OFF), lists each dist
# file (raw, gzip -9) and the largest functions of each engine (a relink of the same
# objects with --profiling-funcs, names only: the code is the same), and writes the
# tables between the markers of docs/size.md.
#
#   scripts/size-report.sh            build, print, update docs/size.md
#   scripts/size-report.sh --no-build print and update from the current builds
#   TOP=40 scripts/size-report.sh     more functions per engine
#   FORECAST_DIR=build/bench-wasm scripts/size-report.sh --no-build
#                                     the forecast-only engine scripts/bench.sh built
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # emcc's optimizer and terser need Debian's modules
top="${TOP:-25}"
build=1
[[ "${1:-}" == --no-build ]] && build=0
forecast_dir="${FORECAST_DIR:-build/size-forecast}"
if ((build)); then
  scripts/build.sh wasm >/dev/null
  cmake --preset wasm-release -B "$forecast_dir" -DSHELFCAST_WASM_DATA=OFF -DSHELFCAST_BUILD_TESTS=OFF >/dev/null
  cmake --build "$forecast_dir" >/dev/null
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
report="$tmp/report.md"

# bytes and gzip -9 bytes of a file
sizes() { printf '%s %s' "$(stat -c %s "$1")" "$(gzip -9c "$1" | wc -c)"; }
n() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

{
  echo "| engine | file | bytes | gzip -9 |"
  echo "|---|---|---|---|"
  for dir in build/wasm "$forecast_dir"; do
    label="default (with data tools)"
    [[ "$dir" == "$forecast_dir" ]] && label="forecast-only"
    total=0; total_gz=0
    for f in shelfcast-engine.wasm shelfcast-engine.js shelfcast.js; do
      read -r b g <<<"$(sizes "$dir/dist/$f")"
      echo "| $label | \`$f\` | $(n "$b") | $(n "$g") |"
      total=$((total + b)); total_gz=$((total_gz + g))
    done
    echo "| $label | **JS + wasm** | **$(n "$total")** | **$(n "$total_gz")** |"
  done
  echo
  for dir in build/wasm "$forecast_dir"; do
    label="default (with data tools)"
    [[ "$dir" == "$forecast_dir" ]] && label="forecast-only"
    # The engine's link line, relinked with function names into $tmp.
    link="$(cd "$dir" && ninja -t commands shelfcast-engine | tail -1)"
    link="${link#: && }"; link="${link% && :}"
    out="$tmp/$(basename "$dir").js"
    (cd "$dir" && eval "${link/ -o dist\/shelfcast-engine.js/ --profiling-funcs -o $out}") >/dev/null
    echo "Largest functions, $label engine (\`node scripts/wasm-sizes.mjs\` on a relink with \`--profiling-funcs\`):"
    echo
    echo '```'
    node scripts/wasm-sizes.mjs "${out%.js}.wasm" "$top" | sed '1d'
    echo '```'
    echo
  done
} >"$report"

cat "$report"
doc=docs/size.md
if [[ -f "$doc" ]] && grep -q '<!-- size-report:begin -->' "$doc"; then
  node -e '
    const fs = require("fs");
    const [doc, report] = process.argv.slice(1);
    const text = fs.readFileSync(doc, "utf8");
    const begin = "<!-- size-report:begin -->", end = "<!-- size-report:end -->";
    const body = fs.readFileSync(report, "utf8");
    fs.writeFileSync(doc, text.slice(0, text.indexOf(begin) + begin.length) + "\n" + body + text.slice(text.indexOf(end)));
  ' "$doc" "$report"
  echo "size-report: updated $doc"
fi
