import assert from "node:assert/strict";
import {
  armRateFigure,
  latencyCdf,
  latencyCdfFigure,
} from "./tail_v2_figure.ts";

const ROWS = ["naive", "realtime"].flatMap((method) =>
  ["none", "tail_cap", "reference"].flatMap((control) =>
    ["spikes", "trace"].map((profile) => ({
      profile,
      method,
      control,
      solved: 0.6,
      solved_lo: 0.55,
      solved_hi: 0.65,
      p_starve: 0.02,
    }))
  )
);

Deno.test("armRateFigure() draws a dot per arm in a profile x method grid, intervals only for the solve rate", () => {
  const solved = armRateFigure(ROWS, { title: "reach_around" });
  assert.equal(solved.match(/<circle/g)?.length, 12);
  assert.equal(solved.match(/<line/g)!.length >= 12, true);
  assert.match(solved, />trace</);
  assert.match(solved, />realtime</);
  assert.match(solved, /solve rate \(95% Wilson\)/);
  const starve = armRateFigure(ROWS, { y: "p_starve" });
  assert.equal(starve.match(/<circle/g)?.length, 12);
  assert.match(starve, /p_starve/);
});

Deno.test("latencyCdfFigure() draws one step line per arm and panel and labels the arms", () => {
  const rows = ["none", "tail_cap"].flatMap((control) =>
    latencyCdf(
      control === "none"
        ? [{ delay: 1, count: 8 }, { delay: 9, count: 2 }]
        : [{ delay: 1, count: 8 }, { delay: 4, count: 2 }],
      { profile: "spikes", method: "naive", control, dtMs: 40 },
    )
  );
  assert.deepEqual(rows.at(-1), {
    profile: "spikes",
    method: "naive",
    control: "tail_cap",
    latency: 160,
    cdf: 1,
  });
  const svg = latencyCdfFigure(rows, { unit: "ms" });
  const lines = svg.match(/<g aria-label="line">[^]*?<\/g><\/g>/)![0];
  assert.equal(lines.match(/<path/g)?.length, 2);
  assert.match(svg, />tail_cap</);
  assert.match(svg, /latency \(ms; whole control periods/);
  assert.deepEqual(
    latencyCdf([], { profile: "p", method: "m", control: "c" }),
    [],
  );
});
