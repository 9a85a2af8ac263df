#!/usr/bin/env bash
# Executes the notebooks in notebooks/ headless with the Deno Jupyter kernel and
# fails (exit 1) if any cell fails.
#
#   scripts/run_notebooks.sh                 # all notebooks, outputs to a temp dir
#   scripts/run_notebooks.sh --inplace       # all notebooks, rewrite their outputs
#   scripts/run_notebooks.sh notebooks/latency_profiles.ipynb ...
#
# Needs Jupyter's nbconvert + nbclient (Debian: jupyter-nbconvert, python3-nbclient)
# and the `deno` kernelspec (`deno jupyter --install`, or
# `npx -y deno@2.9.6 jupyter --install`). Each notebook gets TIMEOUT_S seconds per
# cell (default 300) and runs with notebooks/ as its working directory, so its
# `../mod.ts` imports and the import map of ./deno.json resolve.
#
# The Deno kernel (2.9) sometimes publishes a cell's result after its "idle"
# status, which plain `nbconvert --execute` drops silently. The preprocessor below
# keeps listening briefly after idle so every output lands in its cell.
set -euo pipefail

caller="$PWD"
cd "$(dirname "$0")/.."
inplace=0
notebooks=()
for arg in "$@"; do
  case "$arg" in
    --inplace) inplace=1 ;;
    -h | --help)
      sed -n '2,17p' "$0"
      exit 0
      ;;
    /*) notebooks+=("$arg") ;;
    *) notebooks+=("$caller/$arg") ;;
  esac
done
if [ ${#notebooks[@]} -eq 0 ]; then
  for nb in notebooks/*.ipynb; do
    [ -e "$nb" ] && notebooks+=("$nb")
  done
fi
if [ ${#notebooks[@]} -eq 0 ]; then
  echo "run_notebooks: no notebooks found in notebooks/" >&2
  exit 1
fi
kernels="$(jupyter kernelspec list 2>/dev/null || true)"
if ! grep -qE '^\s*deno\s' <<<"$kernels"; then
  echo "run_notebooks: no 'deno' Jupyter kernel; run: deno jupyter --install" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/deno_execute.py" <<'PY'
"""nbconvert ExecutePreprocessor that keeps outputs published after "idle"."""
import asyncio
import queue

from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async
from nbconvert.preprocessors import ExecutePreprocessor

GRACE_S = 0.25  # keep listening this long after idle (restarted by each late message)


class DenoExecutePreprocessor(ExecutePreprocessor):
    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                break
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=GRACE_S))
            except (queue.Empty, asyncio.TimeoutError):
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass
PY

elapsed() { awk -v s="$1" -v e="$(date +%s%N)" 'BEGIN { printf "%.1f", (e - s) / 1e9 }'; }

status=0
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb" .ipynb)"
  if [ ! -f "$nb" ]; then
    printf 'FAIL  %-40s (no such notebook)\n' "$nb"
    status=1
    continue
  fi
  if [ "$inplace" -eq 1 ]; then
    target=(--inplace)
  else
    target=(--output-dir "$work/out" --output "$name")
  fi
  start=$(date +%s%N)
  if PYTHONPATH="$work${PYTHONPATH:+:$PYTHONPATH}" jupyter nbconvert --to notebook \
    --NotebookExporter.preprocessors=deno_execute.DenoExecutePreprocessor \
    --ExecutePreprocessor.timeout="${TIMEOUT_S:-300}" \
    --ExecutePreprocessor.kernel_name=deno \
    "${target[@]}" "$nb" 2>"$work/log"; then
    printf 'ok    %-40s %6.1f s\n' "$nb" "$(elapsed "$start")"
  else
    printf 'FAIL  %-40s %6.1f s\n' "$nb" "$(elapsed "$start")"
    grep -v '"deno jupyter" is unstable' "$work/log" | tail -40 >&2
    status=1
  fi
done
exit $status
