#!/usr/bin/env bash
# Reproduces the default checkpoints in exp_runs/checkpoints/ (measured solve
# rates, wall times and the exact per-run commands:
# exp_runs/checkpoints/README.md):
#   exp_runs/data/<task>.safetensors              expert demos, action noise 0.1
#   exp_runs/checkpoints/<task>/plain.safetensors  small model, H = 8
#   exp_runs/checkpoints/<task>/sd4.safetensors    same, training-time RTC D = 4
#   exp_runs/checkpoints/reach_around/plain_h4.safetensors  small model, H = 4
#
# Usage: scripts/reproduce_checkpoints.sh [task ...]   (default: all four)
#        VARIANTS="plain" scripts/reproduce_checkpoints.sh catch
#
# Model: the seed's small model (C=64, Hc=128, Ht=32, L=2) with H = 8.
# Training: batch 256, AdamW lr 1e-3 with a 100-step warm-up (short-budget
# settings instead of DESIGN's 3e-4 / 1000 / 512), WebGPU backend; the plain
# catch, cartpole_swingup and lander runs continue (--resume) at lr 3e-4
# (catch and lander then at 1e-4): a step-decay schedule.
set -euo pipefail
cd "$(dirname "$0")/.."

TASKS=("$@")
if [ ${#TASKS[@]} -eq 0 ]; then
  TASKS=(reach_around cartpole_swingup lander catch)
fi
VARIANTS=${VARIANTS:-"plain sd4"}
BACKEND=${BACKEND:-webgpu}
TRAIN="deno task train --model small"
COMMON="--batch 256 --warmup 100 --backend $BACKEND"

# Training phases "<total epochs>:<lr>" per task and variant; phases after the
# first resume the run (batch 256: reach_around and catch have 200 steps per
# epoch, cartpole_swingup 400, lander 500).
phases() {
  case "$1/$2" in
    reach_around/plain) echo "8:1e-3" ;;
    reach_around/plain_h4) echo "8:1e-3" ;;
    reach_around/sd4) echo "6:1e-3" ;;
    catch/plain) echo "6:1e-3 12:3e-4 20:1e-4" ;;
    cartpole_swingup/plain) echo "3:1e-3 6:3e-4" ;;
    lander/plain) echo "3:1e-3 5:3e-4 7:1e-4" ;;
    catch/sd4) echo "6:1e-3" ;;
    *) echo "3:1e-3" ;;
  esac
}

train() { # task variant
  local task=$1 variant=$2 args resume=""
  case "$variant" in
    plain) args="--chunk-size 8" ;;
    plain_h4) args="--name plain_h4 --chunk-size 4" ;;
    sd4) args="--chunk-size 8 --simulated-delay 4" ;;
    *) echo "reproduce: unknown variant $variant" >&2; exit 2 ;;
  esac
  local t0=$SECONDS
  for phase in $(phases "$task" "$variant"); do
    $TRAIN --task "$task" $args --epochs "${phase%%:*}" --lr "${phase##*:}" $COMMON $resume
    resume="--resume"
  done
  echo "reproduce: $task $variant trained in $((SECONDS - t0)) s" >&2
}

for task in "${TASKS[@]}"; do
  deno run -A scripts/generate_data.ts --task "$task" --envs 512
  for variant in $VARIANTS; do train "$task" "$variant"; done
  if [ "$task" = reach_around ]; then train reach_around plain_h4; fi
done
