#!/usr/bin/env bash
# The main job: build what is missing and run the forecast demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
[ -x build/native/src/cli/shelfcast ] || scripts/build.sh native
cli=build/native/src/cli/shelfcast
mkdir -p build/demo
model=build/demo/lstm16-untrained.shcf
$cli init --hidden 16 --seed 7 --out "$model"
$cli inspect "$model"
echo "forecast of the 7 days after a 30-day window:"
$cli forecast "$model" --values 40,45,47,50,52,58,61,42,46,48,51,53,57,60,41,44,49,50,54,59,62,43,45,47,52,55,58,63,44,46 --horizon 7
