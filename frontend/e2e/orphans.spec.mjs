// Queued runs left by a process that stopped: a command-line batch killed with SIGKILL leaves
// its queued runs behind. The window does not start them behind the person's back: it asks
// ("N queued runs from a previous session": Resume / Cancel runs), and the answer acts on them.
import { execFile, spawn } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { importWorkflow, shot, waitFor } from "./flows.mjs";

async function flowbench(...args) {
  const { stdout } = await promisify(execFile)(process.env.E2E_BIN, [...args, "--home", process.env.E2E_HOME], {
    env: { ...process.env, DISPLAY: "" },
    timeout: 20_000,
  });
  return stdout;
}

const queue = async () => JSON.parse(await flowbench("queue", "--json"));

const slow = {
  name: "Left behind",
  inputs: [
    { name: "seed", type: "integer", description: "", required: true },
    { name: "ms", type: "integer", description: "", required: false, default: 0 },
  ],
  nodes: [
    { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
    { id: "wait", type: "util.delay", params: { ms: "{{ms}}" }, position: { x: 260, y: 0 } },
    { id: "out", type: "io.output", params: { name: "seed" }, position: { x: 520, y: 0 } },
  ],
  edges: [
    { source: "in", sourceHandle: "seed", target: "wait", targetHandle: "value" },
    { source: "wait", sourceHandle: "value", target: "out", targetHandle: "value" },
  ],
};

/** killedBatch queues n runs of workflow `name` (an id or a name) with cap 1 (the first waits a minute) and
 * SIGKILLs the batch: one run left running by a dead process, n-1 queued orphans. */
async function killedBatch(page, name, n) {
  const dir = mkdtempSync(join(tmpdir(), "fb-orphans-"));
  const lines = [JSON.stringify({ seed: 0, ms: 60000 })];
  for (let i = 1; i < n; i++) lines.push(JSON.stringify({ seed: i, ms: 0 }));
  writeFileSync(join(dir, "batch.jsonl"), lines.join("\n") + "\n");
  const child = spawn(
    process.env.E2E_BIN,
    ["run", name, "--batch", join(dir, "batch.jsonl"), "--max-concurrent", "1", "--home", process.env.E2E_HOME],
    { env: { ...process.env, DISPLAY: "" }, stdio: "ignore" },
  );
  const exited = new Promise((resolve) => child.on("exit", resolve));
  await waitFor(page, async () => (await queue()).queued.length === n - 1, `${n - 1} runs queued by the batch`, 30_000);
  child.kill("SIGKILL");
  await exited;
}

export const tests = [
  {
    name: "a killed batch's queued runs: the window asks, Cancel runs drops them",
    timeout: 90_000,
    fn: async (page, { assert }) => {
      assert.ok(process.env.E2E_BIN && process.env.E2E_HOME, "e2e.sh passes the binary and the home");
      const wf = await importWorkflow(page, slow);
      try {
        await killedBatch(page, wf, 8);
        const q = await queue();
        assert.equal(q.queued.length, 7);
        assert.ok(q.queued.every((r) => !r.owner_alive), "the batch's runs are orphaned");

        await page.reload({ waitUntil: "load" });
        await page.waitForFunction(() => window.go?.main?.App && window.runtime?.EventsOn, null, { timeout: 15_000 });
        const dialog = page.getByTestId("orphans-dialog");
        await dialog.waitFor({ timeout: 10_000 });
        assert.match(await dialog.innerText(), /7 queued runs from a previous session/);
        assert.match(await page.getByTestId("orphans-list").innerText(), /Left behind \S+ v1 · seed=1/);
        await shot(page, "orphans-dialog.png");
        // nothing started while the question is open
        assert.equal((await queue()).queued.length, 7);

        await dialog.getByRole("button", { name: "Cancel runs" }).click();
        await dialog.waitFor({ state: "detached", timeout: 10_000 });
        await waitFor(page, async () => (await page.getByTestId("toast").allInnerTexts()).some((t) => t.includes("Cancelled 7 runs")), "toast");
        const after = await queue();
        assert.equal(after.queued.length + after.running.length, 0);
        const runs = JSON.parse(await flowbench("runs", wf, "--json")).runs;
        assert.equal(runs.filter((r) => r.status === "cancelled").length, 7);
      } finally {
        await flowbench("cancel", "--orphaned").catch(() => {}); // never leave the question to another test
      }
    },
  },
  {
    name: "a killed batch's queued runs: Resume runs them in the window",
    timeout: 90_000,
    fn: async (page, { assert }) => {
      const wf = await importWorkflow(page, slow);
      try {
        await killedBatch(page, wf, 7);
        await page.reload({ waitUntil: "load" });
        await page.waitForFunction(() => window.go?.main?.App && window.runtime?.EventsOn, null, { timeout: 15_000 });
        const dialog = page.getByTestId("orphans-dialog");
        await dialog.waitFor({ timeout: 10_000 });
        assert.match(await dialog.innerText(), /6 queued runs from a previous session/);
        await dialog.getByRole("button", { name: "Resume" }).click();
        await dialog.waitFor({ state: "detached", timeout: 10_000 });
        await waitFor(
          page,
          async () => JSON.parse(await flowbench("runs", wf, "--json")).runs.filter((r) => r.status === "completed").length === 6,
          "the six resumed runs complete",
          30_000,
        );
      } finally {
        await flowbench("cancel", "--orphaned").catch(() => {});
      }
    },
  },
];
