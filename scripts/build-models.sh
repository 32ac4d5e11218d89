#!/usr/bin/env bash
# Regenerates models/ (model files + manifest.json) and the tables of docs/results.md
# from nothing: generated data (seed 42), the baseline LSTM-64, the sizing sweep
# (LSTM-48/32/16/8) and the calendar-aware rows, each evaluated on the test year by the
# runtime.
#   scripts/build-models.sh            everything (about 10-20 min on 2 cores)
#   scripts/build-models.sh lstm16     only the named rows (the manifest keeps the others)
# Training reports (per-epoch history) go to build/models/. Set SHELFCAST to use another
# binary.
set -euo pipefail
cd "$(dirname "$0")/.."

SHELFCAST="${SHELFCAST:-build/native/src/cli/shelfcast}"
if [[ ! -x "$SHELFCAST" ]]; then
  scripts/build.sh native
fi
SEED=42
MANIFEST=models/manifest.json
REPORTS=build/models
mkdir -p models "$REPORTS"

# The settings every row shares; docs/results.md ("What we tried") says why.
COMMON=(--generated-seed "$SEED" --norm global --loss rel-mse --batch 128 --lr 0.01 --min-lr 0.0001
        --warmup 1 --clip 1 --sample 0.5 --patience 10 --seed 1)

# name | technique | train options | notes
ROWS=(
  "lstm64|baseline|--hidden 64 --epochs 20|the article's baseline architecture, univariate 30-day window"
  "lstm48|sizing|--hidden 48 --epochs 20|univariate 30-day window"
  "lstm32|sizing|--hidden 32 --epochs 20|univariate 30-day window"
  "lstm16|sizing|--hidden 16 --epochs 24|univariate 30-day window"
  "lstm8|sizing|--hidden 8 --epochs 30|univariate 30-day window"
  "lstm64-cal56|calendar|--hidden 64 --window 56 --calendar dow,month --epochs 16|extra row: 56-day window, weekday + month one-hot of each next day"
  "lstm16-cal56|calendar|--hidden 16 --window 56 --calendar dow,month --epochs 24|extra row: 56-day window, weekday + month one-hot of each next day"
)

want() {
  [[ $# -eq 0 ]] && return 0
  local name="$1"; shift
  for w in "${SELECTED[@]}"; do [[ "$w" == "$name" ]] && return 0; done
  return 1
}
SELECTED=("$@")

if [[ ${#SELECTED[@]} -eq 0 || ! -f "$MANIFEST" ]]; then
  "$SHELFCAST" manifest init --generated-seed "$SEED" --out "$MANIFEST"
fi

start=$(date +%s)
for row in "${ROWS[@]}"; do
  IFS='|' read -r name technique options notes <<<"$row"
  if [[ ${#SELECTED[@]} -gt 0 ]] && ! want "$name" "${SELECTED[@]}"; then continue; fi
  echo "== $name"
  # shellcheck disable=SC2086  # options is a word list on purpose
  "$SHELFCAST" train "${COMMON[@]}" $options --out "models/$name.shcf" --report "$REPORTS/$name.train.json"
  "$SHELFCAST" manifest add --manifest "$MANIFEST" --model "models/$name.shcf" --name "$name" \
    --technique "$technique" --train-report "$REPORTS/$name.train.json" --notes "$notes"
done
"$SHELFCAST" manifest render --manifest "$MANIFEST" --results docs/results.md
echo "build-models: $(( $(date +%s) - start )) s wall; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
