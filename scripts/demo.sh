#!/usr/bin/env bash
# The main job on the embedded default, end to end, with the real CLI:
# generate -> inspect -> render -> train briefly on real Fashion-MNIST -> evaluate -> export ONNX
# -> verify the export in onnxruntime against tfjs.
# Usage: scripts/demo.sh [OUT_DIR]   (default runs/demo; re-running replaces its contents)
# Environment: DEMO_LIMIT (training images, default 6000: the whole embedded subset), DEMO_EPOCHS (default 2), DEMO_BATCH (default 32),
#              DEMO_BACKEND (tfjs backend: auto|wasm|cpu|node|node-gpu, default auto),
#              DEMO_ENGINE (what computes the training steps: auto|tfjs|onnxruntime, default auto).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-runs/demo}
limit=${DEMO_LIMIT:-6000}
batch=${DEMO_BATCH:-32}
epochs=${DEMO_EPOCHS:-2}
backend=${DEMO_BACKEND:-auto}
engine=${DEMO_ENGINE:-auto}
rw() { node apps/cli/dist/main.js "$@"; }
step() { printf '\n== %s\n' "$*" >&2; }

if [ ! -f apps/cli/dist/main.js ]; then
  echo "demo: apps/cli/dist/main.js is missing: run 'pnpm install && pnpm build' first" >&2
  exit 2
fi
mkdir -p "$out"

step "1/6 generate: mnist-small preset (28x28x1, three WS(4, 0.75) stages of 16 nodes), seed 0"
rw generate --preset mnist-small --seed 0 -o "$out/spec.json"

step "2/6 inspect: per-stage graph statistics and cost"
rw inspect "$out/spec.json"
rw render "$out/spec.json" -o "$out/spec.svg"

step "3/6 train: $epochs epoch(s) on the first $limit images of the embedded Fashion-MNIST subset, batch $batch"
rw train "$out/spec.json" --data embedded --epochs "$epochs" --limit "$limit" --batch-size "$batch" --backend "$backend" \
  --engine "$engine" \
  --force -o "$out/run"

step "4/6 evaluate on the embedded test set (1,000 images)"
rw eval "$out/run"

step "5/6 export to ONNX (opset 17)"
rw export "$out/run" -o "$out/model.onnx"

step "6/6 verify: onnxruntime-node vs tfjs on real test images and random inputs"
rw verify "$out/model.onnx" --against "$out/run" --data embedded --samples 200

printf '\nDone. Spec, drawing, run directory and ONNX model are in %s/\n' "$out" >&2
