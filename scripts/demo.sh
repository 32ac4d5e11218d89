#!/usr/bin/env bash
# The main job: build what is missing and serve the demo page on localhost.
#   scripts/demo.sh [--port 8080]
# Builds the native CLI and the wasm engine when absent, assembles the site in build/site
# (scripts/build-site.mjs: the page, the kiosk page, the engine, uPlot, models/ and the
# demo data slice) and serves it until Ctrl-C. Without a trained models/manifest.json
# (scripts/build-models.sh) the page shows untrained stand-in models, and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
port=8080
if [[ "${1:-}" == --port && -n "${2:-}" ]]; then port="$2"; fi
scripts/setup.sh >/dev/null
[ -x build/native/src/cli/shelfcast ] || scripts/build.sh native
[ -f build/wasm/dist/shelfcast-engine.wasm ] || scripts/build.sh wasm
if [ ! -f models/manifest.json ]; then
  echo "demo: no models/manifest.json (scripts/build-models.sh trains the models): showing untrained stand-ins"
fi
node scripts/build-site.mjs --out build/site
exec node scripts/serve.mjs build/site --port "$port"
