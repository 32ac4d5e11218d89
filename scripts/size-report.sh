#!/usr/bin/env bash
# What the browser downloads, in bytes: builds the wasm release (build/wasm: the kiosk
# engine shelfcast-engine, the engine with the data tools shelfcast-engine-data, the core
# engine shelfcast-core, and the portable twin of each), lists each dist file (raw, gzip -9)
# and the largest functions of the kiosk, the data and the core engine (a relink of the same objects with --profiling-funcs,
# names only: the code is the same), and writes the tables between the markers of
# docs/size.md.
#
#   scripts/size-report.sh            build, print, update docs/size.md
#   scripts/size-report.sh --no-build print and update from the current build
#   TOP=40 scripts/size-report.sh     more functions per engine
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"   # emcc's optimizer and terser need Debian's modules
top="${TOP:-25}"
build=1
[[ "${1:-}" == --no-build ]] && build=0
if ((build)); then
  scripts/build.sh wasm >/dev/null
fi
dir=build/wasm

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
report="$tmp/report.md"

# bytes and gzip -9 bytes of a file
sizes() { printf '%s %s' "$(stat -c %s "$1")" "$(gzip -9c "$1" | wc -c)"; }
n() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }

{
  echo "| engine | file | bytes | gzip -9 |"
  echo "|---|---|---|---|"
  for engine in shelfcast-engine shelfcast-engine-portable shelfcast-engine-data shelfcast-engine-data-portable; do
    case "$engine" in
      shelfcast-engine) label="kiosk (loadEngine())" ;;
      shelfcast-engine-portable) label="kiosk, no SIMD128" ;;
      shelfcast-engine-data) label="with data tools (loadEngine({ data: true }))" ;;
      *) label="with data tools, no SIMD128" ;;
    esac
    total=0; total_gz=0
    for f in "$engine.wasm" "$engine.js" shelfcast.js; do
      read -r b g <<<"$(sizes "$dir/dist/$f")"
      echo "| $label | \`$f\` | $(n "$b") | $(n "$g") |"
      total=$((total + b)); total_gz=$((total_gz + g))
    done
    echo "| $label | **JS + wasm** | **$(n "$total")** | **$(n "$total_gz")** |"
  done
  # The core engines (C ABI, own loader, no glue): shelfcast-core.js + the wasm.
  for engine in shelfcast-core shelfcast-core-portable; do
    label="core (loadCore())"
    [[ "$engine" == shelfcast-core-portable ]] && label="core, no SIMD128"
    total=0; total_gz=0
    for f in "$engine.wasm" shelfcast-core.js; do
      read -r b g <<<"$(sizes "$dir/dist/$f")"
      echo "| $label | \`$f\` | $(n "$b") | $(n "$g") |"
      total=$((total + b)); total_gz=$((total_gz + g))
    done
    echo "| $label | **JS + wasm** | **$(n "$total")** | **$(n "$total_gz")** |"
  done
  echo
  for engine in shelfcast-engine shelfcast-engine-data shelfcast-core; do
    label="kiosk"
    [[ "$engine" == shelfcast-engine-data ]] && label="data"
    [[ "$engine" == shelfcast-core ]] && label="core"
    suffix=.js
    [[ "$engine" == shelfcast-core ]] && suffix=.wasm   # the core links to a .wasm alone
    # The engine's link line, relinked with function names into $tmp.
    link="$(cd "$dir" && ninja -t commands "$engine" | tail -1)"
    link="${link#: && }"; link="${link% && :}"
    out="$tmp/$engine$suffix"
    (cd "$dir" && eval "${link/ -o dist\/$engine$suffix/ --profiling-funcs -o $out}") >/dev/null
    echo "Largest functions, $label engine (\`node scripts/wasm-sizes.mjs\` on a relink with \`--profiling-funcs\`):"
    echo
    echo '```'
    parts=()
    [[ "$engine" == shelfcast-core ]] && parts=(--parts)   # the core's code by part of the engine
    node scripts/wasm-sizes.mjs "${out%$suffix}.wasm" "$top" "${parts[@]}" | sed '1d'
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
