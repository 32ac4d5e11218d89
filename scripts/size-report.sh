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

# engine_rows LABEL FILE...: one table row per file of an engine (in dist), then their total
engine_rows() {
  local label="$1" total=0 total_gz=0 f b g
  shift
  for f in "$@"; do
    read -r b g <<<"$(sizes "$dir/dist/$f")"
    echo "| $label | \`$f\` | $(n "$b") | $(n "$g") |"
    total=$((total + b)); total_gz=$((total_gz + g))
  done
  echo "| $label | **JS + wasm** | **$(n "$total")** | **$(n "$total_gz")** |"
}

{
  echo "| engine | file | bytes | gzip -9 |"
  echo "|---|---|---|---|"
  # shelfcast-common.js: the helpers both loaders import (shelfcast.js, shelfcast-core.js).
  engine_rows "kiosk (loadEngine())" shelfcast-engine.wasm shelfcast-engine.js shelfcast.js shelfcast-common.js
  engine_rows "kiosk, no SIMD128" shelfcast-engine-portable.wasm shelfcast-engine-portable.js shelfcast.js shelfcast-common.js
  engine_rows "with data tools (loadEngine({ data: true }))" shelfcast-engine-data.wasm shelfcast-engine-data.js shelfcast.js shelfcast-common.js
  engine_rows "with data tools, no SIMD128" shelfcast-engine-data-portable.wasm shelfcast-engine-data-portable.js shelfcast.js shelfcast-common.js
  # The core engines (C ABI, own loader, no glue): shelfcast-core.js + the wasm.
  engine_rows "core (loadCore())" shelfcast-core.wasm shelfcast-core.js shelfcast-common.js
  engine_rows "core, no SIMD128" shelfcast-core-portable.wasm shelfcast-core.js shelfcast-common.js
  echo
  for engine in shelfcast-engine shelfcast-engine-data shelfcast-core; do
    label="kiosk"
    [[ "$engine" == shelfcast-engine-data ]] && label="data"
    [[ "$engine" == shelfcast-core ]] && label="core"
    suffix=.js
    [[ "$engine" == shelfcast-core ]] && suffix=.wasm   # the core links to a .wasm alone
    # The engine's link line, relinked with function names into $tmp.
    link="$(cd "$dir" && ninja -t commands "$engine" | tail -1)"
    # Only em++ itself: the POST_BUILD steps after it (terser on the glue in dist) must not
    # run again on the release files.
    link="${link#: && }"; link="${link%% && cd *}"; link="${link% && :}"
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
