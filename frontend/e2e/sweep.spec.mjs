// The lens on a seed sweep (SPEC §6 "What the canvas shows"): Run ×N on an edited draft
// saves it as v2 and the header says so; the sweep's runs are labelled by the seed; each run
// put on the canvas shows its own images on every node, a run from a block dims the nodes it
// did not touch, and "Current" shows each node's current generation.
import { call, importWorkflow, node, openEditor, openQueue, selectNode, shot, showAllDone, waitFor, waitRun } from "./flows.mjs";

const sweepFlow = {
  name: "Seed sweep",
  inputs: [
    { name: "topic", type: "string", description: "", required: false, default: "owls" },
    { name: "seed", type: "integer", description: "", required: false, default: 1 },
  ],
  nodes: [
    { id: "noise", type: "image.noise", params: { width: 96, height: 64, seed: "{{seed}}", scale: 12 }, position: { x: 0, y: 0 } },
    { id: "small", type: "image.resize", params: { width: 48, height: 0 }, position: { x: 300, y: 0 } },
    { id: "out", type: "io.output", params: { name: "picture" }, position: { x: 600, y: 0 } },
    { id: "title", type: "text.template", params: { template: "A picture of {{topic}}" }, position: { x: 300, y: 260 } },
  ],
  edges: [
    { source: "noise", sourceHandle: "image", target: "small", targetHandle: "image" },
    { source: "small", sourceHandle: "image", target: "out", targetHandle: "value" },
  ],
};

/** thumbAsset is the asset id of the image a node shows ("" when none). */
async function thumbAsset(page, id) {
  const img = node(page, id).locator('[data-testid="node-thumb"] img');
  if (!(await img.count())) return "";
  const src = (await img.first().getAttribute("src")) ?? "";
  return src.split("/").pop();
}

function card(page, runId) {
  return page.locator(`[data-testid="run-card"][data-run-id="${runId}"]`);
}

/** showRun unfolds the overlay and lists every finished run until the run's card is there: a
 * run that finishes meanwhile can push it past the Done section's first three. */
async function showRun(page, runId) {
  await openQueue(page);
  const c = card(page, runId);
  await waitFor(
    page,
    async () => {
      if (await c.count()) return true;
      await showAllDone(page);
      return false;
    },
    `run ${runId}'s card in the queue overlay`,
    30_000,
  );
  return c;
}

/** focusRun clicks a run's card in the overlay, finding it again (showRun) when the list
 * changed under the click: a card found can be folded away before the click lands. */
async function focusRun(page, runId) {
  const until = Date.now() + 30_000;
  for (;;) {
    const c = await showRun(page, runId);
    try {
      await c.locator(".run-card-main").click({ timeout: 3_000 });
      return;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
  }
}

export const tests = [
  {
    name: "a seed sweep through the lens: each run shows its own images, Current shows current ones",
    timeout: 60_000,
    fn: async (page, { assert }) => {
      const wf = await importWorkflow(page, sweepFlow);
      await openEditor(page, wf, "noise");

      // an edit makes a draft
      await selectNode(page, "small");
      await page.locator("#param-small-width").fill("40");
      await page.getByTestId("draft-state").filter({ hasText: "Draft — unsaved changes" }).waitFor();

      // Run ×3, seeds 1…3
      await page.getByTestId("run-many-open").click();
      const dlg = page.getByTestId("run-many");
      await dlg.getByTestId("rm-seed").check();
      await dlg.locator("#rm-seed-input").selectOption("seed");
      await dlg.locator("#rm-count").fill("3");
      await dlg.locator("#rm-start").fill("1");
      await dlg.getByTestId("run-many-submit").click();
      await dlg.waitFor({ state: "detached" });

      // item 16: the header shows the auto-saved version the runs ran, not the draft
      await page.getByTestId("draft-state").filter({ hasText: "Saved as v2" }).waitFor();
      assert.equal((await page.getByTestId("version-menu").textContent()).trim().split(/\s/)[0], "v2");

      const runs = (await call(page, "ListRuns", wf, 10)).reverse();
      assert.equal(runs.length, 3);
      // item 17: labels name the varying seed, the default-valued one too; topic is common
      assert.deepEqual(runs.map((r) => r.label), ["seed=1", "seed=2", "seed=3"]);
      const done = [];
      for (const r of runs) done.push(await waitRun(page, r.id));
      assert.ok(done.every((r) => r.status === "completed" && r.version_label === "v2"), "all ran v2");

      const genOf = (r, id) => r.nodes[id].generation_id;
      const gens = await call(page, "RunGenerations", done[0].id);
      const assetA = gens.noise.outputs.image.asset;
      const assetB = (await call(page, "RunGenerations", done[1].id)).noise.outputs.image.asset;
      assert.notEqual(assetA, assetB, "two seeds, two images");

      // run A on the canvas: every node shows run A's record
      await focusRun(page, done[0].id);
      await page.getByTestId("lens-showing").filter({ hasText: /Run #1 seed=1/ }).waitFor();
      await waitFor(page, async () => (await thumbAsset(page, "noise")) === assetA, "noise shows run A's image");
      const smallA = (await call(page, "RunGenerations", done[0].id)).small.outputs.image.asset;
      await waitFor(page, async () => (await thumbAsset(page, "small")) === smallA, "small shows run A's image");

      // run B: the previews change to run B's images
      await focusRun(page, done[1].id);
      await page.getByTestId("lens-showing").filter({ hasText: /Run #2 seed=2/ }).waitFor();
      await waitFor(page, async () => (await thumbAsset(page, "noise")) === assetB, "noise shows run B's image");
      assert.notEqual(await thumbAsset(page, "small"), smallA, "small no longer shows run A's image");

      // the generation viewer opens at the generation the canvas shows
      await selectNode(page, "noise");
      await page.locator(`[data-testid="gen-single"][data-generation="${genOf(done[1], "noise")}"]`).waitFor();

      // the grid's tiles name each run by its seed, uncut
      await page.getByTestId("gen-grid-toggle").click();
      const tileLabels = page.getByTestId("gen-grid").getByTestId("gen-tile-label");
      await waitFor(page, async () => (await tileLabels.count()) === 3, "three tiles");
      const tiles = await tileLabels.evaluateAll((els) => els.map((el) => ({ text: el.textContent, cut: el.scrollWidth > el.clientWidth })));
      assert.deepEqual(tiles.map((t) => t.text).sort(), ["seed=1", "seed=2", "seed=3"]);
      assert.ok(tiles.every((t) => !t.cut), "a tile label is cut");
      await page.getByTestId("gen-single-toggle").click();

      // Current: each node's current generation (the newest run, seed=3)
      // (runs of a sweep finish in any order: the current one is the last to finish)
      const assetC = (await call(page, "CurrentGenerations", wf)).noise.outputs.image.asset;
      await page.getByTestId("lens-current-toggle").click();
      await page.getByTestId("lens-showing").filter({ hasText: "Current" }).waitFor();
      await waitFor(page, async () => (await thumbAsset(page, "noise")) === assetC, "Current shows the current image");
      assert.equal(await node(page, "noise").getByTestId("node-status").count(), 0, "no run statuses in Current");
      await page.getByTestId("lens-current-toggle").click();
      await page.getByTestId("lens-showing").filter({ hasText: /Run #2 seed=2/ }).waitFor();
      await waitFor(page, async () => (await thumbAsset(page, "noise")) === assetB, "back on run B");

      // a run from a block: what it did not touch is dimmed; the node it reused shows the
      // generation it fed downstream (the current one)
      // (with the inputs of the run whose noise is current, so noise is reused)
      const curNoise = (await call(page, "CurrentGenerations", wf)).noise;
      const curInputs = (await call(page, "GetRun", curNoise.run_id)).inputs;
      const from = await call(page, "StartRun", { workflow_id: wf, version_id: "", inputs: curInputs, from: "small" });
      const fromDone = await waitRun(page, from.id);
      assert.equal(fromDone.nodes.noise.status, "reused");
      await focusRun(page, from.id);
      await waitFor(page, async () => (await page.locator('[data-testid="node-title"][data-lens="untouched"]').count()) > 0, "title dimmed");
      await waitFor(page, async () => (await thumbAsset(page, "noise")) === assetC, "reused noise shows what it fed");
      assert.equal(await page.locator('[data-testid="node-noise"][data-lens="untouched"]').count(), 0);
      const opacity = await page.getByTestId("node-title").evaluate((el) => getComputedStyle(el).opacity);
      assert.ok(Number(opacity) < 0.8, `untouched node opacity ${opacity}`);

      // the screenshot: run B of the sweep on the canvas, the run from a block cleared away
      await focusRun(page, done[1].id);
      await waitFor(page, async () => (await thumbAsset(page, "noise")) === assetB, "run B again");
      await page.getByTestId("node-noise").locator(".fb-head").click();
      await page.waitForTimeout(4500); // toasts of the sweep gone
      await shot(page, "lens-sweep.png");
    },
  },
];
