/**
 * Runs `deno test -A --doc` (the README's test command calls this through
 * `deno task test`) and passes its output through.
 *
 * Known issue: on Mesa's llvmpipe (GL backend) the test process sometimes
 * aborts with SIGABRT ("corrupted size vs. prev_size") while tearing down the
 * driver at exit, after every test has run and passed. When, and only when,
 * the exit is that abort (code 134) and deno's own summary line reports
 * `0 failed` with no failures listed, this prints that it happened and exits 0.
 * Any test failure, or any other exit code, is passed on unchanged.
 *
 * @module
 */

const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "-A", "--doc", ...Deno.args],
  stdout: "piped",
  stderr: "piped",
}).spawn();

let text = "";
const decoder = new TextDecoder();
async function pump(
  stream: ReadableStream<Uint8Array>,
  sink: typeof Deno.stdout,
) {
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    await sink.write(chunk);
  }
}
await Promise.all([
  pump(child.stdout, Deno.stdout),
  pump(child.stderr, Deno.stderr),
]);
const status = await child.status;
// deno-lint-ignore no-control-regex
const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
const summary = /^ok \| (\d+) passed(?: \(\d+ steps?\))? \| 0 failed/m.exec(
  plain,
);
if (
  status.code === 134 && summary && !/^FAILED/m.test(plain) &&
  !/ERRORS/.test(plain)
) {
  console.error(
    `run_tests: all ${
      summary[1]
    } tests passed, then the process aborted (SIGABRT) during driver teardown at exit (known Mesa llvmpipe issue, see README); exiting 0`,
  );
  Deno.exit(0);
}
Deno.exit(status.code);
