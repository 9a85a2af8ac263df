import assert from "node:assert/strict";
import { stepDMain } from "./stepd.ts";
import { taggingSampler } from "../testing/toy_task.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    opts: {
      stdout: (l: string) => out.push(l),
      stderr: (l: string) => err.push(l),
    },
  };
}

async function isEmpty(dir: string): Promise<boolean> {
  for await (const _ of Deno.readDir(dir)) return false;
  return true;
}

Deno.test("stepDMain() prints help and exits 0", async () => {
  const c = capture();
  assert.equal(await stepDMain(["--help"], c.opts), 0);
  assert.match(c.out[0]!, /Usage: .*--shard i\/n/s);
});

Deno.test("stepDMain() rejects bad input with one error line, exit code 2, nothing written", async () => {
  const root = await Deno.makeTempDir();
  try {
    const cases: [string[], RegExp][] = [
      [["--methods", "naive,warp"], /--methods as it must be one of .*"warp"/],
      [["--seeds", "x"], /--seeds/],
      [["--rollouts", "0"], /--rollouts as it must be an integer >= 1/],
      [["--evaluator", "sync"], /--evaluator/],
      [["--profiles", "nope"], /--profiles/],
      [["--shard", "2/2"], /--shard/],
      [["--bogus"], /bogus/],
      [["--rollouts", "-3"], /rollouts/], // parseArgs' multi-line error
      [["--task", "pong"], /task/],
      [
        ["--checkpoint", `${root}/missing.safetensors`],
        /checkpoint file does not exist/,
      ],
      [["--seeds", "1,1"], /seeds must be free of duplicates/],
      [["--task", "lander,lander"], /--task must not repeat a task/],
      [
        ["--task", "lander,catch", "--checkpoint", "x.safetensors"],
        /--checkpoint needs a single --task/,
      ],
    ];
    for (const [args, re] of cases) {
      const c = capture();
      const samplers = args[0] === "--checkpoint"
        ? {}
        : { samplerFor: () => taggingSampler(4, 2) };
      const code = await stepDMain(["--out", root, ...args], {
        ...c.opts,
        ...samplers,
      });
      assert.equal(code, 2, args.join(" "));
      assert.equal(c.err.length, 1, args.join(" "));
      assert.match(c.err[0]!, /^run_stepD_tail_v1\.ts: error: /);
      assert.ok(!c.err[0]!.includes("\n"), c.err[0]);
      assert.match(c.err[0]!, re);
    }
    assert.ok(await isEmpty(root));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() runs a toy matrix, resumes, and merges", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = [
      "--out",
      root,
      "--seeds",
      "0",
      "--rollouts",
      "2",
      "--methods",
      "naive,realtime",
      "--profiles",
      "long_tail",
    ];
    const opts = { samplerFor: () => taggingSampler(4, 2), horizon: 4 };
    const c = capture();
    assert.equal(await stepDMain(args, { ...c.opts, ...opts }), 0);
    assert.match(c.out[0]!, /2 run\(s\) computed, 0 skipped; 2 rows/);
    assert.match(c.err[1]!, /^\[2\/2\] long_tail\/realtime\/seed_0: .*ETA/);
    const all = await Deno.readTextFile(`${root}/results_all.csv`);
    assert.match(all, /^profile,method,seed,level,delay,execute_horizon,/);
    assert.match(all, /\r\nlong_tail,naive,0,reach_around,profile,1,/);
    const again = capture();
    assert.equal(await stepDMain(args, { ...again.opts, ...opts }), 0);
    assert.match(again.out[0]!, /0 run\(s\) computed, 2 skipped/);
    const merged = capture();
    assert.equal(
      await stepDMain([...args, "--merge"], { ...merged.opts, ...opts }),
      0,
    );
    assert.equal(await Deno.readTextFile(`${root}/results_all.csv`), all);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() runs several tasks into <out>/<task>/ with one combined results_all.csv", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = [
      "--out",
      root,
      "--task",
      "reach_around,lander",
      "--seeds",
      "0",
      "--rollouts",
      "2",
      "--methods",
      "naive",
      "--profiles",
      "long_tail",
    ];
    // both tasks have A = 2
    const opts = { samplerFor: () => taggingSampler(4, 2), horizon: 4 };
    const c = capture();
    assert.equal(await stepDMain(args, { ...c.opts, ...opts }), 0);
    assert.match(c.out[0]!, /2 run\(s\) computed, 0 skipped; 2 rows/);
    assert.match(c.err[0]!, /^reach_around: \[1\/1\] long_tail\/naive/);
    assert.match(c.err[1]!, /^lander: \[1\/1\] long_tail\/naive/);
    for (const task of ["reach_around", "lander"]) {
      const one = await Deno.readTextFile(
        `${root}/${task}/long_tail/naive/seed_0/results.csv`,
      );
      assert.match(one, new RegExp(`long_tail,naive,0,${task},`));
    }
    const all = await Deno.readTextFile(`${root}/results_all.csv`);
    assert.match(all, /\r\nlong_tail,naive,0,reach_around,/);
    assert.match(all, /\r\nlong_tail,naive,0,lander,/);
    await Deno.remove(`${root}/results_all.csv`);
    const merged = capture();
    assert.equal(
      await stepDMain([...args, "--merge"], { ...merged.opts, ...opts }),
      0,
    );
    assert.equal(await Deno.readTextFile(`${root}/results_all.csv`), all);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() --latency-cost flops scales each method's delays by its FLOPs over naive's", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = [
      "--out",
      root,
      "--seeds",
      "0",
      "--rollouts",
      "2",
      "--methods",
      "naive,realtime",
      "--profiles",
      "long_tail",
      "--evaluator",
      "async",
    ];
    const opts = { samplerFor: () => taggingSampler(4, 2), horizon: 4 };
    const bad = capture();
    assert.equal(
      await stepDMain([...args, "--latency-cost", "wall"], {
        ...bad.opts,
        ...opts,
      }),
      2,
    );
    assert.match(bad.err[0]!, /error: .*--latency-cost .*"wall"$/);
    assert.ok(await isEmpty(root));
    const c = capture();
    assert.equal(
      await stepDMain([...args, "--latency-cost", "flops"], {
        ...c.opts,
        ...opts,
      }),
      0,
    );
    const config = async (m: string) =>
      JSON.parse(
        await Deno.readTextFile(`${root}/long_tail/${m}/seed_0/config.json`),
      ).config;
    assert.equal((await config("naive")).latency_scale, 1);
    const rt = await config("realtime");
    assert.ok(rt.latency_scale > 1.3 && rt.latency_scale < 1.5);
    assert.match(rt.latency_cost.model, /^flops:/);
    const all = await Deno.readTextFile(`${root}/results_all.csv`);
    // long_tail's spike of 4 steps becomes ceil(4 * 1.38...) = 6 for realtime.
    assert.match(
      all,
      /\r\nlong_tail,realtime,0,reach_around,profile,1,0.0,2.0,6.0,/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
