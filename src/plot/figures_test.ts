import assert from "node:assert/strict";
import {
  delayDistributionFigure,
  delayHistogram,
  smoothnessFigure,
  solveRateFigure,
} from "./figures.ts";

Deno.test("solveRateFigure() draws one dot and one interval per group with facet labels", () => {
  const svg = solveRateFigure([
    { profile: "long_tail", method: "naive", solved: 0.5, low: 0.4, high: 0.6 },
    {
      profile: "long_tail",
      method: "realtime",
      solved: 0.7,
      low: 0.6,
      high: 0.8,
    },
    {
      profile: "tail_controlled",
      method: "naive",
      solved: 0.6,
      low: 0.5,
      high: 0.7,
    },
  ]);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.match(/<circle/g)?.length, 3);
  assert.match(svg, />tail_controlled</);
  assert.match(svg, /solve rate \(95% Wilson\)/);
});

Deno.test("delayDistributionFigure() draws one bar per (profile, delay) bin", () => {
  const rows = [
    ...delayHistogram([0, 0, 1, 4], { profile: "long_tail" }),
    ...delayHistogram([0, 1, 2, 99], { profile: "pareto", clip: 8 }),
  ];
  assert.equal(rows.length, 7);
  assert.equal(rows[rows.length - 1]!.delay, 8);
  const svg = delayDistributionFigure(rows);
  assert.equal(svg.match(/<rect/g)?.length, 7);
});

Deno.test("smoothnessFigure() renders its marks", () => {
  const s = smoothnessFigure([
    { profile: "p", method: "naive", max_ddelta_action: 4.5 },
    { profile: "p", method: "naive", max_ddelta_action: 4.4 },
    { profile: "p", method: "realtime", max_ddelta_action: 3.7 },
  ]);
  assert.equal(s.match(/<circle/g)?.length, 3);
});
