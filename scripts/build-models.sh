#!/usr/bin/env bash
# Regenerates models/ (model files + manifest.json) and the tables of docs/results.md
# from nothing: generated data (seed 42), the baseline LSTM-64, the sizing sweep
# (LSTM-48/32/16/8), the calendar-aware rows, the pruning sweep (LSTM-64 and LSTM-32 at
# 50-95 % sparsity, LSTM-16 at 50-90 %, LSTM-8 at 50-70 %, fine-tuned from the sweep's models; the pruned
# matrices stored sparse-f32), then the int8 rows (post-training, dynamic range and one
# full-integer) and the stacked rows (pruned + int8, sparse-int8), each evaluated on the
# test year by the runtime; then docs/results.md's tables and docs/results.svg.
#   scripts/build-models.sh            everything (about 10 + 17 min on 2 cores)
#   scripts/build-models.sh lstm16     only the named rows (the manifest keeps the others;
#                                      a pruning, int8 or stacked row needs its source
#                                      model in models/)
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

# Pruning (compress/prune.h): name | source model | sparsity | extra options.
# Every row: Zhu & Gupta's cubic ramp over 4 epochs, mask updates every 25 steps, then up
# to 10 fine-tune epochs with the masks fixed; one threshold per gate block; the input
# kernel stays dense and the Dense head is pruned to half (together 3.6 % of an LSTM-32's
# weights, and the most sensitive: docs/results.md, "Pruning"); the recurrent kernel
# takes the rest of the target.
PRUNE_COMMON=(--generated-seed "$SEED" --schedule polynomial --prune-epochs 4 --update-every 25
              --finetune-epochs 10 --per-gate --matrix-sparsity lstm0/kernel=0,dense1/kernel=0.5
              --loss rel-mse --lr 0.003 --batch 128 --sample 0.5 --patience 4 --seed 1)
PRUNE_ROWS=(
  "lstm64-p50|lstm64|0.5|"
  "lstm64-p70|lstm64|0.7|--sensitivity"
  "lstm64-p80|lstm64|0.8|"
  "lstm64-p90|lstm64|0.9|"
  "lstm64-p95|lstm64|0.95|"
  "lstm32-p50|lstm32|0.5|"
  "lstm32-p70|lstm32|0.7|--sensitivity"
  "lstm32-p80|lstm32|0.8|"
  "lstm32-p90|lstm32|0.9|"
  "lstm32-p95|lstm32|0.95|"
  "lstm16-p50|lstm16|0.5|"
  "lstm16-p70|lstm16|0.7|"
  "lstm16-p90|lstm16|0.9|"
  "lstm8-p50|lstm8|0.5|"
  "lstm8-p70|lstm8|0.7|"
  "lstm64-p90-b4|lstm64|0.9|--block 4"
  "lstm32-p90-b4|lstm32|0.9|--block 4"
)

# Int8 (compress/compress.h, QuantizeInt8): name | source model | technique | mode | notes.
# Post-training, per-column symmetric int8 weights with f16 scales, f16 biases, the
# 1 x 4H input kernel f16 (smaller than int8 + scales); tensors with zeros become
# sparse-int8 where smaller. Full integer calibrates on 1,000 training windows of the
# same generated data. Stacked rows quantise the pruning rows above.
INT8_ROWS=(
  "lstm64-int8|lstm64|int8|dynamic|dynamic-range int8 of lstm64 (int8 matmuls, float cell)"
  "lstm32-int8|lstm32|int8|dynamic|dynamic-range int8 of lstm32 (int8 matmuls, float cell)"
  "lstm16-int8|lstm16|int8|dynamic|dynamic-range int8 of lstm16 (int8 matmuls, float cell)"
  "lstm8-int8|lstm8|int8|dynamic|dynamic-range int8 of lstm8 (int8 matmuls, float cell)"
  "lstm32-int8-full|lstm32|int8|full-integer|full-integer int8 of lstm32 (integer LSTM, int16 cell; calibrated on 1,000 training windows)"
  "lstm64-p90-int8|lstm64-p90|stacked|dynamic|lstm64-p90 quantised to int8 (sparse-int8)"
  "lstm32-p70-int8|lstm32-p70|stacked|dynamic|lstm32-p70 quantised to int8 (sparse-int8)"
  "lstm32-p90-int8|lstm32-p90|stacked|dynamic|lstm32-p90 quantised to int8 (sparse-int8)"
  "lstm32-p95-int8|lstm32-p95|stacked|dynamic|lstm32-p95 quantised to int8 (sparse-int8)"
  "lstm16-p50-int8|lstm16-p50|stacked|dynamic|lstm16-p50 quantised to int8 (sparse-int8)"
  "lstm16-p70-int8|lstm16-p70|stacked|dynamic|lstm16-p70 quantised to int8 (sparse-int8)"
  "lstm16-p90-int8|lstm16-p90|stacked|dynamic|lstm16-p90 quantised to int8 (sparse-int8)"
  "lstm8-p50-int8|lstm8-p50|stacked|dynamic|lstm8-p50 quantised to int8 (sparse-int8)"
  "lstm8-p70-int8|lstm8-p70|stacked|dynamic|lstm8-p70 quantised to int8 (sparse-int8)"
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
for row in "${PRUNE_ROWS[@]}"; do
  IFS='|' read -r name source sparsity extra <<<"$row"
  if [[ ${#SELECTED[@]} -gt 0 ]] && ! want "$name" "${SELECTED[@]}"; then continue; fi
  echo "== $name"
  # shellcheck disable=SC2086  # extra is a word list on purpose
  "$SHELFCAST" compress prune "${PRUNE_COMMON[@]}" --model "models/$source.shcf" --sparsity "$sparsity" $extra \
    --out "models/$name.shcf" --report "$REPORTS/$name.prune.json"
  "$SHELFCAST" manifest add --manifest "$MANIFEST" --model "models/$name.shcf" --name "$name" \
    --technique pruning --train-report "$REPORTS/$name.prune.json" \
    --notes "gradual magnitude pruning of $source to $sparsity of its weight matrices, fine-tuned"
done
for row in "${INT8_ROWS[@]}"; do
  IFS='|' read -r name source technique mode notes <<<"$row"
  if [[ ${#SELECTED[@]} -gt 0 ]] && ! want "$name" "${SELECTED[@]}"; then continue; fi
  echo "== $name"
  calibration=()
  [[ "$mode" == full-integer ]] && calibration=(--calibration-seed "$SEED" --calibration-count 1000)
  "$SHELFCAST" compress int8 --model "models/$source.shcf" --mode "$mode" "${calibration[@]}" \
    --out "models/$name.shcf" --report "$REPORTS/$name.int8.json"
  "$SHELFCAST" manifest add --manifest "$MANIFEST" --model "models/$name.shcf" --name "$name" \
    --technique "$technique" --train-report "$REPORTS/$name.int8.json" --notes "$notes"
done
"$SHELFCAST" manifest render --manifest "$MANIFEST" --results docs/results.md
node scripts/plot-results.mjs --manifest "$MANIFEST" --out docs/results.svg
echo "build-models: $(( $(date +%s) - start )) s wall; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
