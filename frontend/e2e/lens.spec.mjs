// Concurrent runs and the lens: two runs of one workflow overlap, and the canvas shows the
// statuses of whichever run the queue overlay puts on it; a queued run is cancelled from its
// card; Run ×N starts a seed sweep; focus falls back when the focused run is cleared.
import { call, importWorkflow, openEditor, openQueue, shot, status, waitFor, waitRun } from "./flows.mjs";

/** A branch on n: n > 1 runs "big", otherwise "small"; both branches take a while. */
function branching(ms = 6000) {
  return {
    name: "Lens",
    inputs: [
      { name: "n", type: "integer", description: "", required: false, default: 1 },
      ...(typeof ms === "string" ? [{ name: "ms", type: "integer", description: "", required: false, default: 100 }] : []),
    ],
    nodes: [
      { id: "in", type: "flow.inputs", position: { x: 0, y: 0 } },
      { id: "d1", type: "util.delay", params: { ms: 600 }, position: { x: 240, y: 0 } },
      { id: "if", type: "control.if", params: { condition: "value > 1" }, position: { x: 480, y: 0 } },
      { id: "big", type: "util.delay", params: { ms }, position: { x: 720, y: -90 } },
      { id: "small", type: "util.delay", params: { ms }, position: { x: 720, y: 90 } },
    ],
    edges: [
      { source: "in", sourceHandle: "n", target: "d1", targetHandle: "value" },
      { source: "d1", sourceHandle: "value", target: "if", targetHandle: "value" },
      { source: "if", sourceHandle: "true", target: "big", targetHandle: "value" },
      { source: "if", sourceHandle: "false", target: "small", targetHandle: "value" },
    ],
  };
}

function card(page, runId) {
  return page.locator(`[data-testid="run-card"][data-run-id="${runId}"]`);
}

async function runMany(page, { mode, count, start }) {
  await page.getByTestId("run-many-open").click();
  const dlg = page.getByTestId("run-many");
  await dlg.waitFor();
  if (mode === "seed") await dlg.getByTestId("rm-seed").check();
  else await dlg.getByTestId("rm-repeat").check();
  await dlg.locator("#rm-count").fill(String(count));
  if (start !== undefined) await dlg.locator("#rm-start").fill(String(start));
  await dlg.getByTestId("run-many-submit").click();
  await dlg.waitFor({ state: "detached" });
}

export const tests = [
  [
    "two runs of one workflow overlap; the lens shows each run's own statuses",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, branching());
      await openEditor(page, wf, "in");
      await runMany(page, { mode: "seed", count: 2, start: 1 });

      const running = page.locator('[data-testid="queue-running"] [data-testid="run-card"]');
      await waitFor(page, async () => (await running.count()) === 2, "two running cards");
      const runs = (await call(page, "ListRuns", wf, 10)).filter((r) => r.status === "running" || r.status === "queued");
      const one = runs.find((r) => r.inputs.n === 1);
      const two = runs.find((r) => r.inputs.n === 2);
      assert.ok(one && two, "both runs exist");
      // a sweep's labels name the input that varies, at its default value too
      assert.match(await card(page, two.id).innerText(), /n=2/);
      assert.match(await card(page, one.id).innerText(), /n=1/);

      // Starting the batch put its first run on the canvas.
      await waitFor(page, async () => (await page.getByTestId("on-canvas").count()) === 1, "one run on canvas");

      // Lens on n=1: the false branch runs, the true branch is skipped.
      await card(page, one.id).locator(".run-card-main").click();
      await card(page, one.id).getByTestId("on-canvas").waitFor();
      await waitFor(page, async () => (await status(page, "small")).startsWith("running"), "small running in n=1");
      assert.match(await status(page, "big"), /^skipped/);

      // Lens on n=2: the other way round — while both runs are still going.
      await card(page, two.id).locator(".run-card-main").click();
      await card(page, two.id).getByTestId("on-canvas").waitFor();
      await waitFor(page, async () => (await status(page, "big")).startsWith("running"), "big running in n=2");
      assert.match(await status(page, "small"), /^skipped/);
      assert.equal(await card(page, one.id).getByTestId("on-canvas").count(), 0);
      assert.equal((await call(page, "GetRun", one.id)).status, "running", "n=1 still running when the lens moved");
      // the screenshot: finished runs of earlier tests cleared from the list
      const clear = page.getByRole("button", { name: "Clear done" });
      if (await clear.count()) await clear.click();
      await shot(page, "lens.png");

      // Back to n=1 once both finished: its own final statuses, not n=2's.
      await waitRun(page, one.id);
      await waitRun(page, two.id);
      // the overlay folds once its runs have ended
      await waitFor(page, async () => (await page.locator(".queue-toggle").getAttribute("aria-expanded")) === "false", "the overlay folded");
      await openQueue(page);
      await card(page, one.id).locator(".run-card-main").click();
      await waitFor(page, async () => (await status(page, "small")).startsWith("done"), "small done in n=1");
      assert.match(await status(page, "big"), /^skipped/);
      await card(page, two.id).locator(".run-card-main").click();
      await waitFor(page, async () => (await status(page, "big")).startsWith("done"), "big done in n=2");
      assert.match(await status(page, "small"), /^skipped/);
      // the duration of the focused run's nodes is shown (4 s delay)
      assert.match(await status(page, "big"), /done · 6(\.\d)? s/);
    },
  ],

  [
    "a queued run is cancelled from its card (run cap 1)",
    async (page, { assert }) => {
      const cap = await call(page, "GetRunCap");
      await call(page, "SetRunCap", 1);
      try {
        const wf = await importWorkflow(page, branching(8000));
        await openEditor(page, wf, "in");
        await runMany(page, { mode: "repeat", count: 2 });
        const queued = page.locator('[data-testid="queue-queued"] [data-testid="run-card"]');
        const running = page.locator('[data-testid="queue-running"] [data-testid="run-card"]');
        // both runs start out queued; wait for the first to be running and the second to wait
        await waitFor(page, async () => (await queued.count()) === 1 && (await running.count()) === 1, "one running, one queued", 15_000);
        const runId = await queued.first().getAttribute("data-run-id");
        const q = page.locator(`[data-testid="queue-queued"] [data-testid="run-card"][data-run-id="${runId}"]`);
        // the card shows its place once the queue's event lands (the run's own "queued" may come first)
        await waitFor(page, async () => /#1 in queue/.test(await q.innerText()), "its place in the queue", 5_000);
        await q.getByTestId("run-cancel").click();
        const done = page.locator(`[data-testid="queue-done"] [data-testid="run-card"][data-run-id="${runId}"]`);
        await done.waitFor({ timeout: 5000 });
        assert.equal(await done.getAttribute("data-status"), "cancelled");
        assert.equal((await call(page, "GetRun", runId)).status, "cancelled");
        // the running one keeps running, then is cancelled too
        assert.equal(await running.count(), 1);
        const other = await running.first().getAttribute("data-run-id");
        assert.equal((await call(page, "GetRun", other)).status, "running");
        await running.first().getByTestId("run-cancel").click();
        assert.equal((await waitRun(page, other)).status, "cancelled");
      } finally {
        await call(page, "SetRunCap", cap);
      }
    },
  ],

  [
    "when the focused run is cleared, focus falls back to the workflow's active run",
    async (page, { assert }) => {
      const wf = await importWorkflow(page, branching("{{ms}}"));
      await openEditor(page, wf, "in");
      const start = (inputs) => call(page, "StartRun", { workflow_id: wf, version_id: "", inputs, from: "" });
      const a = await start({ n: 1, ms: 50 });
      await waitRun(page, a.id);
      await openQueue(page);
      await card(page, a.id).locator(".run-card-main").click();
      await card(page, a.id).getByTestId("on-canvas").waitFor();
      await waitFor(page, async () => (await status(page, "small")).startsWith("done"), "n=1 on canvas");
      // another run of the workflow starts elsewhere (not from this window): the pick stays
      const b = await start({ n: 2, ms: 6000 });
      await card(page, b.id).waitFor();
      await page.waitForTimeout(300);
      assert.equal(await card(page, a.id).getByTestId("on-canvas").count(), 1);
      // clearing finished runs removes the focused one: the active run takes the canvas
      await page.getByRole("button", { name: "Clear done" }).click();
      await card(page, a.id).waitFor({ state: "detached" });
      await card(page, b.id).getByTestId("on-canvas").waitFor();
      await waitFor(page, async () => (await status(page, "big")).startsWith("running"), "n=2 running on canvas");
      assert.match(await status(page, "small"), /^skipped/);
      await card(page, b.id).getByTestId("run-cancel").click();
      assert.equal((await waitRun(page, b.id)).status, "cancelled");
    },
  ],
  [
    "a card of another workflow's run opens that workflow with the run on its canvas",
    async (page, { assert }) => {
      const a = await importWorkflow(page, branching(5000));
      const b = await importWorkflow(page, branching(100));
      const run = await call(page, "StartRun", { workflow_id: a, version_id: "", inputs: { n: 2 }, from: "" });
      await openEditor(page, b, "in");
      // by default the overlay lists the open workflow's runs only: b has none, so it is folded
      const c = card(page, run.id);
      assert.equal(await c.count(), 0);
      await openQueue(page, true);
      await c.waitFor();
      // names its workflow (the names arrive a moment after the runs)
      await waitFor(page, async () => /Lens/.test(await c.innerText()), "the card names its workflow");
      assert.equal(await c.getByTestId("on-canvas").count(), 0);
      await c.locator(".run-card-main").click();
      await page.waitForFunction((id) => location.hash.includes(id), a);
      await card(page, run.id).getByTestId("on-canvas").waitFor();
      await waitFor(page, async () => (await status(page, "big")).startsWith("running"), "a's run on a's canvas");
      await card(page, run.id).getByTestId("run-cancel").click();
      assert.equal((await waitRun(page, run.id)).status, "cancelled");
    },
  ],
];
