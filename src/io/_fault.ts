// Fault injection for the resume tests: with EXP_DELTA_FAULT_AT=k in the
// environment, the process kills itself (SIGKILL, no cleanup) at the k-th
// write point: after an atomic write's temporary file is written (before the
// rename), after the rename, after a claim file is created or removed, and
// after a stale run's results are removed. Unset (the normal case) it costs
// one environment lookup per process.

const VARIABLE = "EXP_DELTA_FAULT_AT";
let target: number | null | undefined;
let count = 0;

/** Counts a write point and kills the process when it is the chosen one. */
export function faultPoint(): void {
  if (target === undefined) {
    let text: string | undefined;
    try {
      text = Deno.env.get(VARIABLE);
    } catch {
      text = undefined; // no env permission: no fault injection
    }
    const k = text === undefined ? NaN : Number(text);
    target = Number.isInteger(k) && k >= 1 ? k : null;
  }
  if (target === null) return;
  count++;
  if (count === target) Deno.kill(Deno.pid, "SIGKILL");
}
